"""Every write to a case: one service each, with its rule, its door check and one ledger entry in
the same transaction. Changes to the case row are optimistic: UPDATE … WHERE id=? AND version=?;
when the row has moved on, `Conflict` is raised and nothing is written.

`case_for_work()` is the one door for every write on a case or on a record that hangs on it, in
every app (case work, the judge, the detainee register): inside the write's own durable transaction
it locks the case row, checks the actor's right and the one "case is open" rule (`require_open`).
A check made before the transaction opens would be a race (ARCHITECTURE rule 7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dalil import access, audit, search
from dalil.access.models import Clearance, Compartment
from dalil.accounts.models import Governorate, Unit, User
from dalil.core import dates
from dalil.core.numbering import next_number
from dalil.core.records import acting_user
from dalil.core.text import clean_fields

from .models import PARTY_TYPE_CHOICES, Case, CaseMember, CaseParty, IccsCategory, Offence
from .policies import CASE_CREATE, sees_informants

S = Case.Status

# Iraq's bounding box (degrees): a point outside it is a typing error, not a place in Iraq.
LAT_MIN, LAT_MAX = Decimal("29.0"), Decimal("37.5")
LON_MIN, LON_MAX = Decimal("38.7"), Decimal("48.8")
REASON_MIN = 10


class Conflict(Exception):
    """The case was changed by someone else since the form was loaded (HTTP 409 in the API)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This case was changed by someone else while you were working on it. "
                "Nothing was saved: reload the page to see the changes and try again."
            )
        )


@dataclass(frozen=True)
class Step:
    """One transition of the workflow: where it may start, where it leads, and what it says."""

    name: str
    to: str
    sources: frozenset[str]
    label: str | Promise
    confirm: str | Promise
    needs_reason: bool = False


STEPS: dict[str, Step] = {
    s.name: s
    for s in [
        Step(
            "start",
            S.UNDER_INVESTIGATION,
            frozenset({S.OPEN}),
            gettext_lazy("Start the investigation"),
            gettext_lazy("The case will be marked as under investigation."),
        ),
        Step(
            "refer_judge",
            S.REFERRED_TO_JUDGE,
            frozenset({S.UNDER_INVESTIGATION}),
            gettext_lazy("Refer to the investigative judge"),
            gettext_lazy(
                "The case will be marked as referred to the investigative judge. "
                "Record the referral reference in the reason."
            ),
        ),
        Step(
            "refer_court",
            S.REFERRED_TO_COURT,
            frozenset({S.REFERRED_TO_JUDGE}),
            gettext_lazy("Refer to court"),
            gettext_lazy("The case will be marked as referred to court."),
        ),
        Step(
            "close",
            S.CLOSED,
            frozenset({S.OPEN, S.UNDER_INVESTIGATION, S.REFERRED_TO_JUDGE, S.REFERRED_TO_COURT}),
            gettext_lazy("Close the case"),
            gettext_lazy(
                "The case will be closed. Its record stays; it can be changed again only after "
                "it is reopened."
            ),
        ),
        Step(
            "reopen",
            S.UNDER_INVESTIGATION,
            frozenset({S.CLOSED}),
            gettext_lazy("Reopen the case"),
            gettext_lazy(
                "The closed case will be reopened and marked as under investigation. "
                "State why it is reopened."
            ),
            needs_reason=True,
        ),
    ]
}


def steps_for(actor: Any, case: Case) -> list[Step]:
    """The steps this actor may take on this case now (shown on the case page)."""
    if not access.can(actor, "manage", case):
        return []
    return [s for s in STEPS.values() if case.status in s.sources]


# --- The case-work door -------------------------------------------------------------------------
def closed_message() -> str:
    return _("The case is closed. Reopen it before changing it.")


def require_open(case: Case) -> None:
    """The one "case is open" rule: a closed case takes no change until it is reopened."""
    if case.status == S.CLOSED:
        raise ValidationError(closed_message(), code="case_closed")


def case_for_work(
    actor: Any,
    case: Case,
    *,
    action: str = "work",
    operator: bool = False,
    closed_ok: bool = False,
) -> Case:
    """The case as it is now, for a write that depends on it. Call it first inside the write's
    own `transaction.atomic(durable=True)`: the case row stays locked until that transaction ends
    (SELECT … FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE transaction already holds the
    database's write lock), so the case cannot be closed between this check and the write. The
    actor must be allowed to `action` the case (the operator's command line too where `operator`),
    and the case must be open unless `closed_ok`."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_for_work() must run inside the write's transaction")
    current = Case.objects.select_for_update().get(pk=case.pk)
    if operator:
        access.require_unless_operator(actor, action, current)
    else:
        access.require(actor, action, current)
    if not closed_ok:
        require_open(current)
    return current


def _cleared(user: Any, compartment: Compartment) -> bool:
    return Clearance.objects.filter(user=user, compartment=compartment).exists()


def _bump(case: Case, version: int, **fields: Any) -> None:
    """The optimistic write: the row must still be at `version`."""
    now = timezone.now()
    rows = Case.objects.filter(pk=case.pk, version=version).update(
        version=F("version") + 1, updated_at=now, **fields
    )
    if rows != 1:
        raise Conflict()
    for name, value in fields.items():
        setattr(case, name, value)
    case.version, case.updated_at = version + 1, now


def format_case_number(unit: Unit, year: int, serial: int) -> str:
    """BGD-KARADA, 2026, 12 → BGD-KARADA-2026-00012."""
    return f"{unit.code}-{year:04d}-{serial:05d}"


# --- Case ------------------------------------------------------------------------------------------
def units_for_create(actor: Any) -> Any:
    return access.units_with(actor, CASE_CREATE).filter(is_active=True)


def case_create(
    *,
    actor: Any,
    unit: Unit,
    title: str,
    lead: User,
    summary: str = "",
    compartment: Compartment | None = None,
) -> Case:
    """Open a case in `unit` (the actor holds cases.case.create there), numbered per unit and year."""
    with transaction.atomic(durable=True):
        if (
            not access.is_operator(actor)
            and not units_for_create(actor).filter(pk=unit.pk).exists()
        ):
            raise access.Denied(actor, CASE_CREATE, unit)
        cleaned = clean_fields(title=title, summary=summary)
        title, summary = cleaned["title"], cleaned["summary"]
        if not title:
            raise ValidationError({"title": _("Give the case a title.")})
        if not lead.is_active or lead.locked_at:
            raise ValidationError({"lead": _("The lead investigator must be an active user.")})
        if compartment is not None:
            if not access.is_operator(actor) and not _cleared(actor, compartment):
                raise ValidationError(
                    {"compartment": _("You do not hold the clearance for this compartment.")}
                )
            if not _cleared(lead, compartment):
                raise ValidationError(
                    {
                        "lead": _(
                            "The lead investigator does not hold the clearance for this "
                            "compartment."
                        )
                    }
                )
        year = timezone.localdate().year
        serial = next_number(f"case.{unit.code}", year)
        case = Case.objects.create(
            number=format_case_number(unit, year, serial),
            unit=unit,
            year=year,
            serial=serial,
            title=title,
            summary=summary,
            lead=lead,
            compartment=compartment,
        )
        CaseMember.objects.create(case=case, user=lead, role=CaseMember.Role.LEAD)
        search.index(case)
        audit.record(
            actor=actor,
            action="cases.case_opened",
            target=case,
            payload={
                "number": case.number,
                "unit": unit.code,
                "lead": lead.username,
                "compartment": compartment.code if compartment else None,
            },
        )
    return case


def case_update(*, actor: Any, case: Case, version: int, title: str, summary: str = "") -> Case:
    with transaction.atomic(durable=True):
        current = case_for_work(actor, case, action="manage")
        cleaned = clean_fields(title=title, summary=summary)
        title, summary = cleaned["title"], cleaned["summary"]
        if not title:
            raise ValidationError({"title": _("Give the case a title.")})
        changed = {
            k: v
            for k, v in {"title": title, "summary": summary}.items()
            if getattr(current, k) != v
        }
        _bump(case, version, title=title, summary=summary)
        search.index(case)
        audit.record(
            actor=actor,
            action="cases.case_updated",
            target=case,
            payload={"changed": sorted(changed), "version": case.version},
        )
    return case


def case_transition(*, actor: Any, case: Case, step: str, version: int, reason: str = "") -> Case:
    """Move the case along the workflow by one allowed step."""
    with transaction.atomic(durable=True):
        current = case_for_work(actor, case, action="manage", closed_ok=True)
        chosen = STEPS.get(step)
        if chosen is None:
            raise ValidationError(_("This step does not exist."))
        reason = clean_fields(reason=reason)["reason"]
        if chosen.needs_reason and len(reason) < REASON_MIN:
            raise ValidationError(
                {"reason": _("State the reason in at least %(n)d characters.") % {"n": REASON_MIN}}
            )
        if current.version != version:
            raise Conflict()
        if current.status not in chosen.sources:
            raise ValidationError(
                _("“%(step)s” is not allowed while the case is “%(status)s”.")
                % {"step": chosen.label, "status": S(current.status).label}
            )
        from_status = current.status
        _bump(case, version, status=chosen.to)
        audit.record(
            actor=actor,
            action="cases.status_changed",
            target=case,
            payload={"from": from_status, "to": chosen.to, "step": step, "reason": reason},
        )
    return case


# --- Members ---------------------------------------------------------------------------------------
def member_add(*, actor: Any, case: Case, user: User, role: str) -> CaseMember:
    with transaction.atomic(durable=True):
        current = case_for_work(actor, case, action="manage")
        if role not in CaseMember.Role.values or role == CaseMember.Role.LEAD:
            raise ValidationError({"role": _("Choose investigator, analyst or observer.")})
        if not user.is_active or user.locked_at:
            raise ValidationError({"user": _("Only an active user can be a member.")})
        if CaseMember.objects.filter(case=current, user=user).exists():
            raise ValidationError({"user": _("This user is already a member of the case.")})
        if current.compartment is not None and not _cleared(user, current.compartment):
            raise ValidationError(
                {"user": _("This user does not hold the clearance for the case's compartment.")}
            )
        member = CaseMember.objects.create(case=case, user=user, role=role)
        audit.record(
            actor=actor,
            action="cases.member_added",
            target=case,
            payload={"user": user.username, "role": role},
        )
    return member


def member_remove(*, actor: Any, member: CaseMember) -> None:
    case = member.case
    with transaction.atomic(durable=True):
        case_for_work(actor, case, action="manage")
        if member.role == CaseMember.Role.LEAD:
            raise ValidationError(_("The lead investigator cannot be removed from the case."))
        payload = {"user": member.user.username, "role": member.role}
        if not CaseMember.objects.filter(pk=member.pk).delete()[0]:
            raise ValidationError(_("This user is no longer a member of the case."))
        audit.record(actor=actor, action="cases.member_removed", target=case, payload=payload)


# --- Offences --------------------------------------------------------------------------------------
def _coordinates(
    latitude: Decimal | None, longitude: Decimal | None
) -> tuple[Decimal | None, Decimal | None]:
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        raise ValidationError({"latitude": _("Give both latitude and longitude, or neither.")})
    latitude, longitude = Decimal(latitude), Decimal(longitude)
    if not (LAT_MIN <= latitude <= LAT_MAX and LON_MIN <= longitude <= LON_MAX):
        raise ValidationError(
            {
                "latitude": _(
                    "This point lies outside Iraq (latitude 29.0–37.5 N, longitude 38.7–48.8 E). "
                    "Check the coordinates: latitude comes first, in decimal degrees."
                )
            }
        )
    return latitude.quantize(Decimal("0.00001")), longitude.quantize(Decimal("0.00001"))


def offence_add(
    *,
    actor: Any,
    case: Case,
    code: str,
    stage: str,
    article: str = "",
    committed_on: dt.date | None = None,
    governorate: Governorate | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Offence:
    with transaction.atomic(durable=True):
        case_for_work(actor, case)
        category = IccsCategory.objects.filter(code=(code or "").strip()).first()
        if category is None:
            raise ValidationError({"category": _("No ICCS category has this code.")})
        if stage not in Offence.Stage.values:
            raise ValidationError({"stage": _("Choose attempted or completed.")})
        article = clean_fields(article=article)["article"]
        dates.check_years(committed_on=committed_on)
        if committed_on and committed_on > timezone.localdate():
            raise ValidationError({"committed_on": _("The date cannot be in the future.")})
        latitude, longitude = _coordinates(latitude, longitude)
        offence = Offence.objects.create(
            case=case,
            category=category,
            stage=stage,
            article=article,
            committed_on=committed_on,
            governorate=governorate,
            latitude=latitude,
            longitude=longitude,
        )
        audit.record(
            actor=actor,
            action="cases.offence_added",
            target=case,
            payload={
                "offence": offence.pk,
                "iccs": category.code,
                "stage": stage,
                "article": offence.article,
                "date": committed_on.isoformat() if committed_on else None,
                "governorate": governorate.code if governorate else None,
                "lat": str(latitude) if latitude is not None else None,
                "lon": str(longitude) if longitude is not None else None,
            },
        )
    return offence


def offence_remove(*, actor: Any, offence: Offence) -> None:
    case = offence.case
    with transaction.atomic(durable=True):
        case_for_work(actor, case)
        payload = {"offence": offence.pk, "iccs": offence.category.code}
        if not Offence.objects.filter(pk=offence.pk).delete()[0]:
            raise ValidationError(_("This offence has already been removed."))
        audit.record(actor=actor, action="cases.offence_removed", target=case, payload=payload)


# --- Parties (IN-3) --------------------------------------------------------------------------------
def case_party_add(*, actor: Any, case: Case, entity: Any, role: str, note: str = "") -> CaseParty:
    """Record that `entity` (a person, organisation, phone, vehicle or bank account the actor may
    see) takes part in `case` (which the actor works on) in `role`."""
    with transaction.atomic(durable=True):
        case_for_work(actor, case, operator=True)
        access.require_unless_operator(actor, "view", entity)
        kind = getattr(entity, "TYPE", "")
        if kind not in dict(PARTY_TYPE_CHOICES):
            raise ValidationError(
                {"entity": _("Choose a person, organisation, phone, vehicle or bank account.")}
            )
        if role not in CaseParty.Role.values:
            raise ValidationError({"role": _("Choose the role in the case.")})
        if role == CaseParty.Role.INFORMANT and not (
            access.is_operator(actor) or sees_informants(actor)
        ):
            raise ValidationError(
                {"role": _("Only users cleared for informants may record a confidential source.")}
            )
        note = clean_fields(note=note)["note"]
        if CaseParty.objects.filter(
            case=case, entity_type=kind, entity_id=entity.pk, role=role
        ).exists():
            raise ValidationError(
                {"entity": _("This record already takes part in the case in this role.")}
            )
        party = CaseParty.objects.create(
            case=case,
            entity_type=kind,
            entity_id=entity.pk,
            role=role,
            note=note,
            added_by=acting_user(actor),
        )
        audit.record(
            actor=actor,
            action="cases.party_added",
            target=case,
            payload={
                "case": case.number,
                "party": party.pk,
                "type": kind,
                "id": entity.pk,
                "role": role,
                "note": note,
            },
        )
    return party


def case_party_remove(*, actor: Any, party: CaseParty) -> None:
    case = party.case
    with transaction.atomic(durable=True):
        # The rows of a case are the case manager's to keep, even one naming a record they may
        # not open (recorded by another unit); the page shows it only by type and number.
        case_for_work(actor, case, operator=True)
        access.require_unless_operator(actor, "view", party)  # a source's row: the clearance
        payload = {
            "case": case.number,
            "party": party.pk,
            "type": party.entity_type,
            "id": party.entity_id,
            "role": party.role,
        }
        if not CaseParty.objects.filter(pk=party.pk).delete()[0]:
            raise ValidationError(_("This record no longer takes part in the case."))
        audit.record(actor=actor, action="cases.party_removed", target=case, payload=payload)
