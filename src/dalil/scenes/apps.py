"""Crime scenes (PRODUCT.md SC-1..SC-4)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The photo log is append-only in the database (migration 0002).
APPEND_ONLY = ["scenes_scenephoto"]


class ScenesConfig(AppConfig):
    name = "dalil.scenes"
    label = "scenes"
    verbose_name = _("Crime scenes")

    def ready(self) -> None:
        from dalil import nav
        from dalil.audit import triggers

        from . import contributions, events, policies, searchables  # noqa: F401

        nav.register(
            "scenes:list", _("Crime scenes"), "cases.case.view", order=25, group="investigations"
        )
        contributions.register()
        for table in APPEND_ONLY:
            triggers.register_table(table)
