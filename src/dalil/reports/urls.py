from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "reports"
urlpatterns: list[URLPattern | URLResolver] = [
    path(
        "ledger-extract/<slug:app_label>.<slug:model>/<str:pk>/",
        views.ledger_extract,
        name="ledger_extract",
    ),
]
