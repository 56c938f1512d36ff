"""Demonstration case work (idempotent) on the demo cases of dalil.cases.demo: tasks (two of them
overdue), journal entries (one amended), and two small generated documents. Written through the
services, by the demo investigators; the overdue deadlines, which predate the demo case files, are
recorded by the operator, as when an older paper file is brought in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dalil import audit
from dalil.accounts.models import User
from dalil.audit.ledger import System
from dalil.cases.models import Case

from . import services
from .models import Document, JournalEntry, Task

KARADA = "مقتل صاحب محل صيرفة في الكرادة داخل"
BASRA = "الاتجار بالمواد المخدرة عبر ميناء أم قصر"

# case title, title, description, assignee, due in days (negative: overdue), priority, done
TASKS: list[tuple[str, str, str, str, int, str, bool]] = [
    (
        KARADA,
        "طلب تسجيلات كاميرات المراقبة في شارع الكرادة داخل",
        "مخاطبة أصحاب المحلات المجاورة وبلدية الكرادة لتسليم تسجيلات ليلة الحادث.",
        "scene.karada",
        -3,
        "high",
        False,
    ),
    (
        KARADA,
        "استدعاء شقيق المجني عليه لأخذ إفادته",
        "",
        "investigator.karada",
        -1,
        "normal",
        False,
    ),
    (
        KARADA,
        "طلب كشف حركة حساب المحل من المصرف",
        "الكشف عن آخر ثلاثة أشهر لمعرفة المبالغ المودعة قبل الحادث.",
        "investigator.karada",
        5,
        "urgent",
        False,
    ),
    (
        KARADA,
        "إرسال المقذوفات المضبوطة إلى مختبر الأسلحة",
        "",
        "scene.karada",
        2,
        "normal",
        True,
    ),
    (
        BASRA,
        "مطابقة أرقام الحاوية مع بيان الشحن في ميناء أم قصر",
        "",
        "investigator.basra",
        7,
        "high",
        False,
    ),
]

# case title, author, hours ago, text, (amended text, reason) or None
JOURNAL: list[tuple[str, str, int, str, tuple[str, str] | None]] = [
    (
        KARADA,
        "investigator.karada",
        72,
        "الوصول إلى محل الصيرفة الساعة 23:10 وتطويق المكان. الباب الخارجي مكسور القفل.",
        (
            "الوصول إلى محل الصيرفة الساعة 23:40 وتطويق المكان. الباب الخارجي مكسور القفل.",
            "تصحيح ساعة الوصول وفق سجل الدورية.",
        ),
    ),
    (
        KARADA,
        "investigator.karada",
        48,
        "استماع أولي لإفادة الحارس الليلي: سمع صوت إطلاق نار نحو الساعة 22:50.",
        None,
    ),
    (
        BASRA,
        "investigator.basra",
        30,
        "تفتيش الحاوية بحضور ممثل الكمارك وضبط 40 كارتوناً من الحبوب المخدرة.",
        None,
    ),
]

STATEMENT = (
    "إفادة الحارس الليلي (نص تجريبي)\n"
    "أفاد بأنه سمع صوت إطلاق نار نحو الساعة العاشرة وخمسين دقيقة مساءً.\n"
).encode()

# The smallest well-formed PDF with one empty page: a placeholder scan for the demo.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# case title, added by, title, kind, file name, content type, content
DOCUMENTS: list[tuple[str, str, str, str, str, str, bytes]] = [
    (
        KARADA,
        "investigator.karada",
        "إفادة الحارس الليلي",
        "statement",
        "statement-guard.txt",
        "text/plain",
        STATEMENT,
    ),
    (
        KARADA,
        "investigator.karada",
        "كتاب طلب تسجيلات الكاميرات",
        "correspondence",
        "letter-cctv.pdf",
        "application/pdf",
        PDF,
    ),
]


def _context() -> tuple[dict[str, Case], dict[str, User]]:
    titles = {t[0] for t in TASKS} | {j[0] for j in JOURNAL} | {d[0] for d in DOCUMENTS}
    cases = {c.title: c for c in Case.objects.filter(title__in=titles).select_related("unit")}
    names = {t[3] for t in TASKS} | {j[1] for j in JOURNAL} | {d[1] for d in DOCUMENTS}
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    return cases, users


def _tasks(cases: dict[str, Case], users: dict[str, User]) -> int:
    made = 0
    today = timezone.localdate()
    for case_title, title, description, assignee, days, priority, done in TASKS:
        case = cases.get(case_title)
        if case is None or Task.objects.filter(case=case, title=title).exists():
            continue
        if case.status == Case.Status.CLOSED:
            continue
        due = today + dt.timedelta(days=days)
        opened = timezone.localdate(case.opened_at)
        actor: Any = case.lead if due >= opened else System("cli:demo")
        task = services.task_create(
            actor=actor,
            case=case,
            title=title,
            description=description,
            assignee=users.get(assignee),
            due_on=due,
            priority=priority,
        )
        if done:
            services.task_complete(actor=case.lead, task=task, note="أُرسلت بكتاب رسمي.")
        made += 1
    return made


def _journal(cases: dict[str, Case], users: dict[str, User]) -> int:
    made = 0
    now = timezone.now()
    for case_title, author, hours, text, amendment in JOURNAL:
        case, user = cases.get(case_title), users.get(author)
        if case is None or user is None or case.status == Case.Status.CLOSED:
            continue
        if JournalEntry.objects.filter(case=case, versions__number=1, versions__text=text).exists():
            continue
        entry = services.journal_write(
            actor=user, case=case, text=text, occurred_at=now - dt.timedelta(hours=hours)
        )
        if amendment:
            new_text, reason = amendment
            services.journal_amend(actor=user, entry=entry, version=1, text=new_text, reason=reason)
        made += 1
    return made


def _documents(cases: dict[str, Case], users: dict[str, User]) -> int:
    made = 0
    for case_title, author, title, kind, name, content_type, content in DOCUMENTS:
        case, user = cases.get(case_title), users.get(author)
        if case is None or user is None or case.status == Case.Status.CLOSED:
            continue
        if Document.objects.filter(case=case, title=title).exists():
            continue
        services.document_add(
            actor=user,
            case=case,
            title=title,
            kind=kind,
            upload=SimpleUploadedFile(name, content, content_type=content_type),
        )
        made += 1
    return made


def load() -> int:
    """Add the demonstration tasks, journal entries and documents that do not exist yet;
    returns how many were added (0 without the demo cases)."""
    with audit.ledger.source("cli:demo"):  # each service commits on its own (durable)
        cases, users = _context()
        return _tasks(cases, users) + _journal(cases, users) + _documents(cases, users)
