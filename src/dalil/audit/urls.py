from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.ledger, name="ledger"),
    path("verify/", views.verify, name="verify"),
    path("checkpoint/", views.checkpoint, name="checkpoint"),
    path("export/", views.export, name="export"),
]
