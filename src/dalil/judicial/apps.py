"""The investigative judge (PRODUCT.md IN-5): requests, decisions, deadlines, referral dossier."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The judge's decisions are append-only in the database (migration 0002).
APPEND_ONLY = "judicial_decision"


class JudicialConfig(AppConfig):
    name = "dalil.judicial"
    label = "judicial"
    verbose_name = _("Investigative judge")

    def ready(self) -> None:
        from dalil import nav
        from dalil.audit import triggers

        nav.register(
            "judicial:requests",
            _("Requests to the judge"),
            "cases.case.view",
            order=24,
            group="investigations",
        )
        from . import contributions, dossier, events, policies  # noqa: F401

        contributions.register()
        dossier.register()
        triggers.register_table(APPEND_ONLY)
