"""Evidence register and chain of custody (PRODUCT.md EV-1, EV-3, EV-4)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Append-only in the database: the chain of custody (migration 0002), the scans of an inventory
# audit (0005), digital files and their verifications (0006).
APPEND_ONLY = [
    "evidence_custodyevent",
    "evidence_auditscan",
    "evidence_digitalfile",
    "evidence_fileverification",
]


class EvidenceConfig(AppConfig):
    name = "dalil.evidence"
    label = "evidence"
    verbose_name = _("Evidence and custody")

    def ready(self) -> None:
        from dalil import nav
        from dalil.audit import triggers

        from . import (  # noqa: F401
            contributions,
            custody_report,
            digital,
            events,
            policies,
            searchables,
            selectors,
        )

        nav.register(
            "evidence:list",
            _("Evidence register"),
            policies.ITEM_VIEW,
            order=26,
            group="investigations",
        )
        nav.register(
            "evidence:awaiting",
            _("Items awaiting my receipt"),
            # Whoever works with cases or evidence (not the administrator, the auditor, the donor).
            "cases.case.view",
            policies.ITEM_VIEW,
            policies.CUSTODY_MANAGE,
            order=17,
            count=selectors.awaiting_count,
            group="work",
        )
        nav.register(
            "evidence:dispositions",
            _("Dispositions"),
            policies.DISPOSITION_APPROVE,
            policies.CUSTODY_MANAGE,
            order=18,
            count=selectors.dispositions_count,
            group="work",
        )
        contributions.register()
        for table in APPEND_ONLY:
            triggers.register_table(table)
