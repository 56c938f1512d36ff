from django.urls import URLPattern, path

from . import views

app_name = "judicial"
urlpatterns: list[URLPattern] = [
    path("", views.request_list, name="requests"),
    path("deadlines/", views.deadline_list, name="deadlines"),
    path("deadlines/<int:pk>/done/", views.deadline_done, name="deadline_done"),
    path("requests/<str:number>/", views.request_detail, name="request_detail"),
    path("requests/<str:number>/edit/", views.request_edit, name="request_edit"),
    path("requests/<str:number>/submit/", views.request_submit, name="request_submit"),
    path("requests/<str:number>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("decisions/<int:pk>/correct/", views.decision_correct, name="decision_correct"),
    path("decisions/<int:pk>/scan/", views.decision_scan, name="decision_scan"),
    path("cases/<str:number>/requests/new/", views.request_create, name="request_create"),
    path("cases/<str:number>/decisions/new/", views.decision_create, name="decision_create"),
    path("cases/<str:number>/dossier/", views.dossier_issue, name="dossier"),
]
