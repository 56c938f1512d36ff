"""The arrest: a person entered in the register, held in a case, with the legal clock started."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import access, audit, search
from dalil.accounts.models import Governorate, Unit
from dalil.cases.models import Case, Offence
from dalil.cases.services import case_for_work
from dalil.core import dates
from dalil.core.numbering import next_number
from dalil.core.records import acting_user
from dalil.parties.models import Person

from .. import clock
from ..models import Detainee
from ..penalties import scale_years
from .common import Problems, aware, iso, refresh, text

PENALTY_FIELDS = {"future": "arrested_at", "registered_before_arrest": "registered_at"}


def _penalty(problems: Problems, penalty: str, years: int | None) -> int | None:
    if penalty not in Detainee.Penalty.values:
        problems.add("penalty", _("Choose the maximum penalty of the offence."))
        return None
    if penalty != Detainee.Penalty.YEARS:
        return None
    most = scale_years(Detainee.Penalty.YEARS) or 100  # the penalty scale says (data)
    if years is None or isinstance(years, bool) or not 1 <= int(years) <= most:
        problems.add(
            "penalty_years",
            _(
                "Give the maximum penalty of the offence in whole years (1 to %(most)s); "
                "a longer one is one of the forms of life imprisonment."
            )
            % {"most": most},
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
    which the actor works), from the arrest, registered now unless a time is given. A person is
    held at most once in a case at a time: the case row is locked while this is checked, and a
    partial unique constraint backs it."""
    with transaction.atomic(durable=True):
        case_for_work(actor, case, operator=True)
        access.require_unless_operator(actor, "view", person)
        dates.check_years(arrested_at=arrested_at, registered_at=registered_at)
        now = now or timezone.now()
        arrested_at = aware(arrested_at)
        registered_at = aware(registered_at) if registered_at is not None else now
        p = Problems()
        arrest_place = text(
            p, "arrest_place", arrest_place, _("Say where the person was arrested.")
        )
        place_of_detention = text(
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
                _(
                    "This person is already held in this case. Record the release before a new "
                    "arrest."
                ),
            )
        last_release = (
            Detainee.objects.filter(case=case, person=person, released_at__isnull=False)
            .order_by("-released_at")
            .values_list("released_at", flat=True)
            .first()
        )
        if last_release is not None and arrested_at < last_release:
            p.add(
                "arrested_at",
                _(
                    "This person was held in this case until %(at)s: a new arrest comes after "
                    "that release."
                )
                % {"at": clock.shown(last_release)},
            )
        p.raise_any()
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
        refresh(detainee, now)
        search.index(detainee)
        audit.record(
            actor=actor,
            action="detention.arrest_recorded",
            target=detainee,
            payload={
                "case": case.number,
                "person": person.pk,
                "arrested_at": iso(arrested_at),
                "registered_at": iso(registered_at),
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
