"""Every write to the detainee register (IN-6): one service each, with its door check on the case,
its rules (the legal ones from `clock`, ADR 0011) and one ledger entry in the same transaction.

Refusals raise ValidationError naming the field, before anything is written. A stored file (an
intake photo, a statement's document) adds the vault's own `core.file_uploaded` entry beside the
service's; a statement taken from an injured detainee adds the referral's entry (two records, two
entries, one transaction).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import access, audit, search
from dalil.access.models import Compartment
from dalil.access.roles import COMPARTMENTS
from dalil.accounts.models import Governorate, Unit, User
from dalil.audit.ledger import System
from dalil.cases.models import Case, Offence
from dalil.cases.policies import CASE_MANAGE
from dalil.core import vault
from dalil.core.numbering import next_number
from dalil.core.records import acting_user
from dalil.judicial import selectors as judicial_selectors
from dalil.judicial.models import Decision, JudicialRequest
from dalil.parties.models import Person

from . import clock, selectors
from .models import (
    Alert,
    AlertRecipient,
    Detainee,
    DetentionOrder,
    IntakeInjury,
    IntegrityReferral,
    Statement,
    Transfer,
)
from .policies import IA_COMPARTMENT

ALERT_ACTOR = System("detention-alerts")
PHOTO_MAX_BYTES = 10 * 1024 * 1024
# What a photo's first bytes must be: JPEG (FF D8 FF) or PNG (the 8-byte signature).
PHOTO_SIGNATURES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
TEXT_MIN = 3

_door = access.require_unless_operator


# --- Small checks ----------------------------------------------------------------------------
class Problems:
    """Every reason to refuse, by field, raised at once (the user corrects the form in one go)."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[ValidationError]] = {}

    def add(self, field: str | None, message: Any) -> None:
        error = message if isinstance(message, ValidationError) else ValidationError(message)
        self.by_field.setdefault(field or NON_FIELD_ERRORS, []).append(error)

    def add_clock(self, exc: ValidationError, fields: dict[str, str]) -> None:
        """The clock's reasons (each with a code), each beside the field it concerns."""
        for error in exc.error_list:
            self.add(fields.get(error.code or ""), error)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _aware(value: dt.datetime) -> dt.datetime:
    """Times typed without a zone are Baghdad times (the settings' zone)."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _open(case: Case) -> None:
    if case.status == Case.Status.CLOSED:
        raise ValidationError(_("The case is closed. Reopen it before recording this."))


def _not_released(detainee: Detainee) -> None:
    if detainee.released_at is not None:
        raise ValidationError(
            _("The detainee was released at %(at)s: a new detention needs a new arrest record.")
            % {"at": clock.shown(detainee.released_at)}
        )


def _held_between(
    problems: Problems, field: str, when: dt.datetime, detainee: Detainee, now: dt.datetime
) -> None:
    """`when` lies within the detention: not before the arrest, not after the release or now."""
    if when < detainee.arrested_at:
        problems.add(
            field,
            _("This time is before the arrest (%(at)s).")
            % {"at": clock.shown(detainee.arrested_at)},
        )
    if when > now:
        problems.add(field, _("This time cannot be in the future."))
    if detainee.released_at is not None and when > detainee.released_at:
        problems.add(
            field,
            _("This time is after the release (%(at)s).")
            % {"at": clock.shown(detainee.released_at)},
        )


def _text(problems: Problems, field: str, value: str, message: str) -> str:
    value = (value or "").strip()
    if len(value) < 1:
        problems.add(field, message)
    return value


def _refresh(detainee: Detainee, now: dt.datetime) -> clock.Deadlines:
    """Keep the register's copies of the clock (next deadline, breach flags) in step."""
    orders = selectors.orders_of(detainee)
    state = selectors.clock_of(detainee, now, orders)
    detainee.next_deadline_at = selectors.urgency(detainee, state, orders, now)
    detainee.breached = state.breached
    detainee.registered_late = state.registered_late
    detainee.save(update_fields=["next_deadline_at", "breached", "registered_late", "updated_at"])
    return state


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _check_photo(problems: Problems, field: str, upload: Any) -> None:
    """Images only, JPEG or PNG, by their first bytes (a renamed file is refused), and small."""
    limit = int(getattr(settings, "DALIL_DETENTION_PHOTO_MAX_BYTES", PHOTO_MAX_BYTES))
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        problems.add(
            field,
            _("The photo is larger than the limit of %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
        )
        return
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    found = next((t for t, sig in PHOTO_SIGNATURES.items() if head.startswith(sig)), None)
    declared = str(getattr(upload, "content_type", "") or "").lower()
    if found is None or (declared and declared != found):
        problems.add(field, _("Only photos in JPEG or PNG format can be attached."))


# --- The arrest ------------------------------------------------------------------------------
PENALTY_FIELDS = {"future": "arrested_at", "registered_before_arrest": "registered_at"}


def _penalty(problems: Problems, penalty: str, years: int | None) -> int | None:
    if penalty not in Detainee.Penalty.values:
        problems.add("penalty", _("Choose the maximum penalty of the offence."))
        return None
    if penalty != Detainee.Penalty.YEARS:
        return None
    if years is None or isinstance(years, bool) or not 1 <= int(years) <= 100:
        problems.add(
            "penalty_years",
            _("Give the maximum penalty of the offence in whole years (1 to 100)."),
        )
        return None
    return int(years)


def _detainee_number(case: Case, year: int) -> str:
    serial = next_number(f"detainee.{case.unit.code}", year)
    return f"D-{case.unit.code}-{year:04d}-{serial:05d}"


def arrest_record(
    *,
    actor: Any,
    case: Case,
    person: Person,
    arrested_at: dt.datetime,
    arrest_place: str,
    arresting_unit: Unit,
    place_of_detention: str,
    penalty: str,
    penalty_years: int | None = None,
    offence: Offence | None = None,
    arrest_governorate: Governorate | None = None,
    registered_at: dt.datetime | None = None,
    place_unit: Unit | None = None,
    now: dt.datetime | None = None,
) -> Detainee:
    """Enter an arrest in the register: the person (whom the actor may see) held in the case (on
    which the actor works), from the arrest, registered now unless a time is given."""
    _door(actor, "work", case)
    _door(actor, "view", person)
    _open(case)
    now = now or timezone.now()
    arrested_at = _aware(arrested_at)
    registered_at = _aware(registered_at) if registered_at is not None else now
    p = Problems()
    arrest_place = _text(p, "arrest_place", arrest_place, _("Say where the person was arrested."))
    place_of_detention = _text(
        p, "place_of_detention", place_of_detention, _("Say where the detainee is held.")
    )
    years = _penalty(p, penalty, penalty_years)
    if offence is not None and offence.case_id != case.pk:
        p.add("offence", _("Choose one of the offences of this case."))
    if not arresting_unit.is_active:
        p.add("arresting_unit", _("Choose an active unit."))
    try:
        clock.validate_arrest(clock.Arrest(arrested_at, registered_at), now)
    except ValidationError as exc:
        p.add_clock(exc, PENALTY_FIELDS)
    if registered_at > now:
        p.add("registered_at", _("The registration time cannot be in the future."))
    if Detainee.objects.filter(case=case, person=person, released_at__isnull=True).exists():
        p.add(
            "person",
            _("This person is already held in this case. Record the release before a new arrest."),
        )
    p.raise_any()
    with transaction.atomic():
        detainee = Detainee.objects.create(
            number=_detainee_number(case, timezone.localdate(now).year),
            case=case,
            person=person,
            arrested_at=arrested_at,
            arrest_place=arrest_place,
            arrest_governorate=arrest_governorate,
            arresting_unit=arresting_unit,
            registered_at=registered_at,
            registered_late=clock.registration_late(clock.Arrest(arrested_at, registered_at)),
            registered_by=acting_user(actor),
            offence=offence,
            penalty=penalty,
            penalty_years=years,
            place_of_detention=place_of_detention,
            place_unit=place_unit,
        )
        _refresh(detainee, now)
        search.index(detainee)
        audit.record(
            actor=actor,
            action="detention.arrest_recorded",
            target=detainee,
            payload={
                "case": case.number,
                "person": person.pk,
                "arrested_at": _iso(arrested_at),
                "registered_at": _iso(registered_at),
                "registered_late": detainee.registered_late,
                "arrest_place": arrest_place,
                "governorate": arrest_governorate.code if arrest_governorate else None,
                "arresting_unit": arresting_unit.code,
                "offence": offence.category.code if offence else None,
                "penalty": penalty,
                "penalty_years": years,
                "place": place_of_detention,
                "place_unit": place_unit.code if place_unit else None,
            },
        )
    return detainee


# --- Detention orders ------------------------------------------------------------------------
ORDER_FIELDS = {
    "not_whole_days": "days",
    "too_short": "days",
    "too_long": "days",
    "quarter_cap": "days",
    "before_arrest": "starts_at",
    "overlap": "starts_at",
    "gap": "starts_at",
    "kind": "starts_at",
    "six_months": "court_permission",
}


def order_record(
    *,
    actor: Any,
    detainee: Detainee,
    starts_at: dt.datetime,
    days: int,
    order_number: str = "",
    judge_name: str = "",
    court: str = "",
    issued_on: dt.date | None = None,
    court_permission: bool = False,
    decision: Decision | None = None,
    now: dt.datetime | None = None,
) -> DetentionOrder:
    """Record a judge's detention order or extension, if the law allows it (clock.validate_order):
    at most 15 days, back to back, within six months unless the criminal court permitted more,
    never past one quarter of the maximum penalty. When the order names the judge's decision
    (recorded in the judicial workflow), its number, judge, court and date come from the decision,
    and what is typed must agree with it."""
    case = detainee.case
    _door(actor, "work", case)
    _open(case)
    now = now or timezone.now()
    starts_at = _aware(starts_at)
    p = Problems()
    # A date taken from the decision is judged on the decision's field: the form left it empty.
    date_field = "issued_on" if decision is None or issued_on is not None else "decision"
    if decision is not None:
        order_number, judge_name, court, issued_on = _from_decision(
            p, actor, detainee, decision, order_number, judge_name, court, issued_on
        )
        if "decision" in p.by_field:  # the rest would only repeat it field by field
            p.raise_any()
    order_number = _text(p, "order_number", order_number, _("Give the number of the order."))
    judge_name = _text(p, "judge_name", judge_name, _("Give the name of the judge."))
    court = _text(p, "court", court, _("Give the court that issued the order."))
    if issued_on is None:
        p.add("issued_on", _("Give the date the order was issued."))
    elif issued_on > timezone.localdate(now):
        p.add(date_field, _("The date issued cannot be in the future."))
    elif issued_on < clock.baghdad(detainee.arrested_at).date():
        p.add(date_field, _("The date issued cannot be before the arrest."))
    with transaction.atomic():
        if decision is not None:
            # Lock the request (a correction locks it too), then check again: an order never names
            # a decision superseded, or used for this detainee, while this one was being typed.
            JudicialRequest.objects.select_for_update().filter(pk=decision.request_id).first()
            if "decision" not in p.by_field and not _usable(actor, detainee, decision):
                p.add("decision", _decision_refused())
        # One order at a time per detainee: the chain is checked against what is committed.
        locked = Detainee.objects.select_for_update().get(pk=detainee.pk)
        history = selectors.orders_of(locked)
        kind = clock.OrderKind.EXTENSION if history else clock.OrderKind.DETENTION
        new = clock.Order(starts_at, days, bool(court_permission), kind)
        try:
            clock.validate_order(
                [o.as_clock for o in history],
                new,
                locked.clock_offence,
                arrest=locked.clock_arrest,
            )
        except ValidationError as exc:
            p.add_clock(exc, ORDER_FIELDS)
        p.raise_any()
        assert issued_on is not None  # refused above when missing
        order = DetentionOrder.objects.create(
            detainee=locked,
            kind=kind.value,
            starts_at=starts_at,
            days=days,
            ends_at=new.ends_at,
            order_number=order_number,
            judge_name=judge_name,
            court=court,
            issued_on=issued_on,
            court_permission=bool(court_permission),
            decision=decision,
            recorded_by=acting_user(actor),
        )
        _refresh(locked, now)
        audit.record(
            actor=actor,
            action="detention.order_recorded",
            target=locked,
            payload={
                "order": order.pk,
                "kind": order.kind,
                "number": order_number,
                "starts_at": _iso(starts_at),
                "days": days,
                "ends_at": _iso(order.ends_at),
                "judge": judge_name,
                "court": court,
                "issued_on": _iso(issued_on),
                "court_permission": order.court_permission,
                "decision": decision.pk if decision else None,
                "request": decision.request.number if decision else None,
            },
        )
    detainee.refresh_from_db()
    return order


def _usable(actor: Any, detainee: Detainee, decision: Decision) -> bool:
    options = judicial_selectors.detention_decisions(actor, detainee.case, detainee)
    return options.filter(pk=decision.pk).exists()


def _decision_refused() -> str:
    return _(
        "Choose a granted decision of this case's judge, not superseded by a correction, on a "
        "request to extend detention or another request that names this detainee or no one, "
        "and not yet carried out by an order of this detainee."
    )


def order_decision(actor: Any, detainee: Detainee, pk: int) -> Decision:
    """The decision a detention order names by its number (for the API): one the order may carry
    out, or a refusal on the field — an unknown number and an unusable one answer alike."""
    found = (
        judicial_selectors.detention_decisions(actor, detainee.case, detainee).filter(pk=pk).first()
    )
    if found is None:
        raise ValidationError({"decision": _decision_refused()})
    return found


def _from_decision(
    p: Problems,
    actor: Any,
    detainee: Detainee,
    decision: Decision,
    order_number: str,
    judge_name: str,
    court: str,
    issued_on: dt.date | None,
) -> tuple[str, str, str, dt.date | None]:
    """The order's particulars taken from the judge's decision: a blank takes the decision's value,
    a typed one must agree with it. The decision must be one this order can carry out."""
    if not _usable(actor, detainee, decision):
        p.add("decision", _decision_refused())
        return order_number, judge_name, court, issued_on
    texts = {
        "order_number": (order_number, decision.order_number),
        "judge_name": (judge_name, decision.judge_name),
        "court": (court, decision.request.court),
    }
    out: dict[str, str] = {}
    for field, (typed, theirs) in texts.items():
        typed = (typed or "").strip()
        if typed and typed != theirs:
            p.add(field, _differs(theirs))
        out[field] = typed or theirs
    if issued_on is not None and issued_on != decision.decided_on:
        p.add("issued_on", _differs(decision.decided_on.isoformat()))
    return out["order_number"], out["judge_name"], out["court"], decision.decided_on


def _differs(theirs: str) -> str:
    return _("This differs from the judge's decision (%(value)s). Leave it empty to take it.") % {
        "value": theirs
    }


# --- Transfers and release -------------------------------------------------------------------
def transfer_record(
    *,
    actor: Any,
    detainee: Detainee,
    moved_at: dt.datetime,
    to_place: str,
    reason: str,
    to_unit: Unit | None = None,
    seen: tuple[str, int | None] | None = None,
    now: dt.datetime | None = None,
) -> Transfer:
    """Move the detainee to another place of detention (allowed on a closed case too: a person
    still held must be accounted for). `seen` is the place and unit id the user's page showed
    (default: those of `detainee` as loaded); the move is refused if the detainee is no longer
    there."""
    _door(actor, "work", detainee.case)
    _not_released(detainee)
    now = now or timezone.now()
    moved_at = _aware(moved_at)
    p = Problems()
    to_place = _text(p, "to_place", to_place, _("Say where the detainee is taken."))
    reason = _text(p, "reason", reason, _("Give the reason for the transfer."))
    _held_between(p, "moved_at", moved_at, detainee, now)
    last = detainee.transfers.order_by("-moved_at").first()
    if last is not None and moved_at < last.moved_at:
        p.add(
            "moved_at",
            _("This time is before the previous transfer (%(at)s).")
            % {"at": clock.shown(last.moved_at)},
        )
    if to_place == detainee.place_of_detention and to_unit == detainee.place_unit:
        p.add("to_place", _("The detainee is already held there."))
    p.raise_any()
    with transaction.atomic():
        # Claim the move in the database from the place this page showed: of two transfers
        # racing (two officers, a double click), the second finds the detainee moved and is
        # refused, instead of recording a second move from a place they have already left.
        seen_place, seen_unit = seen or (detainee.place_of_detention, detainee.place_unit_id)
        claimed = Detainee.objects.filter(
            pk=detainee.pk,
            released_at__isnull=True,
            place_of_detention=seen_place,
            place_unit_id=seen_unit,
        ).update(place_of_detention=to_place, place_unit=to_unit, updated_at=timezone.now())
        if not claimed:
            raise ValidationError(
                {
                    "to_place": _(
                        "The detainee was moved or released meanwhile; reload the page and "
                        "check where they are held now."
                    )
                }
            )
        transfer = Transfer.objects.create(
            detainee=detainee,
            moved_at=moved_at,
            from_place=seen_place,  # where the claim found the detainee
            from_unit_id=seen_unit,
            to_place=to_place,
            to_unit=to_unit,
            reason=reason,
            recorded_by=acting_user(actor),
        )
        detainee.place_of_detention, detainee.place_unit = to_place, to_unit
        audit.record(
            actor=actor,
            action="detention.transferred",
            target=detainee,
            payload={
                "transfer": transfer.pk,
                "moved_at": _iso(moved_at),
                "from": transfer.from_place,
                "from_unit": transfer.from_unit.code if transfer.from_unit else None,
                "to": to_place,
                "to_unit": to_unit.code if to_unit else None,
                "reason": reason,
            },
        )
    return transfer


RELEASE_FIELDS = {"released_before_arrest": "released_at", "future": "released_at"}


def release_record(
    *,
    actor: Any,
    detainee: Detainee,
    released_at: dt.datetime,
    basis: str,
    basis_other: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> Detainee:
    """Record the release and its legal basis; the clock stops (breaches stay recorded)."""
    _door(actor, "work", detainee.case)
    _not_released(detainee)
    now = now or timezone.now()
    released_at = _aware(released_at)
    p = Problems()
    if basis not in Detainee.ReleaseBasis.values:
        p.add("basis", _("Choose the legal basis of the release."))
    basis_other, note = (basis_other or "").strip(), (note or "").strip()
    if basis == Detainee.ReleaseBasis.OTHER and len(basis_other) < TEXT_MIN:
        p.add("basis_other", _("Describe the legal basis of the release."))
    try:
        clock.validate_arrest(
            clock.Arrest(detainee.arrested_at, detainee.registered_at, released_at), now
        )
    except ValidationError as exc:
        p.add_clock(exc, RELEASE_FIELDS)
    p.raise_any()
    with transaction.atomic():
        # Claim the release in the database: of two releases racing (a double click), the second
        # finds the row already released and is refused, instead of overwriting the first.
        claimed = Detainee.objects.filter(pk=detainee.pk, released_at__isnull=True).update(
            released_at=released_at
        )
        if not claimed:
            detainee.refresh_from_db()
            _not_released(detainee)
        detainee.released_at = released_at
        detainee.release_basis = basis
        detainee.release_basis_other = basis_other if basis == Detainee.ReleaseBasis.OTHER else ""
        detainee.release_note = note
        detainee.released_by = acting_user(actor)
        detainee.save(
            update_fields=[
                "released_at",
                "release_basis",
                "release_basis_other",
                "release_note",
                "released_by",
                "updated_at",
            ]
        )
        state = _refresh(detainee, now)
        audit.record(
            actor=actor,
            action="detention.released",
            target=detainee,
            payload={
                "released_at": _iso(released_at),
                "basis": basis,
                "basis_other": detainee.release_basis_other,
                "note": note,
                "breaches": [b.kind.value for b in state.breaches],
            },
        )
    return detainee


# --- Intake injuries (Mandela Rules 7–8) -----------------------------------------------------
def injury_record(
    *,
    actor: Any,
    detainee: Detainee,
    noted_at: dt.datetime,
    noted_by: str,
    none_visible: bool = False,
    description: str = "",
    body_location: str = "",
    photo: Any = None,
    now: dt.datetime | None = None,
) -> IntakeInjury:
    """Record what the intake examination saw: one injury (with an optional JPEG/PNG photo), or
    that no injury was visible."""
    case = detainee.case
    _door(actor, "work", case)
    now = now or timezone.now()
    noted_at = _aware(noted_at)
    p = Problems()
    noted_by = _text(p, "noted_by", noted_by, _("Give the name of who examined the detainee."))
    description, body_location = (description or "").strip(), (body_location or "").strip()
    _held_between(p, "noted_at", noted_at, detainee, now)
    if none_visible:
        if description or body_location or photo:
            p.add(
                "none_visible",
                _(
                    "Either no injury is visible, or describe the injury: not both. Record each injury separately."
                ),
            )
    else:
        if not description:
            p.add("description", _("Describe the injury, or tick “no injury visible”."))
        if not body_location:
            p.add("body_location", _("Say where on the body the injury is."))
        if photo:
            _check_photo(p, "photo", photo)
    p.raise_any()
    with transaction.atomic():
        stored = None
        if photo and not none_visible:
            stored = vault.store_upload(
                actor=actor,
                unit=case.unit,
                upload=photo,
                description=_("Intake injury photo, detainee %(number)s")
                % {"number": detainee.number},
                attached_to="detention.intake_injury",
            )
        injury = IntakeInjury.objects.create(
            detainee=detainee,
            noted_at=noted_at,
            noted_by=noted_by,
            none_visible=bool(none_visible),
            description=description if not none_visible else "",
            body_location=body_location if not none_visible else "",
            photo=stored,
            recorded_by=acting_user(actor),
        )
        audit.record(
            actor=actor,
            action="detention.injury_recorded",
            target=detainee,
            payload={
                "injury": injury.pk,
                "noted_at": _iso(noted_at),
                "noted_by": noted_by,
                "none_visible": injury.none_visible,
                "body_location": injury.body_location,
                "description_sha256": audit.text_digest(injury.description),
                "photo": stored.blob_id if stored else None,
            },
        )
    return injury


# --- Statements and integrity referrals ------------------------------------------------------
def _ia_compartment() -> Compartment:
    ar, ckb, en = COMPARTMENTS[IA_COMPARTMENT]
    compartment, _created = Compartment.objects.get_or_create(
        code=IA_COMPARTMENT, defaults={"name_ar": ar, "name_ckb": ckb, "name_en": en}
    )
    return compartment


def _referral_create(actor: Any, statement: Statement, injuries: list[IntakeInjury]) -> Any:
    detainee = statement.detainee
    year = timezone.localdate().year
    serial = next_number("detention.referral", year)
    person = detainee.person
    name = " / ".join(n for n in (person.name_ar, person.name_latin) if n)
    referral = IntegrityReferral.objects.create(
        number=f"IR-{year:04d}-{serial:05d}",
        compartment=_ia_compartment(),
        detainee=detainee,
        statement=statement,
        detainee_name=name[:300],
        case_number=detainee.case.number,
        unit=detainee.case.unit,
    )
    referral.injuries.set(injuries)
    search.index(referral)
    audit.record(
        actor=actor,
        action="detention.referral_created",
        target=referral,
        payload={
            "detainee": detainee.number,
            "statement": statement.pk,
            "kind": statement.kind,
            "injuries": [i.pk for i in injuries],
        },
    )
    return referral


def statement_record(
    *,
    actor: Any,
    detainee: Detainee,
    kind: str,
    taken_at: dt.datetime,
    taken_by: str,
    summary: str,
    document: Any = None,
    now: dt.datetime | None = None,
) -> Statement:
    """Record a detainee's statement or confession. If an injury was noted at intake, the same
    transaction makes an integrity referral to internal affairs (PRODUCT.md IN-6, IA-1): a
    statement taken from an injured detainee may have been coerced (UN Convention against Torture,
    Art. 15, covers any statement, so both kinds are referred)."""
    case = detainee.case
    _door(actor, "work", case)
    _open(case)
    now = now or timezone.now()
    taken_at = _aware(taken_at)
    p = Problems()
    if kind not in Statement.Kind.values:
        p.add("kind", _("Choose statement or confession."))
    taken_by = _text(p, "taken_by", taken_by, _("Give the name of who took the statement."))
    summary = _text(p, "summary", summary, _("Summarise what the detainee said."))
    _held_between(p, "taken_at", taken_at, detainee, now)
    p.raise_any()
    with transaction.atomic():
        stored = None
        if document:
            stored = vault.store_upload(
                actor=actor,
                unit=case.unit,
                upload=document,
                description=_("Statement of detainee %(number)s") % {"number": detainee.number},
                attached_to="detention.statement",
            )
        statement = Statement.objects.create(
            detainee=detainee,
            kind=kind,
            taken_at=taken_at,
            taken_by=taken_by,
            summary=summary,
            document=stored,
            recorded_by=acting_user(actor),
        )
        audit.record(
            actor=actor,
            action="detention.statement_recorded",
            target=detainee,
            payload={
                "statement": statement.pk,
                "kind": kind,
                "taken_at": _iso(taken_at),
                "taken_by": taken_by,
                "document": stored.blob_id if stored else None,
            },
        )
        injuries = list(detainee.injuries.filter(none_visible=False).order_by("pk"))
        if injuries:
            _referral_create(actor, statement, injuries)
    return statement


# --- Alerts ----------------------------------------------------------------------------------
def _ancestor_paths(path: str) -> list[str]:
    """ "/MOI/BGD-POL/BGD-KARADA/" → ["/MOI/", "/MOI/BGD-POL/", "/MOI/BGD-POL/BGD-KARADA/"]."""
    codes = [c for c in path.split("/") if c]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def recipients_for(case: Case) -> list[User]:
    """The case's lead investigator and the commanders of its unit (holders of cases.case.manage
    there), if active and still able to see the case."""
    candidates = {case.lead_id: case.lead}
    holders = User.objects.filter(
        assignments__role__permissions__code=CASE_MANAGE,
        assignments__unit__path__in=_ancestor_paths(case.unit.path),
    ).distinct()
    for user in holders:
        if access.holds_at(user, CASE_MANAGE, case.unit):
            candidates[user.pk] = user
    return sorted(
        (
            u
            for u in candidates.values()
            if u.is_active and not u.locked_at and access.can(u, "view", case)
        ),
        key=lambda u: u.pk,
    )


def _alert_once(detainee: Detainee, found: clock.Alert, recipients: list[User]) -> Alert | None:
    exists = Alert.objects.filter(
        detainee=detainee, kind=found.kind.value, deadline_at=found.at, level=found.level.value
    ).exists()
    if exists:
        return None
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                detainee=detainee,
                kind=found.kind.value,
                level=found.level.value,
                deadline_at=found.at,
            )
            AlertRecipient.objects.bulk_create(
                [AlertRecipient(alert=alert, user=u) for u in recipients]
            )
            audit.record(
                actor=ALERT_ACTOR,
                action="detention.alert_raised",
                target=detainee,
                payload={
                    "alert": alert.pk,
                    "kind": alert.kind,
                    "level": alert.level,
                    "at": _iso(found.at),
                    "to": [u.username for u in recipients],
                },
            )
    except IntegrityError:  # another worker raised the same alert a moment ago
        return None
    return alert


def alerts_raise(
    *, now: dt.datetime | None = None, lead_time: dt.timedelta | None = None
) -> list[Alert]:
    """Raise every alert of the clock not raised yet (idempotent): limits passed, and limits
    within the lead time. Only current detainees whose next deadline is near, or with a breach
    recorded, are looked at, so the run stays cheap on a large register."""
    now = now or timezone.now()
    lead = selectors.alert_lead_time() if lead_time is None else lead_time
    qs = (
        Detainee.objects.filter(released_at__isnull=True)
        .filter(Q(next_deadline_at__lte=now + lead) | Q(breached=True))
        .select_related("case", "case__unit", "case__lead", "case__compartment")
        .prefetch_related(selectors.with_orders())
        .order_by("pk")
    )
    raised: list[Alert] = []
    recipients: dict[int, list[User]] = {}
    for detainee in qs:
        state = selectors.clock_of(detainee, now)
        for found in clock.alerts(state, now, lead):
            if detainee.case_id not in recipients:
                recipients[detainee.case_id] = recipients_for(detainee.case)
            alert = _alert_once(detainee, found, recipients[detainee.case_id])
            if alert is not None:
                raised.append(alert)
    return raised


def alert_mark_read(*, actor: Any, recipient: AlertRecipient) -> AlertRecipient:
    """The addressee has seen the alert (nothing is written if it was already read)."""
    access.require(actor, "view", recipient)
    if recipient.read_at is not None:
        return recipient
    with transaction.atomic():
        recipient.read_at = timezone.now()
        recipient.save(update_fields=["read_at"])
        audit.record(
            actor=actor,
            action="detention.alert_read",
            target=recipient.alert,
            payload={"detainee": recipient.alert.detainee.number, "kind": recipient.alert.kind},
        )
    return recipient
