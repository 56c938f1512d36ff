from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/code/", views.login_otp_view, name="login_otp"),
    path("enrol/", views.enrol_view, name="enrol"),
    path("enrol/set-up/", views.enrol_setup_view, name="enrol_setup"),
    path("enrol/<str:code>/", views.enrol_code_view, name="enrol_code"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_view, name="password"),
]
