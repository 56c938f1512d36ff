"""What tests ask of the ledger, in one place: where it stands now, what was written since, and
how many entries of an action there are."""

from __future__ import annotations

from .models import Entry


def last_seq() -> int:
    """The sequence number of the newest entry (0 on an empty ledger)."""
    return Entry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def entries_since(seq: int) -> list[Entry]:
    return list(Entry.objects.filter(seq__gt=seq).order_by("seq"))


def actions_since(seq: int) -> list[str]:
    return list(Entry.objects.filter(seq__gt=seq).order_by("seq").values_list("action", flat=True))


def entry_count(action: str | None = None) -> int:
    """How many entries the ledger holds (of one action, when given)."""
    entries = Entry.objects.all()
    return (entries.filter(action=action) if action else entries).count()
