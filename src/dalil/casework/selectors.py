"""Every read of case work, scoped through the door for the reader."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.utils import timezone

from dalil import access
from dalil.accounts.models import User
from dalil.cases.models import Case

from .models import Document, JournalEntry, JournalVersion, Task

# --- Tasks ----------------------------------------------------------------------------------------
# Querysets annotated with `overdue`, `status_rank` and `priority_rank` (django-stubs cannot see
# annotations through a function boundary, hence Any).
TaskRows = QuerySet[Any]


def with_overdue(qs: QuerySet[Task]) -> TaskRows:
    """`overdue` (open, due before today in Baghdad) and `priority_rank` (urgent first) in SQL,
    so lists can filter and sort on them."""
    today = timezone.localdate()
    return qs.annotate(
        overdue=models.Case(
            models.When(status=Task.Status.OPEN, due_on__lt=today, then=Value(True)),
            default=Value(False),
            output_field=models.BooleanField(),
        ),
        status_rank=models.Case(
            models.When(status=Task.Status.OPEN, then=Value(0)),
            models.When(status=Task.Status.DONE, then=Value(1)),
            default=Value(2),
            output_field=models.IntegerField(),
        ),
        priority_rank=models.Case(
            *[models.When(priority=p, then=Value(r)) for p, r in Task.PRIORITY_RANK.items()],
            default=Value(9),
            output_field=models.IntegerField(),
        ),
    )


def task_list(actor: Any, case: Case) -> TaskRows:
    qs = Task.objects.filter(case=case).select_related("assignee", "case")
    return with_overdue(access.scope(actor, "view", qs)).order_by(
        "status_rank", "-overdue", models.F("due_on").asc(nulls_last=True), "priority_rank", "pk"
    )


def assignees_of(tasks: TaskRows) -> QuerySet[User]:
    """The people who hold the tasks of a list (for its filter)."""
    return User.objects.filter(pk__in=tasks.values("assignee_id")).order_by("full_name", "pk")


def task_for(actor: Any, case: Case, pk: int, action: str = "view") -> Task:
    qs = Task.objects.filter(case=case).select_related("case", "case__unit", "assignee")
    return access.get_or_404(actor, action, qs, pk=pk)


def open_tasks_first_overdue(qs: QuerySet[Task]) -> TaskRows:
    return with_overdue(qs.filter(status=Task.Status.OPEN)).order_by(
        "-overdue", models.F("due_on").asc(nulls_last=True), "priority_rank", "pk"
    )


def my_tasks(actor: Any) -> TaskRows:
    """The reader's open tasks in every case they may see, overdue first, then by due date."""
    if not getattr(actor, "is_authenticated", False):
        return Task.objects.none()
    qs = Task.objects.filter(assignee_id=actor.pk).select_related("case", "case__unit")
    return open_tasks_first_overdue(access.scope(actor, "view", qs))


def my_overdue_count(actor: Any) -> int:
    """The badge on "My tasks": the reader's open tasks already past their due date. It is on
    every page: when nothing assigned to the reader is overdue at all (the usual answer), the
    count is 0 without weighing the door's rules, which only ever narrow it."""
    if not getattr(actor, "is_authenticated", False):
        return 0
    assigned = with_overdue(Task.objects.filter(assignee_id=actor.pk))
    if not assigned.filter(overdue=True).exists():
        return 0
    return my_tasks(actor).filter(overdue=True).count()


# --- Journal --------------------------------------------------------------------------------------
def _current(qs: QuerySet[JournalEntry]) -> QuerySet[JournalEntry]:
    """Each entry with the text of its current version (`text`) and the original author."""
    current = JournalVersion.objects.filter(entry=OuterRef("pk"), number=OuterRef("version"))
    return qs.annotate(text=Subquery(current.values("text")[:1]))


def journal_list(actor: Any, case: Case) -> QuerySet[JournalEntry]:
    qs = JournalEntry.objects.filter(case=case).select_related("author", "case")
    return _current(access.scope(actor, "view", qs)).order_by("-occurred_at", "-pk")


def journal_entry_for(actor: Any, case: Case, pk: int) -> JournalEntry:
    qs = _current(JournalEntry.objects.filter(case=case).select_related("author", "case"))
    return access.get_or_404(actor, "view", qs, pk=pk)


def journal_versions(actor: Any, entry: JournalEntry) -> QuerySet[JournalVersion]:
    qs = JournalVersion.objects.filter(entry=entry).select_related("author")
    return access.scope(actor, "view", qs).order_by("number")


# --- Documents ------------------------------------------------------------------------------------
def document_list(actor: Any, case: Case) -> QuerySet[Document]:
    qs = Document.objects.filter(case=case).select_related(
        "stored", "stored__blob", "added_by", "withdrawn_by", "case"
    )
    return access.scope(actor, "view", qs).order_by("-added_at", "-pk")


def document_for(actor: Any, case: Case, pk: int) -> Document:
    qs = Document.objects.filter(case=case).select_related("stored", "stored__blob", "case")
    return access.get_or_404(actor, "view", qs, pk=pk)
