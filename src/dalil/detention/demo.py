"""Demonstration detainees (idempotent), on the demo cases, written through the services by each
case's lead investigator, with times relative to the moment the demo is loaded, so that the
register always shows: a late registration, an order ending within 48 hours, a detention reaching
six months (the criminal court's permission needed), a release followed by a new arrest in the
same case (whose clock counts the earlier period), and an intake injury with a photo and a
confession that was referred to internal affairs. Every name is invented."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dalil import audit
from dalil.accounts.models import Governorate, Unit
from dalil.cases.models import Case
from dalil.judicial.models import Decision
from dalil.parties import services as parties
from dalil.parties.models import Person

from . import clock, services
from .models import Detainee

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)

BASRA = "الاتجار بالمواد المخدرة عبر ميناء أم قصر"
KARRADA = "مقتل صاحب محل صيرفة في الكرادة داخل"
ERBIL = "شبكة اتجار بالأشخاص لغرض العمل القسري في أربيل"


def png(width: int = 24, height: int = 16, rgb: tuple[int, int, int] = (176, 62, 62)) -> bytes:
    """A small valid PNG (one colour), built with zlib and struct: a stand-in intake photo."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(tag + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@dataclass
class Spec:
    """One demonstration detention: who, where, and its story relative to `now`."""

    case_title: str
    person: tuple[str, str]  # given name, family name (Arabic) of a demo person
    arrested: dt.datetime
    registered_after: dt.timedelta
    arrest_place: str
    place: str
    penalty: str
    years: int | None = None
    iccs: str = ""
    orders: list[tuple[dt.datetime, int]] = field(default_factory=list)
    release: tuple[dt.datetime, str] | None = None
    injury: str = ""  # "" none recorded, "none" none visible, else the body location
    statement: tuple[str, str] | None = None  # kind, summary
    # The order number of the judge's decision (judicial demo) an extension carries out.
    extension_by: str = ""
    # Which detention of this person in this case this is (2: re-arrested after a release).
    period: int = 1


def _chain(first: dt.datetime, until: dt.datetime) -> list[tuple[dt.datetime, int]]:
    """Orders of at most 15 days back to back from `first`, the last one ending at `until`."""
    out, start = [], first
    while start < until:
        days = min(clock.MAX_ORDER_DAYS, round((until - start) / D))
        if days < 1:
            break
        out.append((start, days))
        start = clock.add_days(start, days)
    return out


def specs(now: dt.datetime) -> list[Spec]:
    near_end = now - 14 * D - 2 * H  # first order from +10 h for 15 days: ends in 32 hours
    late = now - 5 * D
    # Six months reached in 40 hours: orders back to back up to that point; the next one needs
    # the criminal court's permission.
    six_target = now + 40 * H
    long_held = clock.add_months(six_target, -6)
    six_at = clock.six_months_point(clock.Arrest(long_held))
    released = now - 20 * D
    rearrested = now - 2 * D
    injured = now - 3 * D
    return [
        Spec(
            BASRA,
            ("عقيل", "الحلفي"),
            near_end,
            3 * H,
            "ميناء أم قصر، الرصيف رقم 9",
            "موقف مركز شرطة العشار",
            "life",
            iccs="060121",
            orders=[(near_end + 10 * H, 15)],
            injury="none",
        ),
        Spec(
            BASRA,
            ("سجاد", "المالكي"),
            late,
            30 * H,
            "سيطرة الزبير الخارجية",
            "موقف مركز شرطة العشار",
            "years",
            years=15,
            iccs="09051",
            orders=[(late + 20 * H, 15)],
            extension_by="87/ت/2026",
        ),
        Spec(
            KARRADA,
            ("حسين", "الدليمي"),
            long_held,
            2 * H,
            "الكرادة داخل، قرب ساحة الواثق",
            "موقف مركز شرطة الكرادة",
            "death",
            iccs="0101",
            orders=_chain(long_held + D, six_at),
        ),
        Spec(
            KARRADA,
            ("مصطفى", "العبيدي"),
            released,
            2 * H,
            "شارع أبو نواس",
            "موقف مركز شرطة الكرادة",
            "years",
            years=15,
            iccs="0401",
            orders=[(released + 20 * H, 10)],
            release=(released + 8 * D, "bail"),
        ),
        Spec(  # the same man arrested again: his clock starts with the 8 days already served
            KARRADA,
            ("مصطفى", "العبيدي"),
            rearrested,
            3 * H,
            "حي الوحدة، قرب جامع الخلاني",
            "موقف مركز شرطة الكرادة",
            "years",
            years=15,
            iccs="0401",
            orders=[(rearrested + 20 * H, 15)],
            period=2,
        ),
        Spec(
            ERBIL,
            ("ريبوار", "الهركي"),
            injured,
            1 * H,
            "حي عنكاوا، مكتب استقدام العمالة",
            "موقف مديرية شرطة أربيل",
            "years",
            years=15,
            iccs="02042",
            orders=[(injured + 18 * H, 15)],
            injury="الذراع الأيسر والكتف",
            statement=(
                "confession",
                "أقر المتهم بأنه كان يحتجز جوازات سفر العاملات ويجبرهن على العمل دون أجر.",
            ),
        ),
        Spec(
            ERBIL,
            ("شيرزاد", "البرزنجي"),
            injured + 2 * H,
            1 * H,
            "حي عنكاوا، مكتب استقدام العمالة",
            "موقف مديرية شرطة أربيل",
            "years",
            years=15,
            iccs="02042",
            orders=[(injured + 20 * H, 15)],
            injury="none",
            statement=("statement", "نفى المتهم علمه بحجز جوازات السفر."),
        ),
    ]


def _person(case: Case, given: str, family: str) -> Person | None:
    """A demo person of the case's unit by name; in Erbil (which has none) an invented one."""
    found = Person.objects.filter(
        unit=case.unit, given_name_ar=given, family_name_ar=family
    ).first()
    if found is not None or case.unit.code != "ARB-CENTER":
        return found
    return parties.person_create(
        actor=case.lead,
        unit=case.unit,
        confirm_duplicate=True,
        given_name_ar=given,
        father_name_ar="كمال" if given == "ريبوار" else "عمر",
        family_name_ar=family,
        sex="m",
    )


def _load_one(spec: Spec, case: Case, now: dt.datetime) -> bool:
    person = _person(case, *spec.person)
    if person is None or Detainee.objects.filter(case=case, person=person).count() >= spec.period:
        return False
    lead = case.lead
    offence = case.offences.filter(category__code=spec.iccs).first() if spec.iccs else None
    detainee = services.arrest_record(
        actor=lead,
        case=case,
        person=person,
        arrested_at=spec.arrested,
        registered_at=spec.arrested + spec.registered_after,
        arrest_place=spec.arrest_place,
        arrest_governorate=case.unit.governorate,
        arresting_unit=case.unit,
        place_of_detention=spec.place,
        place_unit=case.unit,
        penalty=spec.penalty,
        penalty_years=spec.years,
        offence=offence,
        now=now,
    )
    for n, (start, days) in enumerate(spec.orders, start=1):
        services.order_record(
            actor=lead,
            detainee=detainee,
            starts_at=start,
            days=days,
            order_number=f"{case.unit.code}/{clock.baghdad(start).year}/{n:03d}",
            judge_name="القاضي حسن عبد الكريم الجبوري",
            court="محكمة التحقيق المختصة",
            issued_on=max(
                clock.baghdad(start - D).date(), clock.baghdad(detainee.arrested_at).date()
            ),
            now=now,
        )
    decision = (
        Decision.objects.filter(case=case, order_number=spec.extension_by).first()
        if spec.extension_by
        else None
    )
    if decision is not None:  # the extension follows the last order, by the judge's decision
        services.order_record(
            actor=lead,
            detainee=detainee,
            starts_at=clock.add_days(*spec.orders[-1]),
            days=15,
            decision=decision,
            now=now,
        )
    if spec.injury:
        none = spec.injury == "none"
        services.injury_record(
            actor=lead,
            detainee=detainee,
            noted_at=spec.arrested + 2 * H,
            noted_by="المسعف أحمد ناصر",
            none_visible=none,
            description="" if none else "كدمات زرقاء حديثة بطول 6 سم وآثار ضغط حول المعصم",
            body_location="" if none else spec.injury,
            photo=None
            if none
            else SimpleUploadedFile("intake-injury.png", png(), content_type="image/png"),
            now=now,
        )
    if spec.statement:
        kind, summary = spec.statement
        services.statement_record(
            actor=lead,
            detainee=detainee,
            kind=kind,
            taken_at=spec.arrested + 30 * H,
            taken_by=lead.full_name,
            summary=summary,
            now=now,
        )
    if spec.release:
        at, basis = spec.release
        services.release_record(actor=lead, detainee=detainee, released_at=at, basis=basis, now=now)
    return True


def load() -> int:
    """Record the demonstration detentions that do not exist yet, then raise the alerts once;
    returns how many detentions were recorded."""
    now = timezone.now()
    created = 0
    cases = {c.title: c for c in Case.objects.filter(title__in=[BASRA, KARRADA, ERBIL])}
    if not cases or not Unit.objects.filter(code="ARB-CENTER").exists():
        return 0
    with audit.ledger.source("cli:demo"):  # each service commits on its own (durable)
        for spec in specs(now):
            case = cases.get(spec.case_title)
            if case is not None and _load_one(spec, case, now):
                created += 1
        if created:
            services.alerts_raise(now=now)
    return created


__all__ = ["Governorate", "load", "png"]
