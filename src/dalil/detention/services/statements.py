"""A detainee's statement or confession, and the integrity referral to internal affairs that the
same transaction makes when an injury was noted at intake (PRODUCT.md IN-6, IA-1)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import audit, search
from dalil.access.models import Compartment
from dalil.access.roles import COMPARTMENTS
from dalil.core import dates, vault
from dalil.core.numbering import next_number
from dalil.core.records import acting_user

from ..models import Detainee, IntakeInjury, IntegrityReferral, Statement
from ..policies import IA_COMPARTMENT
from .common import Problems, aware, held, held_between, iso, text


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
    Art. 15, covers any statement, so both kinds are referred). The detainee's row is locked, so
    an injury recorded meanwhile is seen."""
    with transaction.atomic(durable=True):
        locked = held(actor, detainee)
        dates.check_years(taken_at=taken_at)
        now = now or timezone.now()
        taken_at = aware(taken_at)
        p = Problems()
        if kind not in Statement.Kind.values:
            p.add("kind", _("Choose statement or confession."))
        taken_by = text(p, "taken_by", taken_by, _("Give the name of who took the statement."))
        summary = text(p, "summary", summary, _("Summarise what the detainee said."))
        held_between(p, "taken_at", taken_at, locked, now)
        p.raise_any()
        stored = None
        if document:
            stored = vault.store_upload(
                actor=actor,
                unit=locked.case.unit,
                upload=document,
                description=_("Statement of detainee %(number)s") % {"number": locked.number},
                attached_to="detention.statement",
            )
        statement = Statement.objects.create(
            detainee=locked,
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
            target=locked,
            payload={
                "statement": statement.pk,
                "kind": kind,
                "taken_at": iso(taken_at),
                "taken_by": taken_by,
                "document": stored.blob_id if stored else None,
            },
        )
        injuries = list(locked.injuries.filter(none_visible=False).order_by("pk"))
        if injuries:
            _referral_create(actor, statement, injuries)
    return statement
