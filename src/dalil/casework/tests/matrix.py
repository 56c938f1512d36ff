"""Permission-matrix declaration for the case-work pages and API (tests/permission_matrix.py).

The object classes are those of the case pages (dalil.cases.tests.matrix): "own" (a BGD-KARADA
case), "other" (a BGD-MANSOUR case), "member" (a BGD-MANSOUR case where the requesting user is an
observer member) and "lead" (a BGD-MANSOUR case the requesting user leads); each request gets a
fresh case, and a fresh task, journal entry or document in it. Reading follows the case's "view";
writing its "work" (the lead, investigator members, commanders): in these classes, the same roles
as managing the case.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from dalil.cases.tests.matrix import EVERYONE, MANAGE, VIEW, _objects

WORK = MANAGE


def _task(status: str = "open") -> Any:
    def extra(w: Any, me: Any, case: Any) -> dict[str, Any]:
        from dalil.casework.models import Task

        task = Task.objects.create(case=case, title="مهمة", status=status)
        return {"pk": task.pk}

    return extra


def _entry(w: Any, me: Any, case: Any) -> dict[str, Any]:
    """A journal entry written by the requesting user (only its author may amend it)."""
    from dalil.casework.models import JournalEntry, JournalVersion

    now = timezone.now()
    entry = JournalEntry.objects.create(case=case, author=me, occurred_at=now)
    JournalVersion.objects.create(entry=entry, number=1, text="نص", occurred_at=now, author=me)
    return {"pk": entry.pk}


def _document(w: Any, me: Any, case: Any) -> dict[str, Any]:
    from dalil.casework.models import Document
    from dalil.core import vault

    with transaction.atomic():
        stored = vault.store_upload(
            actor=case.lead,
            unit=case.unit,
            upload=SimpleUploadedFile("a.txt", b"matrix", content_type="text/plain"),
        )
    doc = Document.objects.create(case=case, title="تقرير", kind="report", stored=stored)
    return {"pk": doc.pk}


def _upload(w: Any, me: Any) -> dict[str, Any]:
    return {
        "title": "تقرير الكشف",
        "kind": "report",
        "file": SimpleUploadedFile("report.txt", b"report", content_type="text/plain"),
    }


MATRIX: list[dict[str, Any]] = [
    # Tasks
    {"route": "casework:task_list", "methods": ("GET",), "objects": _objects(), "allowed": VIEW},
    {
        "route": "casework:task_create",
        "methods": ("GET", "POST"),
        "objects": _objects(),
        "allowed": WORK,
        "data": lambda w, me: {"title": "مهمة جديدة", "priority": "normal"},
    },
    {
        "route": "casework:task_detail",
        "methods": ("GET",),
        "objects": _objects(_task()),
        "allowed": VIEW,
    },
    {
        "route": "casework:task_edit",
        "methods": ("GET", "POST"),
        "objects": _objects(_task()),
        "allowed": WORK,
        "data": lambda w, me: {"title": "مهمة معدلة", "priority": "high"},
    },
    {
        "route": "casework:task_complete",
        "methods": ("POST",),
        "objects": _objects(_task()),
        "allowed": WORK,
    },
    {
        "route": "casework:task_reopen",
        "methods": ("POST",),
        "objects": _objects(_task("done")),
        "allowed": WORK,
    },
    {
        "route": "casework:task_cancel",
        "methods": ("GET", "POST"),
        "objects": _objects(_task()),
        "allowed": WORK,
        "data": lambda w, me: {"reason": "لم تعد المهمة مطلوبة بعد الضبط"},
    },
    {"route": "mywork:tasks", "methods": ("GET",), "allowed": EVERYONE},
    # Journal
    {
        "route": "casework:journal_list",
        "methods": ("GET",),
        "objects": _objects(),
        "allowed": VIEW,
    },
    {
        "route": "casework:journal_create",
        "methods": ("GET", "POST"),
        "objects": _objects(),
        "allowed": WORK,
        "data": lambda w, me: {"text": "وصول الدورية إلى المكان"},
    },
    {
        "route": "casework:journal_detail",
        "methods": ("GET",),
        "objects": _objects(_entry, per_user=True),
        "allowed": VIEW,
    },
    {
        "route": "casework:journal_amend",
        "methods": ("GET", "POST"),
        "objects": _objects(_entry, per_user=True),
        "allowed": WORK,
        "data": lambda w, me: {"version": 1, "text": "نص مصحح", "reason": "تصحيح خطأ في النص"},
    },
    # Documents
    {
        "route": "casework:document_list",
        "methods": ("GET",),
        "objects": _objects(),
        "allowed": VIEW,
    },
    {
        "route": "casework:document_create",
        "methods": ("GET", "POST"),
        "objects": _objects(),
        "allowed": WORK,
        "data": _upload,
    },
    {
        "route": "casework:document_download",
        "methods": ("GET",),
        "objects": _objects(_document),
        "allowed": VIEW,
    },
    {
        "route": "casework:document_withdraw",
        "methods": ("GET", "POST"),
        "objects": _objects(_document),
        "allowed": WORK,
        "data": lambda w, me: {"reason": "رُفع في قضية أخرى خطأً"},
    },
    # Timeline
    {"route": "casework:timeline", "methods": ("GET",), "objects": _objects(), "allowed": VIEW},
    # The API
    {
        "route": "api:case-task-list",
        "methods": ("GET", "POST"),
        "api": "token",
        "objects": _objects(),
        "allowed": VIEW,
        "allowed_for": {"POST": WORK},
        "data": lambda w, me: {"title": "مهمة عبر الواجهة"},
    },
    {
        "route": "api:case-task-detail",
        "methods": ("GET",),
        "api": "token",
        "objects": _objects(_task()),
        "allowed": VIEW,
    },
    {
        "route": "api:case-task-complete",
        "methods": ("POST",),
        "api": "token",
        "objects": _objects(_task()),
        "allowed": WORK,
        "data": lambda w, me: {},
    },
    {
        "route": "api:case-journal-list",
        "methods": ("GET", "POST"),
        "api": "token",
        "objects": _objects(),
        "allowed": VIEW,
        "allowed_for": {"POST": WORK},
        "data": lambda w, me: {"text": "قيد عبر الواجهة"},
    },
    {
        "route": "api:case-journal-detail",
        "methods": ("GET",),
        "api": "token",
        "objects": _objects(_entry, per_user=True),
        "allowed": VIEW,
    },
    {
        "route": "api:case-journal-amend",
        "methods": ("POST",),
        "api": "token",
        "objects": _objects(_entry, per_user=True),
        "allowed": WORK,
        "data": lambda w, me: {"version": 1, "text": "نص مصحح", "reason": "تصحيح خطأ في النص"},
    },
]
