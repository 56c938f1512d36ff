"""Every read of the evidence register, scoped through the door for the reader."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from dalil import access
from dalil.accounts.models import User
from dalil.cases.models import Case

from .models import (
    AuditScan,
    CustodyEvent,
    DigitalFile,
    Disposition,
    FileVerification,
    InventoryAudit,
    Item,
    StorageLocation,
)
from .policies import CUSTODY_MANAGE, DISPOSITION_APPROVE

ITEM_RELATED = (
    "case",
    "scene",
    "unit",
    "holder_user",
    "holder_location",
    "transit_to_user",
    "transit_to_location",
)


def item_list(actor: Any) -> QuerySet[Item]:
    return access.scope(actor, "view", Item.objects.select_related(*ITEM_RELATED))


def items_of_case(actor: Any, case: Case) -> QuerySet[Item]:
    return item_list(actor).filter(case=case).order_by("number")


def item_for(actor: Any, number: str) -> Item:
    """One item by its number; out of scope answers 404 (and the refusal is on the ledger)."""
    return access.get_or_404(
        actor, "view", Item.objects.select_related(*ITEM_RELATED), number=number
    )


def scenes_of(actor: Any, case: Case) -> QuerySet[Any]:
    """The case's crime scenes the reader may see, where an item may have been collected (the
    scenes app sits above this one: reached through the case, not imported)."""
    return access.scope(actor, "view", case.scenes.all()).order_by("called_at", "pk")


def custody_of(actor: Any, item: Item) -> QuerySet[CustodyEvent]:
    """The item's chain of custody, first event first."""
    qs = CustodyEvent.objects.filter(item=item).select_related(
        "from_user",
        "from_location",
        "to_user",
        "to_location",
        "recorded_by",
        "confirmed_on_session_of",
    )
    return access.scope(actor, "view", qs).order_by("seq")


def awaiting(actor: Any) -> QuerySet[Item]:
    """Items being handed to the reader, or into a store of a unit where they keep evidence."""
    if not isinstance(actor, User):
        return Item.objects.none()
    stores = access.units_with(actor, CUSTODY_MANAGE)
    return item_list(actor).filter(
        Q(transit_to_user=actor) | Q(transit_to_location__unit__in=stores),
        state=Item.State.IN_TRANSIT,
    )


def awaiting_count(actor: Any) -> int:
    """The badge on "Items awaiting my receipt"."""
    return awaiting(actor).count()


def held_by(actor: Any) -> QuerySet[Item]:
    """What the reader answers for personally."""
    if not isinstance(actor, User):
        return Item.objects.none()
    return item_list(actor).filter(holder_user=actor).exclude(state=Item.State.DISPOSED)


def location_list(actor: Any) -> QuerySet[StorageLocation]:
    return access.scope(actor, "view", StorageLocation.objects.select_related("unit", "parent"))


def location_for(actor: Any, pk: int) -> StorageLocation:
    return access.get_or_404(actor, "view", StorageLocation.objects.select_related("unit"), pk=pk)


def locations_for_item(actor: Any, item: Item) -> QuerySet[StorageLocation]:
    """Where the item may be taken: stores in use that the reader sees and that take its category
    (the service checks again)."""
    usable = location_list(actor).filter(is_active=True).order_by("unit__code", "code")
    return usable.filter(pk__in=[loc.pk for loc in usable if loc.takes(item.category)])


def receivers_for(actor: Any, item: Item, limit: int = 300) -> list[User]:
    """People the item may be handed to: active users of the item's unit (and the units below)
    who may see it (the service checks again)."""
    users = (
        User.objects.filter(
            is_active=True, locked_at__isnull=True, unit__path__startswith=item.unit.path
        )
        .exclude(pk=item.holder_user_id or 0)
        .select_related("unit")
        .order_by("full_name", "pk")
    )
    return access.users_who_can(users[:limit], "view", item)


def custodian_units(actor: Any) -> QuerySet[Any]:
    """Units where the reader may set up storage locations."""
    return access.units_with(actor, CUSTODY_MANAGE)


def dispositions_of(actor: Any, item: Item) -> QuerySet[Disposition]:
    qs = Disposition.objects.filter(item=item).select_related(
        "requested_by", "decided_by", "done_by", "witness"
    )
    return access.scope(actor, "view", qs).order_by("-requested_at", "-pk")


def _dispositions(actor: Any) -> QuerySet[Disposition]:
    seen = item_list(actor).values("pk")
    return Disposition.objects.filter(item__in=seen).select_related("item", "requested_by")


def dispositions_to_decide(actor: Any) -> QuerySet[Disposition]:
    """Asked for in a unit where the reader approves dispositions, by someone else."""
    if not isinstance(actor, User):
        return Disposition.objects.none()
    units = access.units_with(actor, DISPOSITION_APPROVE)
    return (
        _dispositions(actor)
        .filter(state=Disposition.State.REQUESTED, item__unit__in=units)
        .exclude(requested_by=actor)
        .order_by("requested_at", "pk")
    )


def dispositions_to_carry_out(actor: Any) -> QuerySet[Disposition]:
    """Approved, for items the reader holds or keeps in a store of their unit."""
    if not isinstance(actor, User):
        return Disposition.objects.none()
    stores = access.units_with(actor, CUSTODY_MANAGE)
    return (
        _dispositions(actor)
        .filter(state=Disposition.State.APPROVED, item__state=Item.State.HELD)
        .exclude(kind=Disposition.Kind.RETAIN)
        .filter(Q(item__holder_user=actor) | Q(item__holder_location__unit__in=stores))
        .order_by("decided_at", "pk")
    )


def dispositions_count(actor: Any) -> int:
    """The badge on "Dispositions"."""
    return dispositions_to_decide(actor).count() + dispositions_to_carry_out(actor).count()


def audits_of(actor: Any, location: StorageLocation) -> QuerySet[InventoryAudit]:
    qs = InventoryAudit.objects.filter(location=location).select_related(
        "started_by", "finished_by"
    )
    return access.scope(actor, "view", qs).order_by("-started_at", "-pk")


def audit_for(actor: Any, pk: int) -> InventoryAudit:
    return access.get_or_404(
        actor, "view", InventoryAudit.objects.select_related("location__unit"), pk=pk
    )


def scans_of(actor: Any, audit: InventoryAudit) -> list[AuditScan]:
    """The audit's scans, newest first; the item behind a code is shown only to a reader who may
    see that item (`shown`), the code to every reader of the audit."""
    qs = AuditScan.objects.filter(audit=audit).select_related("item", "scanned_by")
    scans = list(access.scope(actor, "view", qs).order_by("-pk")[:1000])
    seen = set(
        item_list(actor)
        .filter(pk__in=[s.item_id for s in scans if s.item_id])
        .values_list("pk", flat=True)
    )
    for s in scans:
        s.shown = s.item if s.item_id in seen else None  # type: ignore[attr-defined]
    return scans


def files_of(actor: Any, item: Item) -> list[DigitalFile]:
    """The item's digital files, each with its latest verification (`last`, or None)."""
    files = list(
        access.scope(actor, "view", DigitalFile.objects.filter(item=item).select_related("stored"))
    )
    latest: dict[int, FileVerification] = {}
    checks = FileVerification.objects.filter(file__in=files).order_by("file", "-at", "-pk")
    for check in checks:
        latest.setdefault(check.file_id, check)
    for f in files:
        f.last = latest.get(f.pk)  # type: ignore[attr-defined]
    return files


def file_for(actor: Any, item: Item, pk: int) -> DigitalFile:
    return access.get_or_404(
        actor, "view", DigitalFile.objects.select_related("stored", "item"), item=item, pk=pk
    )
