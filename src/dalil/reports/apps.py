from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "dalil.reports"
    label = "reports"
    verbose_name = _("Documents (PDF)")

    def ready(self) -> None:
        from . import events  # noqa: F401
