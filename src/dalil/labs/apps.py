"""The forensic laboratory (PRODUCT.md LB-1..LB-5)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabsConfig(AppConfig):
    name = "dalil.labs"
    label = "labs"
    verbose_name = _("Forensic laboratory")

    def ready(self) -> None:
        from dalil import nav

        from . import contributions, events, policies, searchables  # noqa: F401

        nav.register(
            "labs:list",
            _("Laboratory requests"),
            "cases.case.view",
            "labs.work.view",
            order=28,
            group="investigations",
        )
        contributions.register()
