"""What a reader may read of a ledger entry: the one rule for every surface that shows entries.

The ledger page and API, the global search, a record's history panel, timelines, the home page's
"recent activity", the ledger extract and the ledger export all ask this module, so no two of them
can disagree (RELIABILITY.md "Paths that leaked once"; docs/adr/0015-ledger-visibility.md).

    from dalil.audit import visibility

    qs = visibility.visible(reader, Entry.objects.all())  # hidden entries left out (in SQL)
    rows = visibility.present(reader, list(qs[:50]))      # withheld label and payload emptied
    visibility.decide(reader, entry)                      # HIDDEN, WITHHELD or SHOWN
    visibility.hidden_q(reader)                           # Q of the entries hidden from reader

Per entry, for one reader:

- ``HIDDEN``: the entry is about a record behind a clearance the reader lacks (its policy's
  `compartment_field` or `clearance`, `access.door.Policy.cleared_q`: a compartmented case and
  everything that hangs on it, an integrity referral, an informant's row), or about a record that
  follows one (`follows`: a file attached to it, a detention alert), or its payload names what a
  compartment protects (`payload_needs`: an informant's role and entity). For that reader the entry
  does not exist: not listed, not counted, not searchable. (An export may keep its hash only.)
- ``WITHHELD``: the reader does not read the ledger (`audit.ledger.view`) and may not see the
  record the entry is about (`access.can`): its label and payload are withheld; the record's type
  and id remain. This is the home page's case: a user's own refusals never name what was refused.
- ``SHOWN``: everything else. A reader of the ledger reads the labels of every record they are
  cleared for: oversight of what happened is their right, the records' content is not (narratives
  are digests in the payload, ADR 0013).

Apps declare, in their `policies.py`, what the registry cannot know by itself:

    visibility.follows("core.storedfile", Document, "stored")    # a file follows its document
    visibility.payload_needs('"role":"informant"', "informants")  # payload fragment -> clearance
"""

from __future__ import annotations

import enum
import functools
import operator
from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import CharField, Model, Q, QuerySet
from django.db.models.functions import Cast

from dalil.access import door

from .models import Entry

LEDGER_READ = "audit.ledger.view"
E = TypeVar("E", bound=Entry)


class Decision(enum.StrEnum):
    HIDDEN = "hidden"
    WITHHELD = "withheld"
    SHOWN = "shown"


HIDDEN, WITHHELD, SHOWN = Decision.HIDDEN, Decision.WITHHELD, Decision.SHOWN

_FOLLOWS: list[tuple[str, type[Model], str]] = []
_PAYLOADS: list[tuple[str, str]] = []


def follows(target_type: str, parent: type[Model], field: str) -> None:
    """Entries about `target_type` records are hidden when the `parent` record they belong to is
    (`field`: the lookup from `parent` to the record's id, e.g. a document's "stored" file)."""
    _FOLLOWS.append((target_type, parent, field))


def payload_needs(fragment: str, compartment: str) -> None:
    """Entries whose canonical payload contains `fragment` (e.g. '"role":"informant"') are hidden
    from readers without `compartment`'s clearance."""
    _PAYLOADS.append((fragment, compartment))


def reads_ledger(reader: Any) -> bool:
    return door.has_permission(reader, LEDGER_READ)


def _uncleared(model: type[Model], reader: Any) -> QuerySet:
    return model._default_manager.exclude(door.POLICIES[model].cleared_q(reader))


def hidden_q(reader: Any) -> Q:
    """The entries hidden from `reader`, as one filter (for querysets, pages, counts, exports)."""
    uncleared: dict[str, list[QuerySet]] = {}  # target type -> ids of its rows to hide
    for model, policy in door.POLICIES.items():
        if policy.gated:
            ids = _uncleared(model, reader).values(key=Cast("pk", CharField()))
            uncleared.setdefault(model._meta.label_lower, []).append(ids)
    for target_type, parent, field in _FOLLOWS:
        ids = (
            _uncleared(parent, reader)
            .filter(**{f"{field}__isnull": False})
            .values(key=Cast(field, CharField()))
        )
        uncleared.setdefault(target_type, []).append(ids)
    # Most entries are about records behind no clearance: one look at their type settles them.
    by_type = [
        Q(target_type=t) & functools.reduce(operator.or_, (Q(target_id__in=i) for i in ids))
        for t, ids in uncleared.items()
    ]
    parts = [Q(target_type__in=list(uncleared)) & functools.reduce(operator.or_, by_type)]
    held = door.grants_of(reader).compartments
    for fragment, compartment in _PAYLOADS:
        if compartment not in held:
            parts.append(Q(payload__contains=fragment))
    return functools.reduce(operator.or_, parts)


def visible(reader: Any, qs: QuerySet[E]) -> QuerySet[E]:
    """`qs` without the entries hidden from `reader`."""
    return qs.exclude(hidden_q(reader))


def present(reader: Any, entries: Iterable[E]) -> list[E]:
    """The entries (already through `visible`) as `reader` may read them: a withheld entry's
    label and payload are emptied in memory and `label_withheld` is set. For display only (the
    ledger is append-only: they can never be saved)."""
    rows = list(entries)
    if reads_ledger(reader):
        return rows
    seen = door.visible_records(reader, {(e.target_type, e.target_id) for e in rows})
    for e in rows:
        withheld = bool(e.target_type) and (e.target_type, e.target_id) not in seen
        e.label_withheld = withheld  # type: ignore[attr-defined]
        if withheld:
            e.target_label, e.payload = "", "{}"
    return rows


def decide(reader: Any, entry: Entry) -> Decision:
    """What `reader` may read of one entry."""
    if not visible(reader, Entry.objects.filter(seq=entry.seq)).exists():
        return HIDDEN
    if reads_ledger(reader) or not entry.target_type:
        return SHOWN
    seen = door.visible_records(reader, [(entry.target_type, entry.target_id)])
    return SHOWN if seen else WITHHELD
