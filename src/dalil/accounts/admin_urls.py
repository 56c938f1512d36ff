from django.urls import path

from . import admin_views as v

app_name = "admin"
urlpatterns = [
    path("units/", v.unit_list, name="unit_list"),
    path("units/<str:code>/", v.unit_detail, name="unit_detail"),
    path("units/<str:code>/edit/", v.unit_edit, name="unit_edit"),
    path("units/<str:code>/new-unit/", v.unit_create, name="unit_create"),
    path("units/<str:code>/new-user/", v.user_create, name="user_create"),
    path("users/", v.user_list, name="user_list"),
    path("users/<str:username>/", v.user_detail, name="user_detail"),
    path("users/<str:username>/edit/", v.user_edit, name="user_edit"),
    path("users/<str:username>/unlock/", v.user_unlock, name="user_unlock"),
    path("users/<str:username>/reset-password/", v.user_password_reset, name="user_password_reset"),
    path("users/<str:username>/reset-mfa/", v.user_mfa_reset, name="user_mfa_reset"),
    path("users/<str:username>/new-code/", v.user_enrolment_renew, name="user_enrolment_renew"),
    path("users/<str:username>/assign/", v.user_assign, name="user_assign"),
    path("assignments/<int:pk>/revoke/", v.assignment_revoke, name="assignment_revoke"),
    path("roles/", v.role_list, name="role_list"),
    path("roles/new/", v.role_create, name="role_create"),
    path("roles/<str:code>/", v.role_detail, name="role_detail"),
    path("roles/<str:code>/edit/", v.role_edit, name="role_edit"),
]
