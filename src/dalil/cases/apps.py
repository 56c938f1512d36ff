from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "dalil.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from dalil import nav

        nav.register("cases:list", _("Cases"), "cases.case.view", order=20, group="investigations")
        from . import contributions, events, policies  # noqa: F401

        contributions.register()
