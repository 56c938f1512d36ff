from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("break-glass/", views.break_glass_list, name="break_glass_list"),
    path("break-glass/open/", views.break_glass, name="break_glass"),
    path("explain/", views.explain, name="explain"),
    path("grants/", views.grant_requests, name="grant_requests"),
    path(
        "grants/assignment/<int:pk>/approve/", views.assignment_approve, name="assignment_approve"
    ),
    path("grants/assignment/<int:pk>/reject/", views.assignment_reject, name="assignment_reject"),
    path(
        "grants/permission/<int:pk>/approve/", views.permission_approve, name="permission_approve"
    ),
    path("grants/permission/<int:pk>/reject/", views.permission_reject, name="permission_reject"),
]
