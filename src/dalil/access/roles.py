"""The roles PRODUCT.md's personas need, as data. Migrations call `sync()` to add what is missing;
an administrator may add permissions to a role, and `sync()` never removes them."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

CORE_READ = ["accounts.unit.view"]
FILES = ["core.file.view", "core.file.upload"]
ENTITIES = ["parties.entity.view", "parties.entity.manage"]
CASES_READ = ["cases.case.view"]
CASES_WORK = ["cases.case.view", "cases.case.create"]

# code: (Arabic, Sorani, English, permissions)
ROLES: dict[str, tuple[str, str, str, list[str]]] = {
    "system_admin": (
        "مدير النظام",
        "بەڕێوەبەری سیستەم",
        "System administrator",
        [
            "accounts.unit.view",
            "accounts.unit.manage",
            "accounts.user.view",
            "accounts.user.manage",
            "access.role.view",
            "access.role.manage",
            "access.assignment.manage",
            "jobs.job.view_all",
        ],
    ),
    "auditor": (
        "مدقق",
        "وردبین",
        "Auditor",
        [
            "audit.ledger.view",
            "audit.ledger.verify",
            "audit.alert.view",
            "access.explain",
            "access.role.view",
            "accounts.unit.view",
            "accounts.user.view",
        ],
    ),
    # The second person for grants that open content (ADR 0014): approves what administrators
    # request, administers nothing and reads no case.
    "security_officer": (
        "مسؤول أمن المعلومات",
        "بەرپرسی ئاسایشی زانیاری",
        "Security officer (approves grants)",
        [*CORE_READ, "access.grant.approve"],
    ),
    "commander": (
        "آمر الوحدة",
        "فەرماندەی یەکە",
        "Commander / inspector",
        [
            *CORE_READ,
            "accounts.user.view",
            "core.file.view",
            "access.break_glass",
            "access.grant.approve",
            *CASES_READ,
            "cases.case.manage",
            "parties.entity.view",
            "evidence.item.view",
            "evidence.disposition.approve",
        ],
    ),
    "investigator": (
        "محقق",
        "لێکۆڵەر",
        "Investigator",
        [*CORE_READ, *FILES, *CASES_WORK, *ENTITIES],
    ),
    "scene_officer": (
        "ضابط مسرح الجريمة",
        "ئەفسەری شوێنی تاوان",
        "Crime-scene officer",
        [*CORE_READ, *FILES, *CASES_WORK, "parties.entity.view", "scenes.scene.record"],
    ),
    "evidence_custodian": (
        "أمين المبرزات الجرمية",
        "پارێزەری بەڵگەکان",
        "Evidence custodian",
        [*CORE_READ, *FILES, "evidence.item.view", "evidence.custody.manage"],
    ),
    "lab_examiner": (
        "خبير أدلة جنائية",
        "شارەزای تاقیگە",
        "Forensic examiner",
        [*CORE_READ, *FILES, *CASES_READ, "labs.work.view"],
    ),
    "lab_supervisor": (
        "مشرف المختبر",
        "سەرپەرشتیاری تاقیگە",
        "Lab supervisor",
        [
            *CORE_READ,
            *FILES,
            "accounts.user.view",
            *CASES_READ,
            "labs.work.view",
            "labs.request.receive",
            # The laboratory's intake store and its register (LB-2), as a unit's custodian.
            "evidence.item.view",
            "evidence.custody.manage",
        ],
    ),
    "analyst": (
        "محلل معلومات جنائية",
        "شیکەرەوەی زانیاری تاوان",
        "Criminal-intelligence analyst",
        [*CORE_READ, *FILES, *CASES_READ, *ENTITIES],
    ),
    # Receives the register's disputed points of law (a death-penalty order past six months without
    # the criminal court's permission, ADR 0011) for the cases of the unit and the units below.
    "legal_adviser": (
        "المستشار القانوني",
        "ڕاوێژکاری یاسایی",
        "Legal adviser",
        [*CORE_READ, *CASES_READ, "detention.legal_question.receive", "detention.penalty.manage"],
    ),
    "ia_investigator": (
        "محقق الشؤون الداخلية",
        "لێکۆڵەری کاروباری ناوخۆ",
        "Internal-affairs investigator",
        [*CORE_READ, *FILES, "detention.referral.view"],
    ),
    "ia_commander": (
        "آمر الشؤون الداخلية",
        "فەرماندەی کاروباری ناوخۆ",
        "Internal-affairs commander",
        [
            *CORE_READ,
            *FILES,
            "accounts.user.view",
            "access.clearance.manage",
            "detention.referral.view",
        ],
    ),
    "training_manager": (
        "مدير التدريب",
        "بەڕێوەبەری ڕاهێنان",
        "Training manager",
        [*CORE_READ, "accounts.user.view"],
    ),
    "instructor": ("مدرب", "ڕاهێنەر", "Instructor", [*CORE_READ]),
    "donor_officer": (
        "موظف برنامج المانحين",
        "فەرمانبەری بەرنامەی بەخشەران",
        "Donor programme officer",
        [],
    ),
}

COMPARTMENTS = {
    "internal_affairs": ("الشؤون الداخلية", "کاروباری ناوخۆ", "Internal affairs"),
    "informants": ("المصادر السرية", "سەرچاوە نهێنییەکان", "Confidential informants"),
}


def sync(apps: Any) -> None:
    """Create missing roles, permissions and compartments (used from data migrations)."""
    Role = apps.get_model("access", "Role")
    RolePermission = apps.get_model("access", "RolePermission")
    Compartment = apps.get_model("access", "Compartment")
    # Seeded permissions are the operator's: in force at once (from migration 0003 on, the
    # model records approval; the earlier migration's model has no such field).
    now = timezone.now()
    fields = {f.name for f in RolePermission._meta.get_fields()}
    approved = {"approved_at": now, "requested_at": now} if "approved_at" in fields else {}
    for code, (ar, ckb, en, perms) in ROLES.items():
        role, _ = Role.objects.get_or_create(
            code=code, defaults={"name_ar": ar, "name_ckb": ckb, "name_en": en}
        )
        have = set(RolePermission.objects.filter(role=role).values_list("code", flat=True))
        RolePermission.objects.bulk_create(
            [RolePermission(role=role, code=p, **approved) for p in perms if p not in have]
        )
    for code, (ar, ckb, en) in COMPARTMENTS.items():
        Compartment.objects.get_or_create(
            code=code, defaults={"name_ar": ar, "name_ckb": ckb, "name_en": en}
        )
