from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartiesConfig(AppConfig):
    name = "dalil.parties"
    label = "parties"
    verbose_name = _("Persons and entities")

    def ready(self) -> None:
        from dalil import nav

        nav.register(
            "parties:list",
            _("Persons and entities"),
            "parties.entity.view",
            "parties.entity.manage",
            order=30,
            group="investigations",
        )
        from . import events, policies  # noqa: F401
