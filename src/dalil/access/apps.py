from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "dalil.access"
    label = "access"
    verbose_name = _("Access control")

    def ready(self) -> None:
        from dalil import nav

        nav.register("admin:role_list", _("Roles"), "access.role.view", order=82, group="admin")
        nav.register(
            "access:break_glass_list",
            _("Break-glass"),
            "access.break_glass",
            "access.explain",
            order=91,
            group="admin",
        )
        nav.register(
            "access:grant_requests",
            _("Grant requests"),
            "access.grant.approve",
            "access.assignment.manage",
            "access.role.manage",
            order=83,
            group="admin",
            count=_waiting,
        )
        nav.register(
            "access:explain", _("Explain access"), "access.explain", order=92, group="admin"
        )
        from . import events, policies  # noqa: F401


def _waiting(user: object) -> int:
    from .selectors import waiting_for

    return waiting_for(user)
