"""Case work (PRODUCT.md IN-4): tasks, the journal with versioned amendments, documents, timeline."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The journal's versions are append-only in the database (migration 0002).
APPEND_ONLY = "casework_journalversion"


class CaseworkConfig(AppConfig):
    name = "dalil.casework"
    label = "casework"
    verbose_name = _("Case work")

    def ready(self) -> None:
        from dalil import nav
        from dalil.audit import triggers

        from . import contributions, events, policies, selectors  # noqa: F401

        nav.register(
            "mywork:tasks",
            _("My tasks"),
            order=15,
            count=selectors.my_overdue_count,
            group="work",
        )
        contributions.register()
        triggers.register_table(APPEND_ONLY)
