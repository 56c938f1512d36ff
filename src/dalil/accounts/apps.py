from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dalil.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisation")

    def ready(self) -> None:
        from dalil import nav

        nav.register(
            "admin:unit_list",
            _("Units"),
            "accounts.unit.view",
            "accounts.unit.manage",
            order=80,
            group="admin",
        )
        nav.register(
            "admin:user_list",
            _("Users"),
            "accounts.user.view",
            "accounts.user.manage",
            order=81,
            group="admin",
        )
        nav.register("accounts:password", _("My password"), order=99)
        from . import alerts, events, policies  # noqa: F401
