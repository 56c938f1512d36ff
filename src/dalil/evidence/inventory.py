"""Inventory audits of a store (EV-4): the custodians of the location's unit scan what they find in
a location and the places inside it; when they finish, Dalil compares the scans with the register
and keeps the report. Each step is its own durable transaction with the audit row locked, and one
ledger entry; the scans are append-only in the database.

What the report says, always within what the auditor may see (a store that keeps items of a
compartmented case is audited by a cleared custodian: an item the auditor may not see is, for them,
an unknown code):
  found      recorded in the location (or inside it) and scanned;
  missing    recorded there, not scanned;
  misplaced  scanned there, recorded elsewhere (another store, a person, in transit, disposed);
  unknown    scanned codes that are no item the auditor may see.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import access, audit
from dalil.core.records import acting_user

from .models import AuditScan, InventoryAudit, Item, StorageLocation
from .policies import CUSTODY_MANAGE
from .selectors import item_list
from .services import _text, scanned_code, who


def may_audit(actor: Any, location: StorageLocation) -> bool:
    return access.holds_at(actor, CUSTODY_MANAGE, location.unit)


def subtree(location: StorageLocation) -> list[int]:
    """The location and every place inside it (a room's shelves and their bins)."""
    found, frontier = [location.pk], [location.pk]
    while frontier:
        frontier = list(
            StorageLocation.objects.filter(parent__in=frontier).values_list("pk", flat=True)
        )
        found += frontier
    return found


def _require(actor: Any, location: StorageLocation) -> None:
    access.require(actor, "view", location)
    if not may_audit(actor, location):
        raise access.Denied(actor, CUSTODY_MANAGE, location)


def _open_audit(actor: Any, audit_row: InventoryAudit) -> InventoryAudit:
    current = (
        InventoryAudit.objects.select_for_update()
        .select_related("location__unit")
        .get(pk=audit_row.pk)
    )
    _require(actor, current.location)
    if current.state != InventoryAudit.State.OPEN:
        raise ValidationError(_("This audit is finished: it takes no more scans."))
    return current


def audit_start(*, actor: Any, location: StorageLocation) -> InventoryAudit:
    """Begin counting a location (one count under way per location)."""
    with transaction.atomic(durable=True):
        location = StorageLocation.objects.select_for_update().get(pk=location.pk)
        _require(actor, location)
        if InventoryAudit.objects.filter(location=location, state="open").exists():
            raise ValidationError(
                _("An audit of this location is already under way: finish it first.")
            )
        started = InventoryAudit.objects.create(
            location=location, started_by=acting_user(actor), started_at=timezone.now()
        )
        audit.record(
            actor=actor,
            action="evidence.audit_started",
            target=started,
            payload={"location": who(location)},
        )
    return started


def audit_scan(*, actor: Any, audit_row: InventoryAudit, code: str) -> tuple[AuditScan | None, str]:
    """One code read by the scanner (or typed). Returns the scan and what it is ("item", "unknown"),
    or (None, "again") when the code was scanned already in this audit: nothing is written."""
    with transaction.atomic(durable=True):
        current = _open_audit(actor, audit_row)
        code = scanned_code(code)
        if not code:
            raise ValidationError({"code": _("Scan or type an item number.")})
        if AuditScan.objects.filter(audit=current, code=code).exists():
            return None, "again"
        item = item_list(actor).filter(number=code).first()
        try:
            with transaction.atomic():
                scan = AuditScan.objects.create(
                    audit=current,
                    code=code,
                    item=item,
                    scanned_by=acting_user(actor),
                    scanned_at=timezone.now(),
                )
        except IntegrityError:  # the same code from a second scanner at the same instant
            return None, "again"
        # The code itself stays on the scan row (seen by the auditors); the ledger keeps its
        # digest, so an entry read elsewhere names no item of a case its reader may not see.
        audit.record(
            actor=actor,
            action="evidence.audit_scanned",
            target=current,
            payload={"scan": scan.pk, "code_sha256": audit.text_digest(code), "known": bool(item)},
        )
    return scan, "item" if item is not None else "unknown"


def expected(actor: Any, location: StorageLocation) -> list[Item]:
    """Items the register says are in the location or inside it, that the auditor may see."""
    return list(
        item_list(actor)
        .filter(holder_location__in=subtree(location))
        .exclude(state=Item.State.DISPOSED)
        .order_by("number")
    )


def audit_finish(*, actor: Any, audit_row: InventoryAudit, notes: str = "") -> InventoryAudit:
    """Compare the scans with the register and keep the report."""
    with transaction.atomic(durable=True):
        current = _open_audit(actor, audit_row)
        notes = _text("notes", notes)
        inside = set(subtree(current.location))
        there = {i.number: i for i in expected(actor, current.location)}
        scans = list(AuditScan.objects.filter(audit=current).select_related("item"))
        scanned = {s.code for s in scans}
        misplaced = []
        for s in scans:
            item = s.item
            if item is None or item.number in there:
                continue
            # A scan that pointed at an item: where does the register say it is now?
            now = item_list(actor).filter(pk=item.pk).first()
            if now is None:
                continue
            if now.holder_location_id in inside and now.state != Item.State.DISPOSED:
                continue
            misplaced.append(
                {
                    "number": now.number,
                    "recorded": who(now.holder_user or now.holder_location),
                    "state": now.state,
                }
            )
        result = {
            "expected": len(there),
            "found": sorted(n for n in there if n in scanned),
            "missing": sorted(n for n in there if n not in scanned),
            "misplaced": sorted(misplaced, key=lambda m: str(m["number"])),
            "unknown": sorted(s.code for s in scans if s.item is None),
            "scans": len(scans),
        }
        current.state = InventoryAudit.State.FINISHED
        current.finished_by = acting_user(actor)
        current.finished_at = timezone.now()
        current.notes = notes
        current.result = result
        current.save()
        audit.record(
            actor=actor,
            action="evidence.audit_finished",
            target=current,
            payload={
                "location": who(current.location),
                **{k: len(v) if isinstance(v, list) else v for k, v in result.items()},
                "result_sha256": audit.text_digest(json.dumps(result, sort_keys=True)),
                "notes": notes,
            },
        )
    return current
