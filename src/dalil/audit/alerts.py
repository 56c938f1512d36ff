"""Alerts to auditors: patterns of use that a person should look at (a content grant at the
ministry, two people who approve each other's requests within minutes, break-glass, a first
sign-in after a grant, failed sign-ins across many accounts).

An alert names plain facts (user names, unit codes, counts) and the ledger entries it rests on;
it never copies a record's label, so it shows nothing the ledger would hide from its reader.
Apps declare their kinds with `register_kind()` and raise them with `raise_alert()` inside the
transaction of the action that caused them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _lazy

from .ledger import System
from .ledger import record as ledger_record
from .models import Alert

WATCH = System("watch")


@dataclass(frozen=True)
class AlertKind:
    code: str
    label: str | Promise


KINDS: dict[str, AlertKind] = {}


def register_kind(code: str, label: str | Promise) -> str:
    if code in KINDS:
        raise ValueError(f"alert kind {code!r} registered twice")
    KINDS[code] = AlertKind(code, label)
    return code


# How the facts of an alert are labelled on its page (other keys are shown as they are).
FACT_LABELS: dict[str, str | Promise] = {
    "user": _lazy("User"),
    "requested_by": _lazy("Asked by"),
    "approved_by": _lazy("Approved by"),
    "role": _lazy("Role"),
    "unit": _lazy("Unit"),
    "subtree": _lazy("With the units below"),
    "count": _lazy("How many"),
    "minutes": _lazy("Within (minutes)"),
    "record": _lazy("Record"),
}


def fact_rows(alert: Alert) -> list[tuple[str, Any]]:
    return [(str(FACT_LABELS.get(k, k)), v) for k, v in alert.facts.items()]


def kind_label(code: str) -> str:
    kind = KINDS.get(code)
    return str(kind.label) if kind else code


def raise_alert(
    *, kind: str, facts: dict[str, Any], entries: Sequence[int] = (), key: str = ""
) -> Alert | None:
    """Raise an alert in the caller's transaction, with one ledger entry of its own.

    `key` makes an alert once-only while it is open (e.g. one alert per pair of approvers): a
    second call with the same open key adds its entries to the first instead of a new alert."""
    if not connection.in_atomic_block:
        raise RuntimeError("raise_alert() must be called inside the action's transaction")
    if kind not in KINDS:
        raise LookupError(f"unknown alert kind {kind!r}: register it with register_kind()")
    seqs = sorted({int(s) for s in entries})
    if key:
        open_alert = (
            Alert.objects.select_for_update()
            .filter(key=key[:200], acknowledged_at__isnull=True)
            .first()
        )
        if open_alert is not None:
            open_alert.entries = sorted(set(open_alert.entries) | set(seqs))
            open_alert.facts = {**open_alert.facts, **facts}
            open_alert.save(update_fields=["entries", "facts"])
            return open_alert
    try:
        with transaction.atomic():  # a savepoint: losing the race below leaves the caller whole
            alert = Alert.objects.create(
                kind=kind, raised_at=timezone.now(), key=key[:200], facts=facts, entries=seqs
            )
    except IntegrityError:
        # Another transaction raised the same open alert meanwhile (the database keeps one
        # open alert per key): gather into it instead.
        return raise_alert(kind=kind, facts=facts, entries=seqs, key=key)
    ledger_record(
        actor=WATCH,
        action="audit.alert_raised",
        target=("audit.alert", str(alert.pk), f"alert {alert.pk}"),
        payload={"kind": kind, "facts": facts, "entries": seqs},
    )
    return alert
