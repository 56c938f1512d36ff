from django.urls import path

from . import views

app_name = "detention"
urlpatterns = [
    path("", views.register, name="list"),
    path("rules/", views.rules, name="rules"),
    path("rules/penalties/", views.penalties, name="penalties"),
    path("rules/penalties/<slug:code>/", views.penalty_edit, name="penalty_edit"),
    path("arrest/<str:number>/", views.arrest, name="arrest"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/orders/add/", views.order_add, name="order_add"),
    path("<int:pk>/hold-extension/", views.hold_extend, name="hold_extend"),
    path("<int:pk>/appearance/", views.appearance, name="appearance"),
    path(
        "<int:pk>/court-permissions/add/",
        views.court_permission_add,
        name="court_permission_add",
    ),
    path("<int:pk>/transfers/add/", views.transfer_add, name="transfer_add"),
    path("<int:pk>/release/", views.release, name="release"),
    path("<int:pk>/injuries/add/", views.injury_add, name="injury_add"),
    path("<int:pk>/injuries/<int:injury>/photo/", views.injury_photo, name="injury_photo"),
    path("<int:pk>/statements/add/", views.statement_add, name="statement_add"),
    path("statements/<int:pk>/", views.statement_detail, name="statement_detail"),
    path("statements/<int:pk>/document/", views.statement_document, name="statement_document"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/<int:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<int:pk>/files/<int:file>/", views.referral_file, name="referral_file"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/read/", views.alert_read, name="alert_read"),
]
