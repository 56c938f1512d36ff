"""Synthetic persons and entities for the demo (all invented: names, numbers, plates, accounts).

Written through the services as `System("cli:demo")`; running it twice changes nothing."""

from __future__ import annotations

from typing import Any

from dalil import audit
from dalil.accounts.models import Governorate, Unit
from dalil.audit.ledger import System

from . import services
from .models import Address, BankAccount, Link, Person, Phone, Vehicle

ACTOR = System("cli:demo")

# unit, (Arabic parts), (Latin parts), sex, birth (year, month, day), aliases
PERSONS: list[tuple[str, tuple[str, ...], tuple[str, ...], str, tuple[Any, ...], list[str]]] = [
    (
        "BGD-KARADA",
        ("أحمد", "جاسم", "محمد", "الساعدي"),
        ("Ahmed", "Jasim", "Mohammed", "al-Saadi"),
        "m",
        (1986, 3, 14),
        ["أبو علي"],
    ),
    (
        "BGD-KARADA",
        ("مصطفى", "كريم", "حسن", "العبيدي"),
        ("Mustafa", "Kareem", "Hassan", "al-Obaidi"),
        "m",
        (1991, None, None),
        [],
    ),
    (
        "BGD-KARADA",
        ("زينب", "عباس", "علي", "الخفاجي"),
        ("Zainab", "Abbas", "Ali", "al-Khafaji"),
        "f",
        (1994, 7, None),
        [],
    ),
    (
        "BGD-KARADA",
        ("حسين", "فاضل", "عبد الله", "الدليمي"),
        ("Hussein", "Fadhil", "Abdullah", "al-Dulaimi"),
        "m",
        (1979, 11, 2),
        ["حسين الأسمر"],
    ),
    (
        "BGD-KARADA",
        ("علي", "رزاق", "جواد", "الكعبي"),
        ("Ali", "Razzaq", "Jawad", "al-Kaabi"),
        "m",
        (2001, 1, 20),
        [],
    ),
    (
        "BGD-KARADA",
        ("نور", "صباح", "مهدي", "التميمي"),
        ("Noor", "Sabah", "Mahdi", "al-Tamimi"),
        "f",
        (1998, None, None),
        [],
    ),
    (
        "BGD-KARADA",
        ("كرار", "حيدر", "ناصر", "اللامي"),
        ("Karrar", "Haider", "Nasser", "al-Lami"),
        "m",
        (1996, 5, 9),
        ["كرار الصغير"],
    ),
    (
        "BGD-KARADA",
        ("عمر", "خالد", "إبراهيم", "الجنابي"),
        ("Omar", "Khalid", "Ibrahim", "al-Janabi"),
        "m",
        (1988, None, None),
        [],
    ),
    (
        "BGD-MANSOUR",
        ("محمد", "هادي", "سلمان", "الزبيدي"),
        ("Mohammed", "Hadi", "Salman", "al-Zubaidi"),
        "m",
        (1983, 9, 30),
        [],
    ),
    (
        "BGD-MANSOUR",
        ("فاطمة", "ياسين", "طه", "الراوي"),
        ("Fatima", "Yaseen", "Taha", "al-Rawi"),
        "f",
        (1990, 2, 11),
        [],
    ),
    (
        "BGD-MANSOUR",
        ("يوسف", "عدنان", "شاكر", "البياتي"),
        ("Yousif", "Adnan", "Shakir", "al-Bayati"),
        "m",
        (1975, None, None),
        ["أبو يعقوب"],
    ),
    (
        "BSR-ASHAR",
        ("عقيل", "مطر", "عبد الحسين", "الحلفي"),
        ("Aqeel", "Matar", "Abdulhussein", "al-Halfi"),
        "m",
        (1985, 6, 1),
        [],
    ),
    (
        "BSR-ASHAR",
        ("سجاد", "منصور", "داود", "المالكي"),
        ("Sajjad", "Mansour", "Dawood", "al-Maliki"),
        "m",
        (1999, 12, 24),
        [],
    ),
    (
        "BSR-ASHAR",
        ("رقية", "حميد", "كاظم", "البطاط"),
        ("Ruqaya", "Hameed", "Kadhim", "al-Battat"),
        "f",
        (1993, None, None),
        [],
    ),
    (
        "BSR-ASHAR",
        ("جعفر", "نعمة", "عواد", "السعدي"),
        ("Jaafar", "Nima", "Awad", "al-Saadi"),
        "m",
        (1968, 4, 17),
        ["الحاج جعفر"],
    ),
]
PHONES = ["07701234561", "07801239874", "07512345678", "07714440021", "07905556677", "07733219988"]
VEHICLES = [
    ("بغداد أ 41837", "Toyota", "Land Cruiser", "أبيض", "JTMHV05J604123456"),
    ("بغداد ب 22190", "Kia", "Cerato", "فضي", ""),
    ("البصرة ج 77315", "Hyundai", "Elantra", "أسود", "KMHDH41E08U123457"),
]
BANKS = [("RAFB", "مصرف الرافدين"), ("RSHB", "مصرف الرشيد"), ("TRBI", "المصرف العراقي للتجارة")]


def _iban(bank: str, number: str) -> str:
    """An invented Iraqi IBAN with correct check digits (bank code, 3-digit branch, 12-digit account)."""
    bban = f"{bank}{number}"
    remainder = int("".join(str(int(ch, 36)) for ch in f"{bban}IQ00")) % 97
    return f"IQ{98 - remainder:02d}{bban}"


def load() -> dict[str, int]:
    created = {"persons": 0}
    if Person.objects.exists():
        return created
    units = {u.code: u for u in Unit.objects.filter(code__in={p[0] for p in PERSONS})}
    if len(units) < 3:
        return created
    with audit.ledger.source("cli:demo"):  # each service commits on its own (durable)
        people = []
        for unit, ar, latin, sex, (year, month, day), aliases in PERSONS:
            fields = dict(zip(Person.AR_PARTS, ar, strict=True))
            fields.update(zip(Person.LATIN_PARTS, latin, strict=True))
            people.append(
                services.person_create(
                    actor=ACTOR,
                    unit=units[unit],
                    aliases=aliases,
                    confirm_duplicate=True,
                    sex=sex,
                    birth_year=year,
                    birth_month=month,
                    birth_day=day,
                    **fields,
                )
            )
            created["persons"] += 1
        services.document_add(
            actor=ACTOR,
            person=people[0],
            kind="national_card",
            number="199012345678",
            issuing_authority="مديرية الأحوال المدنية — بغداد",
        )
        services.document_add(actor=ACTOR, person=people[3], kind="passport", number="A12345678")
        karada = units["BGD-KARADA"]

        def link(a: Any, kind: str, b: Any, grading: str, source: str) -> Link:
            return services.link_create(
                actor=ACTOR,
                source_entity=a,
                link_type=kind,
                target=b,
                source=source,
                reliability=grading[0],
                credibility=grading[1],
            )

        for i, raw in enumerate(PHONES):
            phone = services.entity_create(
                actor=ACTOR, entity_type="phone", unit=karada, number=raw
            )
            assert isinstance(phone, Phone)
            link(people[i], "uses_phone", phone, "B2", "سجل المشترك لدى شركة الاتصالات")
        for i, (plate, make, model, colour, vin) in enumerate(VEHICLES):
            vehicle = services.entity_create(
                actor=ACTOR,
                entity_type="vehicle",
                unit=karada,
                plate=plate,
                make=make,
                model=model,
                colour=colour,
                vin=vin,
            )
            assert isinstance(vehicle, Vehicle)
            link(people[i], "owns", vehicle, "A1", "سجل مديرية المرور العامة")
        for i, (bank, name) in enumerate(BANKS):
            account = services.entity_create(
                actor=ACTOR,
                entity_type="account",
                unit=karada,
                iban=_iban(bank, f"{850 + i}{123456789012 + i * 7919:012d}"),
                bank_name=name,
                holder_name=people[i].name_ar,
            )
            assert isinstance(account, BankAccount)
            link(people[i], "holds_account", account, "A2", "كتاب المصرف الرسمي")
        address = services.entity_create(
            actor=ACTOR,
            entity_type="address",
            unit=karada,
            governorate=Governorate.objects.get(code="IQ-BG"),
            district="الكرادة",
            text="محلة 903، زقاق 14، دار 7",
            latitude="33.3010",
            longitude="44.4270",
        )
        assert isinstance(address, Address)
        link(people[0], "lives_at", address, "B2", "إفادة المختار")
        link(people[0], "family", people[4], "C3", "إفادة شاهد")
        link(people[1], "associate", people[6], "D4", "مصدر بشري")
        link(people[3], "associate", people[7], "B3", "تقرير مراقبة")
        org = services.entity_create(
            actor=ACTOR,
            entity_type="organisation",
            unit=karada,
            name_ar="شركة النخيل للصيرفة",
            name_latin="Al-Nakheel Exchange Co.",
            kind="company",
            registration_number="BG-7781",
        )
        link(people[7], "employee_of", org, "B2", "سجل تسجيل الشركات")
    return created
