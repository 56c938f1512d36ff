from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "dalil.audit"
    label = "audit"
    verbose_name = _("Ledger")

    def ready(self) -> None:
        from dalil.ui import nav

        nav.register("audit:ledger", _("Ledger"), "audit.ledger.view", order=90, group="admin")
        from . import events, policies  # noqa: F401
