"""What becomes of an item at the end (EV-5): return to its owner, destruction, retention, transfer
to another agency. Four people's steps, each its own durable transaction with the item locked and
one ledger entry:

1. asked for (`disposition_request`) by whoever works on the case or keeps the unit's stores, with
   the legal basis and the court order that allows it;
2. approved or rejected (`disposition_decide`) by a supervisor of the item's unit who did not ask;
3. carried out (`disposition_execute`) by the item's holder: the item is disposed of, its chain
   ends with a "disposed" link; a destruction is witnessed by a second person who confirms with
   their own credential (the page checks it, like a receipt on someone else's screen).

A retention ends with its approval: the item stays where it is, kept until the date given. One
disposition at a time per item (a database constraint), withdrawn by whoever asked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import access, audit, search
from dalil.accounts.models import User
from dalil.core import dates
from dalil.core.records import acting_user

from .models import CustodyEvent, Disposition, Item
from .policies import CUSTODY_MANAGE, DISPOSITION_APPROVE
from .services import Conflict, _append, _last_event, _locked, _save, _text, _when, may_release

NEEDS_RECIPIENT = (Disposition.Kind.RETURN, Disposition.Kind.TRANSFER)


def may_request(actor: Any, item: Item) -> bool:
    """Whoever works on the case (a closed case too: the court's verdict often comes after), or
    keeps the unit's stores."""
    if item.state == Item.State.DISPOSED:
        return False
    return access.can(actor, "work", item.case) or access.holds_at(actor, CUSTODY_MANAGE, item.unit)


def may_decide(actor: Any, disposition: Disposition) -> bool:
    return (
        disposition.state == Disposition.State.REQUESTED
        and isinstance(actor, User)
        and actor.pk != disposition.requested_by_id
        and access.holds_at(actor, DISPOSITION_APPROVE, disposition.item.unit)
    )


def may_execute(actor: Any, disposition: Disposition) -> bool:
    return (
        disposition.state == Disposition.State.APPROVED
        and disposition.kind != Disposition.Kind.RETAIN
        and may_release(actor, disposition.item)
    )


def open_disposition(item: Item) -> Disposition | None:
    return item.dispositions.filter(state__in=Disposition.OPEN_STATES).first()  # type: ignore[attr-defined]


def _locked_disposition(disposition: Disposition, item: Item) -> Disposition:
    current = Disposition.objects.select_for_update().get(pk=disposition.pk, item=item)
    if current.version != disposition.version:
        raise Conflict()
    return current


def disposition_request(
    *,
    actor: Any,
    item: Item,
    version: int,
    kind: str,
    legal_basis: str,
    order_number: str,
    order_date: dt.date | None,
    recipient: str = "",
    retain_until: dt.date | None = None,
    reason: str = "",
) -> Disposition:
    """Ask for a disposition of the item, on the strength of a court order."""
    with transaction.atomic(durable=True):
        current = _locked(actor, item, version)
        if current.state == Item.State.DISPOSED:
            raise ValidationError(_("This item has been disposed of already."))
        if not may_request(actor, current):
            raise access.Denied(actor, "work", current.case)
        if open_disposition(current) is not None:
            raise ValidationError(
                _("A disposition of this item is already under way: it must be decided first.")
            )
        if kind not in Disposition.Kind.values:
            raise ValidationError({"kind": _("Choose what becomes of the item.")})
        legal_basis = _text(
            "legal_basis", legal_basis, _("Give the legal basis (the article or the decision).")
        )
        order_number = _text("order_number", order_number, _("Give the court order's number."))
        if order_date is None:
            raise ValidationError({"order_date": _("Give the date of the court order.")})
        dates.check_years(order_date=order_date)
        if order_date > timezone.localdate():
            raise ValidationError({"order_date": _("This date cannot be in the future.")})
        recipient = _text("recipient", recipient)
        if kind in NEEDS_RECIPIENT and not recipient:
            raise ValidationError(
                {"recipient": _("Say to whom the item goes (the owner, or the agency).")}
            )
        if kind == Disposition.Kind.RETAIN:
            if retain_until is not None and retain_until <= timezone.localdate():
                raise ValidationError({"retain_until": _("This date must be in the future.")})
        elif retain_until is not None:
            raise ValidationError({"retain_until": _("Only a retention has an end date.")})
        now = timezone.now()
        disposition = Disposition.objects.create(
            item=current,
            kind=kind,
            legal_basis=legal_basis,
            order_number=order_number,
            order_date=order_date,
            recipient=recipient,
            retain_until=retain_until,
            reason=_text("reason", reason),
            requested_by=acting_user(actor),
            requested_at=now,
        )
        _save(current)  # a disposition under way moves the item's version: stale hand-overs fail
        audit.record(
            actor=actor,
            action="evidence.disposition_requested",
            target=current,
            payload={
                "disposition": disposition.pk,
                "kind": kind,
                "legal_basis": legal_basis,
                "order_number": order_number,
                "order_date": order_date.isoformat(),
                "recipient": recipient,
                "retain_until": retain_until.isoformat() if retain_until else None,
            },
        )
    return disposition


def disposition_decide(
    *, actor: Any, disposition: Disposition, approve: bool, note: str = ""
) -> Disposition:
    """A supervisor of the item's unit, who did not ask, approves or rejects. Rejecting needs a
    reason; approving a retention ends it."""
    with transaction.atomic(durable=True):
        item = Item.objects.select_for_update().get(pk=disposition.item_id)
        access.require(actor, "view", item)
        current = _locked_disposition(disposition, item)
        if current.state != Disposition.State.REQUESTED:
            raise ValidationError(_("This disposition has been decided already."))
        if isinstance(actor, User) and actor.pk == current.requested_by_id:
            raise ValidationError(
                _("Who asked for a disposition cannot also approve it: a supervisor must.")
            )
        if not may_decide(actor, current):
            raise access.Denied(actor, "decide", current)
        note = _text("note", note)
        if not approve and not note:
            raise ValidationError({"note": _("Give the reason for the rejection.")})
        done_now = approve and current.kind == Disposition.Kind.RETAIN
        current.state = (
            Disposition.State.DONE
            if done_now
            else Disposition.State.APPROVED
            if approve
            else Disposition.State.REJECTED
        )
        current.decided_by = acting_user(actor)
        current.decided_at = timezone.now()
        current.decision_note = note
        current.version += 1
        current.save()
        _save(item)
        audit.record(
            actor=actor,
            action="evidence.disposition_approved" if approve else "evidence.disposition_rejected",
            target=item,
            payload={"disposition": current.pk, "kind": current.kind, "note": note},
        )
    return current


def disposition_withdraw(*, actor: Any, disposition: Disposition, reason: str) -> Disposition:
    """Who asked takes back a disposition not yet carried out."""
    with transaction.atomic(durable=True):
        item = Item.objects.select_for_update().get(pk=disposition.item_id)
        access.require(actor, "view", item)
        current = _locked_disposition(disposition, item)
        if not current.is_open:
            raise ValidationError(_("This disposition is no longer under way."))
        if not (isinstance(actor, User) and actor.pk == current.requested_by_id):
            raise ValidationError(_("Only who asked for the disposition can withdraw it."))
        reason = _text("reason", reason, _("Give the reason."))
        current.state = Disposition.State.WITHDRAWN
        current.decision_note = reason
        current.version += 1
        current.save()
        _save(item)
        audit.record(
            actor=actor,
            action="evidence.disposition_withdrawn",
            target=item,
            payload={"disposition": current.pk, "reason": reason},
        )
    return current


def disposition_execute(
    *,
    actor: Any,
    disposition: Disposition,
    version: int,
    method: str = "",
    notes: str = "",
    witness: User | None = None,
    at: dt.datetime | None = None,
) -> Item:
    """The holder carries out an approved disposition: the item is disposed of and its chain ends.
    `witness`: for a destruction, the second person, whose credential the page has checked."""
    with transaction.atomic(durable=True):
        item = _locked(actor, disposition.item, version)
        current = _locked_disposition(disposition, item)
        if current.state != Disposition.State.APPROVED:
            raise ValidationError(_("Only an approved disposition can be carried out."))
        if current.kind == Disposition.Kind.RETAIN:
            raise ValidationError(_("A retention is not carried out: the item stays where it is."))
        if item.state != Item.State.HELD:
            raise ValidationError(
                _("The item is being handed over: it must be received or withdrawn first.")
            )
        if not may_release(actor, item):
            raise ValidationError(_("You do not hold this item: only its holder can do this."))
        method = _text("method", method)
        notes = _text("notes", notes)
        if current.kind == Disposition.Kind.DESTROY:
            if not method:
                raise ValidationError({"method": _("Say how the item was destroyed.")})
            if witness is None:
                raise ValidationError({"witness": _("A destruction needs a witness.")})
            if isinstance(actor, User) and witness.pk == actor.pk:
                raise ValidationError({"witness": _("The witness must be someone else.")})
        last = _last_event(item)
        when = _when("at", at, not_before=last.at if last else None)
        holder = item.holder_user or item.holder_location
        _save(item, state=Item.State.DISPOSED)
        _append(
            item,
            actor=actor,
            kind=CustodyEvent.Kind.DISPOSED,
            action="evidence.item_disposed",
            at=when,
            frm=holder,
            to=None,
            purpose=f"{current.get_kind_display()} — {current.order_number}",
            notes=notes,
            extra={
                "disposition": current.pk,
                "disposition_kind": current.kind,
                "order_number": current.order_number,
                "recipient": current.recipient,
                "method": method,
                "witness": witness.username if witness else None,
            },
        )
        current.state = Disposition.State.DONE
        current.done_by = acting_user(actor)
        current.done_at = when
        current.witness = witness
        current.method = method
        current.version += 1
        current.save()
        search.index(item)
    return item
