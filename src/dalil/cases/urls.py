from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/edit/", views.case_edit, name="edit"),
    path("<str:number>/step/<str:step>/", views.case_step, name="step"),
    path("<str:number>/members/add/", views.member_add, name="member_add"),
    path("<str:number>/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("<str:number>/offences/add/", views.offence_add, name="offence_add"),
    path("<str:number>/offences/<int:pk>/remove/", views.offence_remove, name="offence_remove"),
    path("<str:number>/parties/add/", views.party_add, name="party_add"),
    path("<str:number>/parties/<int:pk>/remove/", views.party_remove, name="party_remove"),
]
