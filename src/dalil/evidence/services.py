"""Every write of the evidence register (EV-1, EV-3, EV-4): one service each, deciding inside its
own durable transaction with the item row locked (ARCHITECTURE rule 7), one ledger entry each, and
for each change of custody one row of the append-only chain that names that entry.

A hand-over takes two people: the holder releases the item (it is "in transit"), the receiver
confirms with their own credential, on the same screen or later from their own session. Until
then the holder still answers for it. Every write carries the item's version as the writer's page
showed it: of two hand-overs racing, the second finds the version moved and is refused with a
clear message (`Conflict`), and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import access, audit, search
from dalil.accounts.models import Unit, User
from dalil.cases.models import Case
from dalil.cases.services import case_for_work
from dalil.core import dates, numbering
from dalil.core.records import acting_user
from dalil.core.text import clean_field, clean_identifier

from .models import HAZARDS, Category, CustodyEvent, Item, SealState, StorageLocation
from .policies import CUSTODY_MANAGE

NUMBER_SCOPE = "EV"
# Station clocks drift: a time a few minutes ahead is a clock, not a prophecy.
HAZARD_CODES = {code for code, _label in HAZARDS}


class Conflict(Exception):
    """The item changed since the writer's page was loaded (HTTP 409): nothing was written."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This item was handed over or received by someone else while you were working. "
                "Nothing was saved: reload the page to see where the item is now."
            )
        )


# --- Small rules ----------------------------------------------------------------------------------
def code_of(value: str | None, field: str = "") -> str:
    """An item, seal or location code as written on labels: one spelling, upper case ("" when
    nothing was typed). A refusal names `field`."""
    if not (value or "").strip():
        return ""
    try:
        return clean_identifier(value or "").upper()
    except ValidationError as exc:
        if field:
            raise ValidationError({field: exc.messages}) from exc
        raise


def scanned_code(raw: str | None, field: str = "code") -> str:
    """What a scanner read (or someone typed): an item number, or a label's QR code, which carries
    the item's address. Returns the item number in its one spelling ("" when nothing was read)."""
    text = (raw or "").strip()[:300]
    if "/items/" in text:
        text = text.rstrip("/").rsplit("/", 1)[-1]
    return code_of(text[:40], field)


# One field's free text, refused beside the field (the rule lives in dalil.core.text).
_text = clean_field


def _when(field: str, value: dt.datetime | None, *, not_before: dt.datetime | None) -> dt.datetime:
    value = dates.past_moment(field, value)
    if value is None:
        return timezone.now()
    if not_before is not None and value < not_before:
        raise ValidationError(
            {
                field: _("This time is before the item's last custody event (%(at)s).")
                % {"at": timezone.localtime(not_before).strftime("%Y-%m-%d %H:%M")}
            }
        )
    return value


def _seal(seal_state: str, seal_number: str, current: str, notes: str) -> str:
    """The seal as the item leaves or arrives: the number it carries afterwards."""
    if seal_state not in SealState.values:
        raise ValidationError({"seal_state": _("Say in what state the seal is.")})
    if seal_state == SealState.RESEALED:
        seal_number = code_of(seal_number, "seal_number")
        if not seal_number:
            raise ValidationError({"seal_number": _("Give the number of the new seal.")})
        if seal_number == current:
            raise ValidationError(
                {"seal_number": _("The new seal must have a number other than the old one.")}
            )
        return seal_number
    if seal_state == SealState.BROKEN and not notes:
        raise ValidationError({"notes": _("Say how and why the seal came to be broken.")})
    return current


def _locked(actor: Any, item: Item, version: int) -> Item:
    """The item row as it is now, locked until the write's transaction ends; the actor must see
    it (else 404), and it must still be at the version the actor's page showed."""
    current = Item.objects.select_for_update().get(pk=item.pk)
    access.require(actor, "view", current)
    if current.version != version:
        raise Conflict()
    return current


def _last_event(item: Item) -> CustodyEvent | None:
    return CustodyEvent.objects.filter(item=item).order_by("-seq").first()


def _append(
    item: Item,
    *,
    actor: Any,
    kind: str,
    action: str,
    at: dt.datetime,
    frm: User | StorageLocation | None,
    to: User | StorageLocation | None,
    purpose: str = "",
    notes: str = "",
    on_session_of: User | None = None,
    extra: dict[str, Any] | None = None,
) -> CustodyEvent:
    """One link of the chain and its ledger entry (the entry first: the link names it)."""
    seq = (CustodyEvent.objects.filter(item=item).aggregate(m=Max("seq"))["m"] or 0) + 1
    payload = {
        **(extra or {}),
        "event": seq,
        "kind": kind,
        "at": at.astimezone(dt.UTC).isoformat(),
        "from": who(frm),
        "to": who(to),
        "purpose": purpose,
        "seal_number": item.seal_number,
        "seal_state": item.seal_state,
        "notes": notes,
    }
    if on_session_of is not None:
        payload["on_session_of"] = on_session_of.username
    entry = audit.record(actor=actor, action=action, target=item, payload=payload)
    return CustodyEvent.objects.create(
        item=item,
        seq=seq,
        kind=kind,
        at=at,
        from_user=frm if isinstance(frm, User) else None,
        from_location=frm if isinstance(frm, StorageLocation) else None,
        to_user=to if isinstance(to, User) else None,
        to_location=to if isinstance(to, StorageLocation) else None,
        purpose=purpose,
        seal_number=item.seal_number,
        seal_state=item.seal_state,
        notes=notes,
        recorded_by=acting_user(actor),
        confirmed_on_session_of=on_session_of,
        ledger_seq=entry.seq,
    )


def who(party: User | StorageLocation | None) -> str | None:
    """A party as the ledger and the court's bundle name it: user:NAME or location:UNIT/CODE."""
    if isinstance(party, User):
        return f"user:{party.username}"
    if isinstance(party, StorageLocation):
        return f"location:{party.unit.code}/{party.code}"
    return None


def _save(item: Item, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(item, name, value)
    item.version += 1
    item.save(update_fields=[*fields, "version", "updated_at"])


# --- Who may do what ------------------------------------------------------------------------------
def _answers_for(actor: Any, user_id: int | None, location: StorageLocation | None) -> bool:
    """The person named, or, for a store, the custodians of its unit."""
    if user_id is not None:
        return isinstance(actor, User) and actor.pk == user_id
    return location is not None and access.holds_at(actor, CUSTODY_MANAGE, location.unit)


def may_release(actor: Any, item: Item) -> bool:
    """The person who holds the item; for an item in a store, the store's custodians."""
    return item.state == Item.State.HELD and _answers_for(
        actor, item.holder_user_id, item.holder_location
    )


def may_receive(actor: Any, item: Item) -> bool:
    """The person it is handed to; into a store, the store's custodians."""
    return item.state == Item.State.IN_TRANSIT and _answers_for(
        actor, item.transit_to_user_id, item.transit_to_location
    )


def may_withdraw(actor: Any, item: Item) -> bool:
    """Who released the item takes back a hand-over not yet received; the receiver declines it."""
    if item.state != Item.State.IN_TRANSIT:
        return False
    release = _last_event(item)
    released_by = release.recorded_by_id if release else None
    return may_receive(actor, item) or (isinstance(actor, User) and actor.pk == released_by)


# --- Recording an item ----------------------------------------------------------------------------
def item_record(
    *,
    actor: Any,
    case: Case,
    description: str,
    category: str,
    quantity: Decimal,
    quantity_unit: str,
    seal_number: str,
    collected_at: dt.datetime | None = None,
    collected_by: User | None = None,
    collected_from: str = "",
    method: str = "",
    packaging: str = "",
    hazards: list[str] | None = None,
    scene: Any = None,
) -> Item:
    """Register an item collected for `case` (case work), at one of its scenes or received
    otherwise. It takes the next agency-wide number
    (EV-2026-000123, race-free) and is held by its collector, who answers for it until they hand
    it over. The operator's command line (demo data, a paper register) names the collector."""
    with transaction.atomic(durable=True):
        if scene is not None and scene.case_id != case.pk:
            raise ValidationError({"scene": _("Choose a scene of this case.")})
        # The scene's lead officer records what they collect at it without working on the case.
        at_own_scene = (
            scene is not None and isinstance(actor, User) and (scene.lead_officer_id == actor.pk)
        )
        case = case_for_work(actor, case, action="view" if at_own_scene else "work", operator=True)
        collector = collected_by or acting_user(actor)
        if collector is None:
            raise ValidationError({"collected_by": _("Say who collected the item.")})
        if not collector.is_active or collector.locked_at:
            raise ValidationError({"collected_by": _("This user account is not active.")})
        description = _text("description", description, _("Describe the item."))
        if category not in Category.values:
            raise ValidationError({"category": _("Choose a category.")})
        if quantity_unit not in Item.QuantityUnit.values:
            raise ValidationError({"quantity_unit": _("Choose a unit of measure.")})
        if quantity is None or quantity <= 0:
            raise ValidationError({"quantity": _("The quantity must be more than zero.")})
        hazards = sorted(set(hazards or []))
        if set(hazards) - HAZARD_CODES:
            raise ValidationError({"hazards": _("Choose hazards from the list.")})
        seal_number = code_of(seal_number, "seal_number")
        if not seal_number:
            raise ValidationError(
                {"seal_number": _("Give the number of the seal on the packaging.")}
            )
        collected_from = _text("collected_from", collected_from)
        if scene is not None and not collected_from:
            collected_from = scene.address
        # A collection long before the file was opened is a typing error, except in an older
        # paper register the operator brings in (and says so: `records_history`).
        earliest = None if access.records_history(actor) else case.opened_at - dt.timedelta(days=1)
        at = _when("collected_at", collected_at, not_before=earliest)
        year = timezone.localtime(at).year
        number = numbering.format_number(
            NUMBER_SCOPE, year, numbering.next_number(NUMBER_SCOPE, year)
        )
        item = Item.objects.create(
            number=number,
            case=case,
            unit=case.unit,
            description=description,
            category=category,
            quantity=quantity,
            quantity_unit=quantity_unit,
            hazards=hazards,
            collected_at=at,
            collected_by=collector,
            collected_from=collected_from,
            scene=scene,
            method=_text("method", method),
            packaging=_text("packaging", packaging),
            seal_number=seal_number,
            holder_user=collector,
        )
        _append(
            item,
            actor=actor,
            kind=CustodyEvent.Kind.COLLECTED,
            action="evidence.item_recorded",
            at=at,
            frm=None,
            to=collector,
            purpose="",
            extra={
                "number": number,
                "case": case.number,
                "category": category,
                "quantity": str(quantity),
                "quantity_unit": quantity_unit,
                "collected_by": collector.username,
                "scene": scene.number if scene is not None else None,
            },
        )
        search.index(item)
    return item


# --- The hand-over --------------------------------------------------------------------------------
def transfer_release(
    *,
    actor: Any,
    item: Item,
    version: int,
    to_user: User | None = None,
    to_location: StorageLocation | None = None,
    purpose: str,
    seal_state: str = SealState.INTACT,
    seal_number: str = "",
    notes: str = "",
    at: dt.datetime | None = None,
) -> Item:
    """The holder hands the item to a person or a store; it is in transit until received."""
    with transaction.atomic(durable=True):
        return release_within(
            actor=actor,
            item=item,
            version=version,
            to_user=to_user,
            to_location=to_location,
            purpose=purpose,
            seal_state=seal_state,
            seal_number=seal_number,
            notes=notes,
            at=at,
        )


def _in_durable_transaction(name: str) -> None:
    if not any(block.durable for block in transaction.get_connection().atomic_blocks):
        raise RuntimeError(f"{name}() must run inside the caller's durable transaction")


def release_within(
    *,
    actor: Any,
    item: Item,
    version: int,
    to_user: User | None = None,
    to_location: StorageLocation | None = None,
    purpose: str,
    seal_state: str = SealState.INTACT,
    seal_number: str = "",
    notes: str = "",
    at: dt.datetime | None = None,
) -> Item:
    """`transfer_release`'s decision, inside the caller's durable transaction: for a service of a
    layer above whose own decision *is* a hand-over (sending an item to the laboratory)."""
    _in_durable_transaction("release_within")
    current = _locked(actor, item, version)
    if current.state == Item.State.DISPOSED:
        raise ValidationError(_("This item has been disposed of: it has no more custody."))
    if current.state == Item.State.IN_TRANSIT:
        raise ValidationError(
            _("This item is already being handed over: it must be received or withdrawn first.")
        )
    if not may_release(actor, current):
        raise ValidationError(_("You do not hold this item: only its holder can hand it over."))
    if (to_user is None) == (to_location is None):
        raise ValidationError({"to_user": _("Choose one person or one storage location.")})
    if to_user is not None:
        if to_user.pk == current.holder_user_id:
            raise ValidationError({"to_user": _("This person already holds the item.")})
        if isinstance(actor, User) and to_user.pk == actor.pk:
            raise ValidationError({"to_user": _("You cannot hand an item over to yourself.")})
        if not to_user.is_active or to_user.locked_at:
            raise ValidationError({"to_user": _("This user account is not active.")})
        if not access.can(to_user, "view", current):
            raise ValidationError(
                {"to_user": _("This person may not see this item, so cannot receive it.")}
            )
    if to_location is not None:
        if to_location.pk == current.holder_location_id:
            raise ValidationError({"to_location": _("The item is already kept there.")})
        if not to_location.is_active or not access.can(actor, "view", to_location):
            raise ValidationError({"to_location": _("Choose a storage location in use.")})
        if not to_location.takes(current.category):
            raise ValidationError(
                {
                    "to_location": _("This location does not take items of the category “%(c)s”.")
                    % {"c": current.get_category_display()}
                }
            )
    purpose = _text("purpose", purpose, _("Say why the item is handed over."))
    notes = _text("notes", notes)
    last = _last_event(current)
    when = _when("at", at, not_before=last.at if last else None)
    new_seal = _seal(seal_state, seal_number, current.seal_number, notes)
    _save(
        current,
        state=Item.State.IN_TRANSIT,
        transit_to_user=to_user,
        transit_to_location=to_location,
        seal_state=seal_state,
        seal_number=new_seal,
    )
    _append(
        current,
        actor=actor,
        kind=CustodyEvent.Kind.RELEASED,
        action="evidence.custody_released",
        at=when,
        frm=current.holder_user or current.holder_location,
        to=to_user or to_location,
        purpose=purpose,
        notes=notes,
    )
    search.index(current)
    return current


def transfer_confirm(
    *,
    actor: Any,
    item: Item,
    version: int,
    seal_state: str = SealState.INTACT,
    seal_number: str = "",
    notes: str = "",
    on_session_of: User | None = None,
    at: dt.datetime | None = None,
) -> Item:
    """The receiver confirms: the item is theirs (or the store's) from now. They state the seal as
    they found it. `on_session_of`: the user whose screen the receiver confirmed on, with their
    own credential (checked by the page before it calls this)."""
    with transaction.atomic(durable=True):
        return receipt_within(
            actor=actor,
            item=item,
            version=version,
            seal_state=seal_state,
            seal_number=seal_number,
            notes=notes,
            on_session_of=on_session_of,
            at=at,
        )


def receipt_within(
    *,
    actor: Any,
    item: Item,
    version: int,
    seal_state: str = SealState.INTACT,
    seal_number: str = "",
    notes: str = "",
    on_session_of: User | None = None,
    at: dt.datetime | None = None,
) -> Item:
    """`transfer_confirm`'s decision, inside the caller's durable transaction: for a service of a
    layer above whose own decision *is* a receipt (the laboratory's intake, ADR 0028), so that
    both commit together or neither does."""
    _in_durable_transaction("receipt_within")
    current = _locked(actor, item, version)
    if current.state != Item.State.IN_TRANSIT:
        raise ValidationError(_("This item is not being handed over: there is nothing to receive."))
    if not may_receive(actor, current):
        raise ValidationError(_("This item is not being handed to you."))
    last = _last_event(current)
    # Two people, always: whoever handed the item over cannot also confirm its receipt (a
    # custodian moving an item between two shelves of the store asks a colleague).
    if last is not None and isinstance(actor, User) and last.recorded_by_id == actor.pk:
        raise ValidationError(
            _("Who handed the item over cannot also confirm its receipt: a second person must.")
        )
    notes = _text("notes", notes)
    when = _when("at", at, not_before=last.at if last else None)
    new_seal = _seal(seal_state, seal_number, current.seal_number, notes)
    frm = current.holder_user or current.holder_location
    to = current.transit_to_user or current.transit_to_location
    _save(
        current,
        state=Item.State.HELD,
        holder_user=current.transit_to_user,
        holder_location=current.transit_to_location,
        transit_to_user=None,
        transit_to_location=None,
        seal_state=seal_state,
        seal_number=new_seal,
    )
    _append(
        current,
        actor=actor,
        kind=CustodyEvent.Kind.RECEIVED,
        action="evidence.custody_received",
        at=when,
        frm=frm,
        to=to,
        purpose=last.purpose if last else "",
        notes=notes,
        on_session_of=on_session_of,
    )
    search.index(current)
    return current


def transfer_withdraw(*, actor: Any, item: Item, version: int, reason: str) -> Item:
    """A hand-over not yet received is withdrawn by who released it, or declined by the receiver:
    the item stays with its holder."""
    with transaction.atomic(durable=True):
        current = _locked(actor, item, version)
        if current.state != Item.State.IN_TRANSIT:
            raise ValidationError(
                _("This item is not being handed over: there is nothing to withdraw.")
            )
        if not may_withdraw(actor, current):
            raise ValidationError(_("Only who handed the item over, or its receiver, can do this."))
        reason = _text("reason", reason, _("Give the reason."))
        to = current.transit_to_user or current.transit_to_location
        _save(current, state=Item.State.HELD, transit_to_user=None, transit_to_location=None)
        _append(
            current,
            actor=actor,
            kind=CustodyEvent.Kind.CANCELLED,
            action="evidence.custody_cancelled",
            at=timezone.now(),
            frm=to,
            to=current.holder_user or current.holder_location,
            notes=reason,
        )
    return current


# --- Storage locations ----------------------------------------------------------------------------
def location_create(
    *,
    actor: Any,
    unit: Unit,
    code: str,
    name: str,
    kind: str,
    parent: StorageLocation | None = None,
    categories: list[str] | None = None,
    capacity_note: str = "",
) -> StorageLocation:
    """A store of the unit (custodians of the unit; the operator's command line too)."""
    with transaction.atomic(durable=True):
        if not access.is_operator(actor) and not access.holds_at(actor, CUSTODY_MANAGE, unit):
            raise access.Denied(actor, CUSTODY_MANAGE, unit)
        code = code_of(code, "code")
        if not code:
            raise ValidationError({"code": _("Give the location a code (e.g. R1-S2).")})
        name = _text("name", name, _("Give the location a name."))
        if kind not in StorageLocation.Kind.values:
            raise ValidationError({"kind": _("Choose a kind.")})
        categories = sorted(set(categories or []))
        if set(categories) - set(Category.values):
            raise ValidationError({"categories": _("Choose categories from the list.")})
        if parent is not None and parent.unit_id != unit.pk:
            raise ValidationError({"parent": _("The enclosing location must be of the same unit.")})
        # A bin inside the drugs safe takes drugs only: a place never takes more than its parent.
        if parent is not None and parent.categories:
            if not categories:
                categories = list(parent.categories)
            elif set(categories) - set(parent.categories):
                raise ValidationError(
                    {
                        "categories": _(
                            "A location cannot take categories its enclosing location does not."
                        )
                    }
                )
        if StorageLocation.objects.filter(unit=unit, code=code).exists():
            raise ValidationError({"code": _("The unit already has a location with this code.")})
        location = StorageLocation.objects.create(
            unit=unit,
            parent=parent,
            code=code,
            name=name,
            kind=kind,
            categories=categories,
            capacity_note=_text("capacity_note", capacity_note),
        )
        audit.record(
            actor=actor,
            action="evidence.location_created",
            target=location,
            payload={
                "unit": unit.code,
                "code": code,
                "name": name,
                "kind": kind,
                "parent": parent.code if parent else None,
                "categories": categories,
            },
        )
    return location
