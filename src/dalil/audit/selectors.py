from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from dalil import access

from . import registry
from .models import Entry

# Entries about compartmented records are hidden from auditors without the clearance: a whole
# record type (`COMPARTMENT_PREFIXES`, e.g. integrity referrals), or the rows of a type that sit
# in a compartment one by one (`hide_targets`, e.g. a case in an operation's compartment).
COMPARTMENT_PREFIXES: dict[str, str] = {}  # target_type prefix -> compartment code
HiddenRows = Callable[[frozenset[str]], QuerySet]  # compartments held -> the records to hide
_HIDDEN_ROWS: dict[str, HiddenRows] = {}


def hide_targets(target_type: str, rows: HiddenRows) -> None:
    """Hide the entries about `rows(held)` (records of `target_type`) from auditors who do not
    hold their compartment."""
    _HIDDEN_ROWS[target_type] = rows


def _hidden(qs: QuerySet[Entry], held: frozenset[str]) -> QuerySet[Entry]:
    for prefix, compartment in COMPARTMENT_PREFIXES.items():
        if compartment not in held:
            qs = qs.exclude(target_type__startswith=prefix)
    for target_type, rows in _HIDDEN_ROWS.items():
        ids = rows(held).values(key=Cast("pk", CharField()))
        qs = qs.exclude(target_type=target_type, target_id__in=ids)
    return qs


def _annotate(entries: list[Entry]) -> list[Entry]:
    for e in entries:
        e.action_label = registry.label(e.action)  # type: ignore[attr-defined]
    return entries


def recent_activity(user: Any, limit: int = 10) -> list[Entry]:
    """A user's own latest actions, for their home page."""
    return _annotate(list(Entry.objects.filter(actor_id=user.pk).order_by("-seq")[:limit]))


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
    qs = Entry.objects.order_by("-seq")
    qs = _hidden(qs, frozenset(access.door.grants_of(actor).compartments))
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
