"""A realistic synthetic ministry for the demo: units, users of every role, fixed TOTP keys.

Every write goes through the services as `System("cli:demo")`, so the demo is on the ledger like
anything else. Running it twice changes nothing the second time.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction

from dalil import audit
from dalil.access import services as access_services
from dalil.access.models import Assignment, Clearance, Compartment, Role
from dalil.audit.ledger import System

from . import auth, services
from .models import Governorate, Unit, User

DEMO_PASSWORD = "Dalil-demo-2026!"  # noqa: S105 (public demo password, documented)
ACTOR = System("cli:demo")

# code, parent, kind, Arabic, Sorani, English, governorate
UNITS = [
    ("MOI", None, "ministry", "وزارة الداخلية", "وەزارەتی ناوخۆ", "Ministry of Interior", None),
    (
        "MOI-IT",
        "MOI",
        "directorate",
        "دائرة تقنية المعلومات والاتصالات",
        "فەرمانگەی تەکنەلۆجیای زانیاری",
        "Information Technology Directorate",
        "IQ-BG",
    ),
    (
        "MOI-IG",
        "MOI",
        "directorate",
        "مكتب المفتش العام",
        "نووسینگەی پشکێنەری گشتی",
        "Office of the Inspector General",
        "IQ-BG",
    ),
    (
        "MOI-IA",
        "MOI",
        "ia_office",
        "مديرية الشؤون الداخلية",
        "بەڕێوەبەرایەتی کاروباری ناوخۆ",
        "Internal Affairs Directorate",
        "IQ-BG",
    ),
    (
        "MOI-OC",
        "MOI",
        "directorate",
        "مديرية مكافحة الجريمة المنظمة",
        "بەڕێوەبەرایەتی بەربەرەکانێی تاوانی ڕێکخراو",
        "Organised Crime Directorate",
        "IQ-BG",
    ),
    (
        "MOI-FOR",
        "MOI",
        "directorate",
        "مديرية الأدلة الجنائية",
        "بەڕێوەبەرایەتی بەڵگەی تاوانکاری",
        "Forensic Evidence Directorate",
        "IQ-BG",
    ),
    (
        "FOR-BGD-LAB",
        "MOI-FOR",
        "lab",
        "مختبر الأدلة الجنائية المركزي - بغداد",
        "تاقیگەی ناوەندی بەڵگەی تاوانکاری - بەغدا",
        "Central Forensic Laboratory, Baghdad",
        "IQ-BG",
    ),
    (
        "MOI-ACAD",
        "MOI",
        "academy",
        "كلية الشرطة - معهد التدريب التخصصي",
        "کۆلێژی پۆلیس - پەیمانگای ڕاهێنان",
        "Police College, Specialised Training Institute",
        "IQ-BG",
    ),
    (
        "BGD-POL",
        "MOI",
        "governorate",
        "قيادة شرطة بغداد",
        "فەرماندەیی پۆلیسی بەغدا",
        "Baghdad Police Command",
        "IQ-BG",
    ),
    (
        "BGD-KARADA",
        "BGD-POL",
        "station",
        "مركز شرطة الكرادة",
        "بنکەی پۆلیسی کەڕادە",
        "Karrada Police Station",
        "IQ-BG",
    ),
    (
        "BGD-MANSOUR",
        "BGD-POL",
        "station",
        "مركز شرطة المنصور",
        "بنکەی پۆلیسی مەنسوور",
        "Mansour Police Station",
        "IQ-BG",
    ),
    (
        "BSR-POL",
        "MOI",
        "governorate",
        "قيادة شرطة البصرة",
        "فەرماندەیی پۆلیسی بەسرە",
        "Basrah Police Command",
        "IQ-BA",
    ),
    (
        "BSR-ASHAR",
        "BSR-POL",
        "station",
        "مركز شرطة العشار",
        "بنکەی پۆلیسی عەشار",
        "Ashar Police Station",
        "IQ-BA",
    ),
    (
        "NIN-POL",
        "MOI",
        "governorate",
        "قيادة شرطة نينوى",
        "فەرماندەیی پۆلیسی نەینەوا",
        "Ninawa Police Command",
        "IQ-NI",
    ),
    (
        "NIN-MOSUL",
        "NIN-POL",
        "station",
        "مركز شرطة الموصل الجديدة",
        "بنکەی پۆلیسی موسڵی نوێ",
        "New Mosul Police Station",
        "IQ-NI",
    ),
    (
        "ARB-POL",
        "MOI",
        "governorate",
        "مديرية شرطة أربيل",
        "بەڕێوەبەرایەتی پۆلیسی هەولێر",
        "Erbil Police Directorate",
        "IQ-AR",
    ),
    (
        "ARB-CENTER",
        "ARB-POL",
        "station",
        "مركز شرطة أربيل المركز",
        "بنکەی پۆلیسی ناوەندی هەولێر",
        "Erbil Central Police Station",
        "IQ-AR",
    ),
]

# username, unit, role, full name (Arabic), Latin name, badge, language, compartments
USERS = [
    (
        "admin",
        "MOI-IT",
        "system_admin",
        "أحمد كاظم الساعدي",
        "Ahmed Kadhim al-Saadi",
        "IT-1001",
        "ar",
        [],
    ),
    (
        "auditor",
        "MOI-IG",
        "auditor",
        "زينب حسن العبيدي",
        "Zainab Hasan al-Obaidi",
        "IG-2040",
        "ar",
        [],
    ),
    (
        "security",
        "MOI-IG",
        "security_officer",
        "المقدم نادية فاضل الجبوري",
        "Lt. Col. Nadia Fadhil al-Jubouri",
        "IG-2077",
        "ar",
        [],
    ),
    (
        "commander.bgd",
        "BGD-POL",
        "commander",
        "العميد علي جبار الربيعي",
        "Brig. Ali Jabbar al-Rubaie",
        "BG-0007",
        "ar",
        [],
    ),
    (
        "legal",
        "MOI",
        "legal_adviser",
        "الرائد الحقوقي كريم صادق العزاوي",
        "Maj. Karim Sadiq al-Azzawi (legal adviser)",
        "BG-0150",
        "ar",
        [],
    ),
    (
        "investigator.karada",
        "BGD-KARADA",
        "investigator",
        "النقيب حيدر عبد الأمير الموسوي",
        "Capt. Haider Abdulameer al-Musawi",
        "BG-3321",
        "ar",
        [],
    ),
    (
        "investigator.mansour",
        "BGD-MANSOUR",
        "investigator",
        "الملازم أول سارة محمود الجبوري",
        "1st Lt. Sara Mahmoud al-Jubouri",
        "BG-3390",
        "ar",
        [],
    ),
    (
        "scene.karada",
        "BGD-KARADA",
        "scene_officer",
        "المفوض مصطفى ناظم التميمي",
        "Mustafa Nadhim al-Tamimi",
        "BG-4410",
        "ar",
        [],
    ),
    (
        "custodian.karada",
        "BGD-KARADA",
        "evidence_custodian",
        "نور الهدى صالح الكعبي",
        "Nour al-Huda Salih al-Kaabi",
        "BG-4512",
        "ar",
        [],
    ),
    (
        "examiner",
        "FOR-BGD-LAB",
        "lab_examiner",
        "د. رنا فاضل الخفاجي",
        "Dr. Rana Fadhil al-Khafaji",
        "FL-0210",
        "ar",
        [],
    ),
    (
        "lab.supervisor",
        "FOR-BGD-LAB",
        "lab_supervisor",
        "د. كريم عبد الله الزبيدي",
        "Dr. Karim Abdullah al-Zubaidi",
        "FL-0101",
        "ar",
        [],
    ),
    (
        "analyst",
        "MOI-OC",
        "analyst",
        "ياسر قاسم الدليمي",
        "Yasir Qasim al-Dulaimi",
        "OC-0777",
        "ar",
        [],
    ),
    (
        "ia.investigator",
        "MOI-IA",
        "ia_investigator",
        "هدى جاسم الشمري",
        "Huda Jasim al-Shammari",
        "IA-0305",
        "ar",
        ["internal_affairs"],
    ),
    (
        "ia.commander",
        "MOI-IA",
        "ia_commander",
        "اللواء سعد مهدي الحسيني",
        "Maj. Gen. Saad Mahdi al-Husseini",
        "IA-0001",
        "ar",
        ["internal_affairs"],
    ),
    (
        "training",
        "MOI-ACAD",
        "training_manager",
        "العقيد فراس نوري البياتي",
        "Col. Firas Nouri al-Bayati",
        "AC-0150",
        "ar",
        [],
    ),
    (
        "instructor",
        "MOI-ACAD",
        "instructor",
        "المقدم لمى عادل السامرائي",
        "Lt. Col. Lama Adil al-Samarrai",
        "AC-0188",
        "ar",
        [],
    ),
    (
        "investigator.basra",
        "BSR-ASHAR",
        "investigator",
        "الرائد عقيل عبد الحسين المالكي",
        "Maj. Aqeel Abdulhussein al-Maliki",
        "BA-2201",
        "ar",
        [],
    ),
    (
        "investigator.erbil",
        "ARB-CENTER",
        "investigator",
        "ئاراس عومەر محەمەد",
        "Aras Omar Mohammed",
        "AR-5120",
        "ckb",
        [],
    ),
    ("donor", "MOI", "donor_officer", "سارة وليامز", "Sarah Williams", "", "en", []),
]


# Where a user's role is granted when it is not their home unit (ministry-wide roles).
GRANTED_AT = {
    "admin": "MOI",
    "auditor": "MOI",
    "donor": "MOI",
    "security": "MOI",
    "legal": "MOI",
}


def demo_key(username: str) -> str:
    """A fixed, public TOTP key per demo user, so `dalil demo-otp` can print the current code."""
    return hashlib.sha1(f"dalil-demo-totp:{username}".encode(), usedforsecurity=False).hexdigest()


def _waiting_grant() -> None:
    """The administrator has asked for the analyst's role for the Mansour investigator: it waits
    for a second person (ADR 0014), so the security officer's "Grant requests" has work."""
    officer = User.objects.get(username="investigator.mansour")
    analyst = Role.objects.get(code="analyst")
    if not Assignment.objects.filter(user=officer, role=analyst).exists():
        access_services.assignment_grant(
            actor=User.objects.get(username="admin"), user=officer, role=analyst, unit=officer.unit
        )


def load() -> dict[str, Any]:
    created = {"units": 0, "users": 0}
    with audit.ledger.source("cli:demo"), transaction.atomic():
        for code, parent, kind, ar, ckb, en, gov in UNITS:
            if Unit.objects.filter(code=code).exists():
                continue
            services.unit_create(
                actor=ACTOR,
                parent=Unit.objects.get(code=parent) if parent else None,
                code=code,
                kind=kind,
                name_ar=ar,
                name_ckb=ckb,
                name_en=en,
                governorate=Governorate.objects.get(code=gov) if gov else None,
            )
            created["units"] += 1
        for username, unit, role, name, latin, badge, lang, compartments in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = services.operator_user_create(
                    actor=ACTOR,
                    unit=Unit.objects.get(code=unit),
                    username=username,
                    full_name=name,
                    full_name_latin=latin,
                    badge_number=badge,
                    language=lang,
                    password=DEMO_PASSWORD,
                )
                auth.enrol_fixed_key(actor=ACTOR, user=user, key_hex=demo_key(username))
                created["users"] += 1
            role_obj = Role.objects.get(code=role)
            unit_obj = Unit.objects.get(code=GRANTED_AT.get(username, unit))
            if not Assignment.objects.filter(user=user, role=role_obj, unit=unit_obj).exists():
                access_services.assignment_grant(
                    actor=ACTOR, user=user, role=role_obj, unit=unit_obj
                )
            for comp in compartments:
                compartment = Compartment.objects.get(code=comp)
                if not Clearance.objects.filter(user=user, compartment=compartment).exists():
                    access_services.clearance_grant(actor=ACTOR, user=user, compartment=compartment)
        _waiting_grant()
        if created["units"] or created["users"]:
            audit.record(actor=ACTOR, action="accounts.demo_loaded", payload=created)
    return created
