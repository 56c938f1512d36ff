"""Demonstration cases (idempotent): opened by the demo investigators through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from dalil import audit
from dalil.accounts.models import Governorate, Unit, User

from . import services
from .models import Case

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


def load() -> int:
    """Open the demonstration cases that do not exist yet; returns how many were opened."""
    created = 0
    with audit.ledger.source("cli:demo"), transaction.atomic():
        for unit_code, lead_name, title, summary, steps, offences in CASES:
            unit = Unit.objects.filter(code=unit_code).first()
            lead = User.objects.filter(username=lead_name).first()
            if unit is None or lead is None or Case.objects.filter(unit=unit, title=title).exists():
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
            for step in steps:
                services.case_transition(actor=lead, case=case, step=step, version=case.version)
            created += 1
    return created
