"""Every write of case work (IN-4): one service each, with its rule, the door check on the case
("work": the lead, the case's investigators, the unit's case managers) and one ledger entry in
the same transaction. A closed case takes no new work until it is reopened. Each service decides
inside its own durable transaction, through the cases app's door (`case_for_work`), which locks
the case row: work cannot slip in while the case is being closed.

The ledger carries the SHA-256 of journal texts rather than the texts: the chain then proves
every version without putting case narrative before readers of the ledger (auditors), who may
not read case content.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import access, audit
from dalil.accounts.models import User
from dalil.cases.models import Case
from dalil.cases.services import REASON_MIN, case_for_work
from dalil.core import dates, vault
from dalil.core.records import acting_user, apply_changes
from dalil.core.text import clean_fields

from .models import Document, JournalEntry, JournalVersion, Task

# Station clocks drift: a journal time a few minutes ahead is a clock, not a prophecy.
PICK_LIMIT = 300  # assignees offered in a form


class Conflict(Exception):
    """The journal entry was amended by someone else since the form was loaded (HTTP 409)."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "This journal entry was amended by someone else while you were working on it. "
                "Nothing was saved: reload the page to see the new version and try again."
            )
        )


def closed_message() -> str:
    """What the pages say before offering a form on a closed case (the services refuse with the
    cases app's one rule, `require_open`)."""
    return _(
        "The case is closed: it takes no new tasks, journal entries or documents. Reopen it first."
    )


def _door(actor: Any, case: Case, *, operator: bool = True) -> Case:
    """Work on the case, which must not be closed, inside the write's transaction (the case row
    locked). The operator's command line (demo data, the import of a paper file) passes the door,
    as for the cases app (ADR 0006), except where a person must answer for the write
    (`operator=False`: an upload has a named uploader)."""
    return case_for_work(actor, case, operator=operator)


def _reason(reason: str, field: str = "reason") -> str:
    reason = clean_fields(**{field: reason})[field]
    if len(reason) < REASON_MIN:
        raise ValidationError(
            {field: _("State the reason in at least %(n)d characters.") % {"n": REASON_MIN}}
        )
    return reason


# --- Tasks ----------------------------------------------------------------------------------------
def assignee_allowed(case: Case, user: User) -> bool:
    """An active member of the case or of its unit (or a unit below it) who may see the case."""
    if not user.is_active or user.locked_at:
        return False
    related = case.members.filter(user=user).exists() or (
        user.unit_id is not None and user.unit.path.startswith(case.unit.path)
    )
    return related and access.can(user, "view", case)


def assignee_candidates(case: Case) -> list[User]:
    """Whom a task of this case may be given to (for the forms; the service checks again)."""
    users = (
        User.objects.filter(is_active=True, locked_at__isnull=True)
        .filter(Q(case_memberships__case=case) | Q(unit__path__startswith=case.unit.path))
        .select_related("unit")
        .distinct()
        .order_by("full_name", "pk")
    )
    return access.users_who_can(users[:PICK_LIMIT], "view", case)


def _task_fields(
    case: Case,
    *,
    title: str,
    description: str,
    assignee: User | None,
    due_on: dt.date | None,
    priority: str,
    operator: bool = False,
) -> dict[str, Any]:
    cleaned = clean_fields(title=title, description=description)
    title, description = cleaned["title"], cleaned["description"]
    if not title:
        raise ValidationError({"title": _("Give the task a title.")})
    if priority not in Task.Priority.values:
        raise ValidationError({"priority": _("Choose a priority.")})
    dates.check_years(due_on=due_on)
    opened = timezone.localdate(case.opened_at)
    # A deadline before the file existed is a typing error; the operator importing an older
    # paper file (or the demo) may record the deadlines it already had.
    if due_on is not None and due_on < opened and not operator:
        raise ValidationError(
            {
                "due_on": _("The due date cannot be before the case was opened (%(date)s).")
                % {"date": opened.isoformat()}
            }
        )
    if assignee is not None and not assignee_allowed(case, assignee):
        raise ValidationError(
            {
                "assignee": _(
                    "A task can be given only to an active member of the case or of its unit "
                    "who may see the case."
                )
            }
        )
    return {
        "title": title,
        "description": description,
        "assignee": assignee,
        "due_on": due_on,
        "priority": priority,
    }


def _task_payload(task: Task) -> dict[str, Any]:
    return {
        "case": task.case.number,
        "task": task.pk,
        "title": task.title,
        "assignee": task.assignee.username if task.assignee else None,
        "due_on": task.due_on.isoformat() if task.due_on else None,
        "priority": task.priority,
    }


def task_create(
    *,
    actor: Any,
    case: Case,
    title: str,
    description: str = "",
    assignee: User | None = None,
    due_on: dt.date | None = None,
    priority: str = Task.Priority.NORMAL,
) -> Task:
    with transaction.atomic(durable=True):
        _door(actor, case)
        fields = _task_fields(
            case,
            title=title,
            description=description,
            assignee=assignee,
            due_on=due_on,
            priority=priority,
            operator=access.records_history(actor),
        )
        task = Task.objects.create(case=case, created_by=acting_user(actor), **fields)
        audit.record(
            actor=actor, action="casework.task_created", target=task, payload=_task_payload(task)
        )
    return task


def task_update(
    *,
    actor: Any,
    task: Task,
    title: str,
    description: str = "",
    assignee: User | None = None,
    due_on: dt.date | None = None,
    priority: str = Task.Priority.NORMAL,
) -> Task:
    """Change an open task. Nothing changed: nothing is written."""
    with transaction.atomic(durable=True):
        _door(actor, task.case)
        current = Task.objects.select_for_update().get(pk=task.pk)
        if current.status != Task.Status.OPEN:
            raise ValidationError(_("Only an open task can be changed. Reopen it first."))
        fields = _task_fields(
            task.case,
            title=title,
            description=description,
            assignee=assignee,
            due_on=due_on,
            priority=priority,
        )
        diff = apply_changes(task, fields)
        if not diff:
            return task
        task.save(update_fields=list(fields))
        audit.record(
            actor=actor,
            action="casework.task_changed",
            target=task,
            payload={**_task_payload(task), "changed": sorted(diff)},
        )
    return task


def _close(
    actor: Any, task: Task, *, frm: str, to: str, action: str, note: str, message: str
) -> Task:
    """Move a task from `frm` to `to` only if it is still there (two clicks, one change). Runs
    inside the caller's transaction, after its door."""
    now = timezone.now()
    closing = to != Task.Status.OPEN
    values = {
        "status": to,
        "closed_at": now if closing else None,
        "closed_by": acting_user(actor) if closing else None,
        "close_note": note if closing else "",
    }
    rows = Task.objects.filter(pk=task.pk, status=frm).update(**values)
    if rows != 1:
        raise ValidationError(message)
    for name, value in values.items():
        setattr(task, name, value)
    audit.record(
        actor=actor,
        action=action,
        target=task,
        payload={"case": task.case.number, "task": task.pk, "from": frm, "note": note},
    )
    return task


def task_complete(*, actor: Any, task: Task, note: str = "") -> Task:
    with transaction.atomic(durable=True):
        _door(actor, task.case)
        return _close(
            actor,
            task,
            frm=Task.Status.OPEN,
            to=Task.Status.DONE,
            action="casework.task_completed",
            note=clean_fields(note=note)["note"][:500],
            message=_("This task is not open: it cannot be marked as done."),
        )


def task_cancel(*, actor: Any, task: Task, reason: str) -> Task:
    with transaction.atomic(durable=True):
        _door(actor, task.case)
        return _close(
            actor,
            task,
            frm=Task.Status.OPEN,
            to=Task.Status.CANCELLED,
            action="casework.task_cancelled",
            note=_reason(reason)[:500],
            message=_("This task is not open: it cannot be cancelled."),
        )


def task_reopen(*, actor: Any, task: Task) -> Task:
    with transaction.atomic(durable=True):
        _door(actor, task.case)
        if task.status == Task.Status.OPEN:
            raise ValidationError(_("This task is already open."))
        return _close(
            actor,
            task,
            frm=task.status,
            to=Task.Status.OPEN,
            action="casework.task_reopened",
            note="",
            message=_("This task was changed by someone else. Reload the page."),
        )


# --- Journal --------------------------------------------------------------------------------------
def _occurred(value: dt.datetime | None, default: dt.datetime) -> dt.datetime:
    moment = dates.past_moment(
        "occurred_at",
        value or default,
        message=_("The time of the event cannot be in the future."),
    )
    assert moment is not None
    return moment


def _minute(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC).replace(second=0, microsecond=0)


def _text(value: str) -> str:
    value = clean_fields(text=value)["text"]
    if not value:
        raise ValidationError({"text": _("Write the text of the entry.")})
    return value


def journal_write(
    *, actor: Any, case: Case, text: str, occurred_at: dt.datetime | None = None
) -> JournalEntry:
    """Write a journal entry: the entry and its first version, one ledger entry."""
    with transaction.atomic(durable=True):
        _door(actor, case)
        text = _text(text)
        occurred_at = _occurred(occurred_at, timezone.now())
        entry = JournalEntry.objects.create(
            case=case, author=acting_user(actor), occurred_at=occurred_at, version=1
        )
        JournalVersion.objects.create(
            entry=entry, number=1, text=text, occurred_at=occurred_at, author=acting_user(actor)
        )
        audit.record(
            actor=actor,
            action="casework.journal_written",
            target=entry,
            payload={
                "case": case.number,
                "entry": entry.pk,
                "version": 1,
                "occurred_at": occurred_at.isoformat(),
                "text_sha256": audit.text_digest(text),
            },
        )
    return entry


def may_amend(actor: Any, entry: JournalEntry) -> bool:
    """Contemporaneous notes are their author's: only the author amends, while working on the
    case. Anyone else who works on the case writes a new entry."""
    return (
        entry.author_id is not None
        and entry.author_id == getattr(actor, "pk", None)
        and access.can(actor, "work", entry.case)
    )


def journal_amend(
    *,
    actor: Any,
    entry: JournalEntry,
    version: int,
    text: str,
    reason: str,
    occurred_at: dt.datetime | None = None,
) -> JournalVersion:
    """Amend by appending version n+1 with its reason; the earlier versions stay as they were."""
    with transaction.atomic(durable=True):
        _door(actor, entry.case)
        if entry.author_id is None or entry.author_id != getattr(actor, "pk", None):
            raise ValidationError(
                _("Only the author of a journal entry may amend it. Write a new entry instead.")
            )
        text = _text(text)
        reason = _reason(reason)
        current = JournalVersion.objects.filter(entry=entry, number=version).first()
        latest = (
            JournalEntry.objects.select_for_update()
            .filter(pk=entry.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is None or latest != version:
            raise Conflict()
        if occurred_at is not None and _minute(occurred_at) == _minute(current.occurred_at):
            occurred_at = None  # the form shows minutes: the same minute is the same time
        occurred_at = _occurred(occurred_at, current.occurred_at)
        if text == current.text and occurred_at == current.occurred_at:
            raise ValidationError(
                {
                    "text": _(
                        "The amendment changes nothing: the text and the time are those of the "
                        "current version."
                    )
                }
            )
        rows = JournalEntry.objects.filter(pk=entry.pk, version=version).update(
            version=F("version") + 1, occurred_at=occurred_at
        )
        if rows != 1:
            raise Conflict()
        amended = JournalVersion.objects.create(
            entry=entry,
            number=version + 1,
            text=text,
            occurred_at=occurred_at,
            reason=reason,
            author=acting_user(actor),
        )
        entry.version, entry.occurred_at = version + 1, occurred_at
        audit.record(
            actor=actor,
            action="casework.journal_amended",
            target=entry,
            payload={
                "case": entry.case.number,
                "entry": entry.pk,
                "version": amended.number,
                "occurred_at": occurred_at.isoformat(),
                "text_sha256": audit.text_digest(text),
                "reason": reason,
            },
        )
    return amended


# --- Documents ------------------------------------------------------------------------------------
def _upload_size(upload: Any) -> None:
    """Clear messages before the vault streams anything (the vault checks again as it goes)."""
    if upload is None:
        raise ValidationError({"file": _("Choose the file to upload.")})
    size = getattr(upload, "size", None)
    if size == 0:
        raise ValidationError({"file": _("The file is empty. Choose a file with content.")})
    limit = settings.DALIL_VAULT_MAX_BYTES
    if size is not None and size > limit:
        raise ValidationError(
            {
                "file": _("The file is larger than the limit of %(mb)d MB.")
                % {"mb": limit // (1024 * 1024)}
            }
        )


def document_add(
    *,
    actor: Any,
    case: Case,
    title: str,
    kind: str,
    upload: Any,
    dated_on: dt.date | None = None,
) -> Document:
    """Put a file in the vault and attach it to the case. The row keeps the hash of the ledger
    entry that recorded it (for the referral dossier)."""
    with transaction.atomic(durable=True):
        _door(actor, case, operator=False)
        title = clean_fields(title=title)["title"]
        if not title:
            raise ValidationError({"title": _("Give the document a title.")})
        if kind not in Document.Kind.values:
            raise ValidationError({"kind": _("Choose the kind of document.")})
        dates.check_years(dated_on=dated_on)
        if dated_on is not None and dated_on > timezone.localdate():
            raise ValidationError({"dated_on": _("The date cannot be in the future.")})
        _upload_size(upload)
        try:
            stored = vault.store_upload(
                actor=actor, unit=case.unit, upload=upload, attached_to="casework.document"
            )
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
        document = Document.objects.create(
            case=case,
            title=title,
            kind=kind,
            dated_on=dated_on,
            stored=stored,
            added_by=acting_user(actor),
        )
        entry = audit.record(
            actor=actor,
            action="casework.document_added",
            target=document,
            payload={
                "case": case.number,
                "document": document.pk,
                "title": title,
                "kind": kind,
                "dated_on": dated_on.isoformat() if dated_on else None,
                "file": stored.pk,
                "name": stored.original_name,
                "sha256": stored.blob_id,
            },
        )
        Document.objects.filter(pk=document.pk).update(ledger_seq=entry.seq, ledger_hash=entry.hash)
        document.ledger_seq, document.ledger_hash = entry.seq, entry.hash
    return document


def document_withdraw(*, actor: Any, document: Document, reason: str) -> Document:
    """Withdraw a document from the file: the row and the content stay, flagged, with why."""
    with transaction.atomic(durable=True):
        _door(actor, document.case)
        reason = _reason(reason)
        now = timezone.now()
        rows = Document.objects.filter(pk=document.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_by=acting_user(actor), withdrawal_reason=reason
        )
        if rows != 1:
            raise ValidationError(_("This document has already been withdrawn."))
        document.withdrawn_at, document.withdrawn_by = now, acting_user(actor)
        document.withdrawal_reason = reason
        audit.record(
            actor=actor,
            action="casework.document_withdrawn",
            target=document,
            payload={
                "case": document.case.number,
                "document": document.pk,
                "sha256": document.stored.blob_id,
                "reason": reason,
            },
        )
    return document
