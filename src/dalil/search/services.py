"""The one write of the search app that is not derived from another service: a full rebuild."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from dalil import audit

from . import indexing


def reindex(*, actor: Any) -> dict[str, int]:
    """Rebuild the index (an operator's command). One ledger entry, in the same transaction."""
    with transaction.atomic():
        counts = indexing.reindex()
        audit.record(actor=actor, action="search.reindexed", payload={"counts": counts})
    return counts


def reindex_if_incomplete(*, actor: Any) -> dict[str, int] | None:
    """Rebuild only when some records have no entry (a database from before search existed)."""
    if any(indexing.missing().values()):
        return reindex(actor=actor)
    return None
