from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("verify/", views.verify, name="verify"),
    path("checkpoint/", views.checkpoint, name="checkpoint"),
    path("export/", views.export, name="export"),
    path("alerts/", views.alert_list, name="alerts"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
]
