"""Permission-matrix declaration for the evidence register (tests/permission_matrix.py).

Object classes of an item (a fresh item per request): "own" (in a BGD-KARADA case, held by that
case's lead), "other" (in a BGD-MANSOUR case, held by its lead), "held" (in a BGD-MANSOUR case,
held by the requesting user: a holder sees what they hold) and "incoming" (in a BGD-MANSOUR case,
being handed to the requesting user). Recording an item is work on its case (the case classes of
dalil.cases.tests.matrix). Locations: "own" (a BGD-KARADA store), "other" (a BGD-MANSOUR store).

The hand-over forms answer 200 to whoever may see the item (an empty POST shows the form's
errors); who may actually hand over or receive is the services' rule, tested in test_custody.py.
"""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

from dalil.cases.tests.matrix import (
    EVERYONE,
    MANAGE,
    MANAGERS,
    NOBODY,
    VIEWERS,
    _fresh,
    _objects,
)

_serial = itertools.count(1)
# evidence.custody.manage at BGD-KARADA: the unit's custodian, and the laboratory supervisor's role,
# which keeps a laboratory's intake store (placed here, it keeps this unit's stores).
CUSTODIAN = {"evidence_custodian", "lab_supervisor"}
# evidence.item.view or custody.manage at BGD-KARADA (the register and its audits)
REGISTER = {"evidence_custodian", "commander", "lab_supervisor"}
APPROVERS = {"commander"}  # evidence.disposition.approve at BGD-KARADA
ITEM_VIEWERS = VIEWERS | CUSTODIAN
ITEM_VIEW = {"own": ITEM_VIEWERS, "other": NOBODY, "held": EVERYONE, "incoming": EVERYONE}
LOCATION_VIEWERS = VIEWERS | CUSTODIAN


def build(world: Any) -> None:
    from dalil.audit.ledger import System
    from dalil.evidence import services

    for key, unit in [("own", "BGD-KARADA"), ("other", "BGD-MANSOUR")]:
        world.objects[f"evidence.location.{key}"] = services.location_create(
            actor=System("matrix"),
            unit=world.units[unit],
            code=f"M-{key}",
            name="مخزن",
            kind="room",
        )


def _item(kind: str) -> Any:
    def kwargs(w: Any, me: Any) -> dict[str, Any]:
        from dalil.audit.ledger import System
        from dalil.evidence import services
        from dalil.evidence.models import Item

        case = _fresh("own" if kind == "own" else "other")(w, me)
        lead = w.objects["cases.lead.karada" if kind == "own" else "cases.lead.mansour"]
        item = services.item_record(
            actor=System("matrix"),
            case=case,
            collected_by=me if kind == "held" else lead,
            description="مسدس",
            category="weapon",
            quantity=Decimal(1),
            quantity_unit="piece",
            seal_number=f"M-{next(_serial)}",
        )
        if kind == "incoming":  # as if its holder had handed it to the requesting user
            Item.objects.filter(pk=item.pk).update(state="in_transit", transit_to_user=me)
        return {"item": item.number}

    return kwargs


def _api(builder: Any) -> Any:
    return lambda w, me: {"number": builder(w, me)["item"]}


ITEMS = {kind: _item(kind) for kind in ("own", "other", "held", "incoming")}
API_ITEMS = {kind: _api(b) for kind, b in ITEMS.items()}


def _with_disposition(kind: str, state: str, asker: str = "lead") -> Any:
    """An item of class `kind` with a destruction `state` ("requested" or "approved"), asked for
    by the item case's lead ("lead") or by the requesting user ("me")."""

    def kwargs(w: Any, me: Any) -> dict[str, Any]:
        from django.utils import timezone

        from dalil.evidence.models import Disposition, Item

        out = ITEMS[kind](w, me)
        item = Item.objects.get(number=out["item"])
        lead = w.objects["cases.lead.karada" if kind == "own" else "cases.lead.mansour"]
        Disposition.objects.create(
            item=item,
            kind="destroy",
            state=state,
            legal_basis="المادة 314",
            order_number="1/2026",
            order_date=timezone.localdate(),
            requested_by=me if asker == "me" else lead,
            requested_at=timezone.now(),
            decided_by=w.objects["cases.colleague"] if state == "approved" else None,
        )
        return out

    return kwargs


def _audit(key: str, shared: bool) -> Any:
    """An audit under way of a store made for it (one count at a time per store): one per class
    for the pages that read, one per request for the pages that scan or finish."""

    def kwargs(w: Any, me: Any) -> dict[str, Any]:
        from django.utils import timezone

        from dalil.audit.ledger import System
        from dalil.evidence import services
        from dalil.evidence.models import InventoryAudit

        name = f"evidence.audit.{key}"
        if shared and name in w.objects:
            return {"pk": w.objects[name].pk}
        location = services.location_create(
            actor=System("matrix"),
            unit=w.objects[f"evidence.location.{key}"].unit,
            code=f"A-{next(_serial)}",
            name="رف",
            kind="shelf",
        )
        made = InventoryAudit.objects.create(location=location, started_at=timezone.now())
        if shared:
            w.objects[name] = made
        return {"pk": made.pk}

    return kwargs


def _digital(kind: str, with_file: bool = False) -> Any:
    """A digital item of class `kind` (and, for the pages of a file, one file of it)."""

    def kwargs(w: Any, me: Any) -> dict[str, Any]:
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.utils import timezone

        from dalil.core import vault
        from dalil.evidence.models import DigitalFile, Item

        out = ITEMS[kind](w, me)
        item = Item.objects.get(number=out["item"])
        Item.objects.filter(pk=item.pk).update(category="digital")
        if not with_file:
            return out
        lead = w.objects["cases.lead.karada" if kind == "own" else "cases.lead.mansour"]
        data = f"image {item.pk}".encode()
        stored = vault.store_upload(
            actor=lead,
            unit=item.unit,
            upload=SimpleUploadedFile("disk.E01", data),
            attached_to="evidence.digital_file",
        )
        made = DigitalFile.objects.create(
            item=item,
            stored=stored,
            sha256=stored.blob_id,
            size=len(data),
            acquired_by="خبير",
            acquired_at=timezone.now(),
            ledger_seq=0,
        )
        return {**out, "pk": made.pk}

    return kwargs


def _location(key: str) -> Any:
    return lambda w, me: {"pk": w.objects[f"evidence.location.{key}"].pk}


def _new_item(w: Any, me: Any) -> dict[str, Any]:
    return {
        "description": "ظرف فارغ عيار 7.62",
        "category": "weapon",
        "quantity": "3",
        "quantity_unit": "piece",
        "seal_number": f"N-{next(_serial)}",
    }


def _api_new_item(w: Any, me: Any) -> dict[str, Any]:
    return {**_new_item(w, me), "case": _fresh("own")(w, me).number}


def _handover(w: Any, me: Any) -> dict[str, Any]:
    """To the lead of the item's (BGD-MANSOUR) case, who may see it."""
    return {"version": 1, "to_user": "matrix.cases.mansour", "purpose": "إلى المحقق"}


def _form(route: str, methods: tuple[str, ...] = ("GET", "POST")) -> dict[str, Any]:
    return {"route": route, "methods": methods, "objects": ITEMS, "allowed": ITEM_VIEW}


MATRIX: list[dict[str, Any]] = [
    {"route": "evidence:list", "methods": ("GET",), "allowed": REGISTER},
    {"route": "evidence:find", "methods": ("GET",), "allowed": EVERYONE},
    {"route": "evidence:awaiting", "methods": ("GET",), "allowed": EVERYONE},
    {"route": "evidence:labels", "methods": ("GET", "POST"), "allowed": EVERYONE},
    {
        "route": "evidence:item_create",
        "methods": ("GET", "POST"),
        "objects": _objects(),
        "allowed": MANAGE,
        "data": _new_item,
    },
    _form("evidence:item_detail", ("GET",)),
    _form("evidence:release"),
    _form("evidence:receive"),
    _form("evidence:receive_here"),
    _form("evidence:withdraw"),
    _form("evidence:report"),
    _form("evidence:label"),
    _form("evidence:bundle"),
    # Dispositions: asked for by whoever works on the case or keeps the unit's stores; decided by
    # a supervisor of the unit; carried out by the holder; withdrawn by who asked.
    {
        "route": "evidence:disposition",
        "methods": ("GET", "POST"),
        "objects": {"own": ITEMS["own"], "other": ITEMS["other"], "held": ITEMS["held"]},
        "allowed": {"own": MANAGERS | CUSTODIAN, "other": NOBODY, "held": NOBODY},
    },
    {
        "route": "evidence:disposition_decide",
        "methods": ("GET", "POST"),
        "objects": {
            "own": _with_disposition("own", "requested"),
            "other": _with_disposition("other", "requested"),
        },
        "allowed": {"own": APPROVERS, "other": NOBODY},
    },
    {
        "route": "evidence:disposition_execute",
        "methods": ("GET", "POST"),
        "objects": {
            "held": _with_disposition("held", "approved"),
            "other": _with_disposition("other", "approved"),
        },
        "allowed": {"held": EVERYONE, "other": NOBODY},
    },
    {
        "route": "evidence:disposition_withdraw",
        "methods": ("GET", "POST"),
        "objects": {
            "held": _with_disposition("held", "requested", asker="me"),
            "other": _with_disposition("other", "requested", asker="me"),
        },
        "allowed": {"held": EVERYONE, "other": NOBODY},
    },
    {"route": "evidence:dispositions", "methods": ("GET",), "allowed": EVERYONE},
    # Digital evidence: added by whoever works on the case or holds the item; read and re-verified
    # by whoever sees the item.
    {
        "route": "evidence:file_add",
        "methods": ("GET", "POST"),
        "objects": {k: _digital(k) for k in ("own", "other", "held")},
        "allowed": {"own": MANAGERS, "other": NOBODY, "held": EVERYONE},
    },
    {
        "route": "evidence:file_download",
        "methods": ("GET",),
        "objects": {k: _digital(k, with_file=True) for k in ("own", "other", "held")},
        "allowed": {"own": ITEM_VIEWERS, "other": NOBODY, "held": EVERYONE},
    },
    {
        "route": "evidence:file_verify",
        "methods": ("POST",),
        "objects": {k: _digital(k, with_file=True) for k in ("own", "other", "held")},
        "allowed": {"own": ITEM_VIEWERS, "other": NOBODY, "held": EVERYONE},
    },
    {"route": "evidence:location_list", "methods": ("GET",), "allowed": REGISTER},
    {"route": "evidence:location_create", "methods": ("GET", "POST"), "allowed": CUSTODIAN},
    # Inventory audits: counted by the store's custodians, read by whoever sees the register.
    {
        "route": "evidence:audit_start",
        "methods": ("GET", "POST"),
        "objects": {"own": _location("own"), "other": _location("other")},
        "allowed": {"own": CUSTODIAN, "other": NOBODY},
    },
    # The store's desk: checking in and out by scanning is the custodians' (a scan that finds
    # nothing to do answers with a message and writes nothing).
    {
        "route": "evidence:desk",
        "methods": ("GET", "POST"),
        "objects": {"own": _location("own"), "other": _location("other")},
        "allowed": {"own": CUSTODIAN, "other": NOBODY},
    },
    {
        "route": "evidence:audit_detail",
        "methods": ("GET",),
        "objects": {"own": _audit("own", shared=True), "other": _audit("other", shared=True)},
        "allowed": {"own": REGISTER, "other": NOBODY},
    },
    {
        "route": "evidence:audit_scan",
        "methods": ("POST",),
        "objects": {"own": _audit("own", shared=False), "other": _audit("other", shared=False)},
        "allowed": {"own": CUSTODIAN, "other": NOBODY},
        "data": lambda w, me: {"code": f"X-{next(_serial)}"},
    },
    {
        "route": "evidence:audit_finish",
        "methods": ("GET", "POST"),
        "objects": {"own": _audit("own", shared=False), "other": _audit("other", shared=False)},
        "allowed": {"own": CUSTODIAN, "other": NOBODY},
    },
    {
        "route": "evidence:location_detail",
        "methods": ("GET",),
        "objects": {"own": _location("own"), "other": _location("other")},
        "allowed": {"own": LOCATION_VIEWERS, "other": NOBODY},
    },
    # The API
    {
        "route": "api:evidence-item-list",
        "methods": ("GET", "POST"),
        "api": "token",
        "allowed": EVERYONE,
        "allowed_for": {"POST": {"commander"}},
        "data": _api_new_item,
    },
    {
        "route": "api:evidence-item-detail",
        "methods": ("GET",),
        "api": "token",
        "objects": API_ITEMS,
        "allowed": ITEM_VIEW,
    },
    {
        "route": "api:evidence-item-hand-over",
        "methods": ("POST",),
        "api": "token",
        "objects": {"held": API_ITEMS["held"], "other": API_ITEMS["other"]},
        "allowed": {"held": EVERYONE, "other": NOBODY},
        "data": _handover,
    },
    {
        "route": "api:evidence-item-receive",
        "methods": ("POST",),
        "api": "token",
        "objects": {"incoming": API_ITEMS["incoming"], "other": API_ITEMS["other"]},
        "allowed": {"incoming": EVERYONE, "other": NOBODY},
        "data": lambda w, me: {"version": 1},
    },
    {
        "route": "api:evidence-item-withdraw",
        "methods": ("POST",),
        "api": "token",
        "objects": {"incoming": API_ITEMS["incoming"], "other": API_ITEMS["other"]},
        "allowed": {"incoming": EVERYONE, "other": NOBODY},
        "data": lambda w, me: {"version": 1, "reason": "ليس لي"},
    },
    {
        "route": "api:evidence-location-list",
        "methods": ("GET",),
        "api": "token",
        "allowed": EVERYONE,
    },
]
