from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Model, Q, QuerySet

from dalil import access

from . import registry, visibility
from .models import Entry

# Entries that tell of oversight rather than of the record itself: who was refused, who was
# explained, who broke the glass, who read the ledger.
OVERSIGHT_ACTIONS = ("access.", "audit.")


def _annotate(entries: list[Entry]) -> list[Entry]:
    for e in entries:
        e.action_label = registry.label(e.action)  # type: ignore[attr-defined]
    return entries


def recent_activity(user: Any, limit: int = 10) -> list[Entry]:
    """A user's own latest actions, for their home page: a refusal names no record the user may
    not see (`visibility`)."""
    qs = visibility.visible(user, Entry.objects.filter(actor_id=user.pk)).order_by("-seq")
    return _annotate(visibility.present(user, qs[:limit]))


def entry_list(
    actor: Any,
    *,
    actor_name: str = "",
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[Entry]:
    """The ledger, for those who hold `audit.ledger.view`, filtered."""
    access.require_permission(actor, "audit.ledger.view")
    qs = visibility.visible(actor, Entry.objects.order_by("-seq"))
    if actor_name:
        qs = qs.filter(actor__icontains=actor_name)
    if action:
        qs = qs.filter(action=action)
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(Q(target_id=target_id) | Q(target_label__icontains=target_id))
    if since:
        qs = qs.filter(ts__gte=since)
    if until:
        qs = qs.filter(ts__lt=until)
    return qs


def withheld_from(reader: Any) -> Callable[[int, int], set[int]]:
    """For a ledger export made for `reader`: the seqs in [first, last] of the entries the ledger
    page does not show them (`entry_list`, the page's and the API's own rule). The bundle holds
    those as their hashes only; a reader who may not open the ledger page gets every entry so."""

    def seqs(first: int, last: int) -> set[int]:
        in_range = Entry.objects.filter(seq__gte=first, seq__lte=last)
        if access.has_permission(reader, "audit.ledger.view"):
            shown = entry_list(reader).filter(seq__gte=first, seq__lte=last)
            in_range = in_range.exclude(seq__in=shown.values("seq"))
        return set(in_range.values_list("seq", flat=True))

    return seqs


def annotate(entries: list[Entry]) -> list[Entry]:
    return _annotate(entries)


def shown(reader: Any, entries: Iterable[Entry]) -> list[Entry]:
    """Entries (already through `visibility.visible`) as `reader` may read them, with labels."""
    return _annotate(visibility.present(reader, entries))


def about(reader: Any, obj: Model) -> QuerySet[Entry]:
    """The entries about a record the reader may already see (its history panel, its ledger
    extract). Entries that tell of oversight (refusals, explanations, break-glass, reading the
    ledger) only for readers of the ledger: an officer gets no signal that someone is looking at
    them (R-06)."""
    qs = Entry.objects.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk))
    if not visibility.reads_ledger(reader):
        for prefix in OVERSIGHT_ACTIONS:
            qs = qs.exclude(action__startswith=prefix)
    return visibility.visible(reader, qs)
