from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "dalil.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from dalil import nav

        nav.register("api:token_list", _("My API tokens"), order=98, menu="user")
        from dalil.accounts import revocation

        from . import events, policies, services  # noqa: F401

        revocation.register("api_tokens", services.tokens_revoke_all)
