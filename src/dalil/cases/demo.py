"""Demonstration cases (idempotent): opened by the demo investigators through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from dalil import audit
from dalil.accounts.models import Governorate, Unit, User

from . import services
from .models import Case

ACTOR = audit.ledger.System("cli:demo")

# (unit, lead, title, summary, steps, offences: (iccs, stage, article, date, governorate, lat, lon))
CASES: list[tuple[str, str, str, str, list[str], list[tuple[Any, ...]]]] = [
    (
        "BSR-ASHAR",
        "investigator.basra",
        "الاتجار بالمواد المخدرة عبر ميناء أم قصر",
        "ضبط شحنة حبوب الكبتاغون داخل حاوية قادمة عبر ميناء أم قصر وتوقيف اثنين من المتهمين.",
        ["start"],
        [
            (
                "060121",
                "completed",
                "المادة 28 من قانون المخدرات والمؤثرات العقلية رقم 50 لسنة 2017",
                dt.date(2026, 1, 14),
                "IQ-BA",
                Decimal("30.03500"),
                Decimal("47.94300"),
            ),
            (
                "09051",
                "completed",
                "المادة 32 من قانون المخدرات والمؤثرات العقلية رقم 50 لسنة 2017",
                dt.date(2026, 1, 14),
                "IQ-BA",
                None,
                None,
            ),
        ],
    ),
    (
        "BGD-KARADA",
        "investigator.karada",
        "مقتل صاحب محل صيرفة في الكرادة داخل",
        "العثور على صاحب محل صيرفة مقتولاً داخل محله وفقدان مبالغ مالية.",
        ["start", "refer_judge"],
        [
            (
                "0101",
                "completed",
                "المادة 406 من قانون العقوبات رقم 111 لسنة 1969",
                dt.date(2026, 2, 3),
                "IQ-BG",
                Decimal("33.30630"),
                Decimal("44.42640"),
            ),
            (
                "0401",
                "completed",
                "المادة 441 من قانون العقوبات رقم 111 لسنة 1969",
                dt.date(2026, 2, 3),
                "IQ-BG",
                None,
                None,
            ),
        ],
    ),
    (
        "BGD-MANSOUR",
        "investigator.mansour",
        "طلب رشوة من موظف في دائرة التسجيل العقاري",
        "إخبار بطلب موظف مبلغاً مالياً لقاء إنجاز معاملة نقل ملكية.",
        [],
        [
            (
                "070312",
                "completed",
                "المادة 307 من قانون العقوبات رقم 111 لسنة 1969",
                dt.date(2026, 3, 9),
                "IQ-BG",
                None,
                None,
            )
        ],
    ),
    (
        "ARB-CENTER",
        "investigator.erbil",
        "شبكة اتجار بالأشخاص لغرض العمل القسري في أربيل",
        "إفادات عاملات منزليات أجنبيات عن حجز جوازاتهن وإجبارهن على العمل دون أجر.",
        ["start"],
        [
            (
                "02042",
                "completed",
                "المادة 6 من قانون مكافحة الاتجار بالبشر رقم 28 لسنة 2012",
                dt.date(2026, 2, 20),
                "IQ-AR",
                Decimal("36.19100"),
                Decimal("44.00900"),
            )
        ],
    ),
]


# case title -> (entity type, key, role, note): the key is a person's Arabic given and family
# names, a phone as dialled, or a vehicle plate (invented records of dalil.parties.demo).
PARTIES: dict[str, list[tuple[str, str, str, str]]] = {
    CASES[0][2]: [
        ("person", "عقيل الحلفي", "suspect", "مستلم الحاوية"),
        ("person", "سجاد المالكي", "suspect", "سائق الشاحنة"),
        ("person", "رقية البطاط", "witness", "موظفة التخليص الكمركي"),
        ("vehicle", "البصرة ج 77315", "other", "استُخدمت في نقل الشحنة"),
    ],
    CASES[1][2]: [
        ("person", "أحمد الساعدي", "suspect", "شوهد قرب المحل ليلة الحادث"),
        ("person", "مصطفى العبيدي", "victim", "صاحب المحل"),
        ("person", "زينب الخفاجي", "witness", "جارة المحل"),
        ("phone", "07701234561", "other", "هاتف المشتبه به"),
        ("vehicle", "بغداد أ 41837", "other", "سيارة شوهدت قرب المحل"),
    ],
    CASES[2][2]: [
        ("person", "محمد الزبيدي", "suspect", "موظف التسجيل العقاري"),
        ("person", "فاطمة الراوي", "complainant", "صاحبة المعاملة"),
    ],
}


def _entity(kind: str, key: str) -> Any:
    from dalil.parties.models import Person, Phone, Vehicle
    from dalil.parties.validators import clean_phone

    if kind == "person":
        given, family = key.split(" ", 1)
        return Person.objects.filter(given_name_ar=given, family_name_ar=family).first()
    if kind == "phone":
        return Phone.objects.filter(number=clean_phone(key)[0]).first()
    return Vehicle.objects.filter(plate=key).first()


def _add_parties(case: Case, lead: Any) -> None:
    for kind, key, role, note in PARTIES.get(case.title, []):
        entity = _entity(kind, key)
        if entity is None or case.parties.filter(entity_type=kind, entity_id=entity.pk).exists():
            continue
        services.case_party_add(actor=ACTOR, case=case, entity=entity, role=role, note=note)


def load() -> int:
    """Open the demonstration cases that do not exist yet; returns how many were opened."""
    created = 0
    with audit.ledger.source("cli:demo"):  # each service commits on its own (durable)
        for unit_code, lead_name, title, summary, steps, offences in CASES:
            unit = Unit.objects.filter(code=unit_code).first()
            lead = User.objects.filter(username=lead_name).first()
            if unit is None or lead is None:
                continue
            existing = Case.objects.filter(unit=unit, title=title).first()
            if existing is not None:
                _add_parties(existing, lead)
                continue
            case = services.case_create(
                actor=lead, unit=unit, title=title, summary=summary, lead=lead
            )
            for code, stage, article, date, gov, lat, lon in offences:
                services.offence_add(
                    actor=lead,
                    case=case,
                    code=code,
                    stage=stage,
                    article=article,
                    committed_on=date,
                    governorate=Governorate.objects.filter(code=gov).first(),
                    latitude=lat,
                    longitude=lon,
                )
            _add_parties(case, lead)
            for step in steps:
                services.case_transition(actor=lead, case=case, step=step, version=case.version)
            created += 1
    return created
