from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "dalil.audit"
    label = "audit"
    verbose_name = _("Ledger")

    def ready(self) -> None:
        from dalil import nav

        nav.register("audit:ledger", _("Ledger"), "audit.ledger.view", order=90, group="admin")
        nav.register(
            "audit:alerts",
            _("Alerts to auditors"),
            "audit.alert.view",
            order=89,
            group="admin",
            count=_open_alerts,
        )
        from django.db.models.signals import post_migrate

        from . import events, policies  # noqa: F401

        post_migrate.connect(_grant_app_role, sender=self)


def _grant_app_role(using: str = "default", plan: Any = None, **kwargs: Any) -> None:
    """After migrations that changed something (run as the owner), give the application role its
    grants again: new tables start with none, and an append-only table must never be left
    changeable. A refusal (the role is the owner, a superuser…) stops `migrate` with its reason."""
    from django.conf import settings
    from django.db import connections

    role = settings.DALIL_DB_APP_ROLE
    if not role or not plan or using != "default" or connections[using].vendor != "postgresql":
        return
    from .ledger import System
    from .privileges import apply

    apply(role, actor=System("migrate"))


def _open_alerts(user: Any) -> int:
    from .alert_review import open_count

    return open_count(user)
