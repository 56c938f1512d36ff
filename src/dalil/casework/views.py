"""Case work pages (IN-4). The case is opened through the door first ("view" to read, "work" to
write: out of scope answers 404); rows through the selectors; writes through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dalil.accounts.selectors import history
from dalil.audit.selectors import annotate
from dalil.cases import contributions as contrib
from dalil.cases.models import Case
from dalil.cases.navigation import case_crumbs, case_url, closed_redirect
from dalil.cases.selectors import case_for, workable
from dalil.core.views import file_response
from dalil.ui.forms import form_page, post_action
from dalil.ui.lists import render_list

from . import selectors, services
from .filters import MyTaskFilter, TaskFilter
from .forms import AmendForm, DocumentForm, JournalForm, TaskCancelForm, TaskForm, WithdrawForm
from .models import Document, Task

TIMELINE_PER_PAGE = 100


def _task_url(task: Task) -> str:
    return reverse("casework:task_detail", args=[task.case.number, task.pk])


def _closed(request: HttpRequest, case: Case, back: str) -> HttpResponse | None:
    """A closed case takes no new tasks, journal entries or documents: back, with the reason."""
    return closed_redirect(request, case, back, services.closed_message())


# --- Tasks ----------------------------------------------------------------------------------------
@login_required
@require_GET
def task_list(request: HttpRequest, number: str) -> HttpResponse:
    case = case_for(request.user, number)
    tasks = selectors.task_list(request.user, case)
    filterset = TaskFilter(
        request.GET or None, queryset=tasks, assignees=selectors.assignees_of(tasks)
    )
    return render_list(
        request,
        "casework/task_list.html",
        filterset,
        {
            "case": case,
            "workable": workable(request.user, case),
            "breadcrumbs": case_crumbs(case, (_("Tasks"), None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, number: str) -> HttpResponse:
    case = case_for(request.user, number, "work")
    closed = _closed(request, case, case_url(case))
    if closed:
        return closed
    return form_page(
        request,
        TaskForm(request.POST or None, candidates=services.assignee_candidates(case)),
        lambda data: services.task_create(actor=request.user, case=case, **data),
        title=_("New task in %(number)s") % {"number": case.number},
        success=_("The task has been created."),
        then=_task_url,
        cancel_url=reverse("casework:task_list", args=[case.number]),
        submit_label=_("Create the task"),
    )


@login_required
@require_GET
def task_detail(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = case_for(request.user, number)
    task = selectors.task_for(request.user, case, pk)
    return render(
        request,
        "casework/task_detail.html",
        {
            "case": case,
            "task": task,
            "workable": workable(request.user, case),
            "history": annotate(history(request.user, task)),
            "breadcrumbs": case_crumbs(
                case,
                (_("Tasks"), reverse("casework:task_list", args=[case.number])),
                (task.title, None),
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = case_for(request.user, number, "work")
    task = selectors.task_for(request.user, case, pk)
    back = _task_url(task)
    closed = _closed(request, case, back)
    if closed:
        return closed
    initial = {
        "title": task.title,
        "description": task.description,
        "assignee": task.assignee_id,
        "due_on": task.due_on,
        "priority": task.priority,
    }
    form = TaskForm(
        request.POST or None, initial=initial, candidates=services.assignee_candidates(case)
    )
    return form_page(
        request,
        form,
        lambda data: services.task_update(actor=request.user, task=task, **data),
        title=_("Change the task “%(title)s”") % {"title": task.title},
        success=_("The task has been saved."),
        then=back,
        cancel_url=back,
    )


def _task_step(
    request: HttpRequest, number: str, pk: int, step: Callable[..., Any], done: str
) -> HttpResponse:
    case = case_for(request.user, number, "work")
    task = selectors.task_for(request.user, case, pk)
    return post_action(
        request, lambda: step(actor=request.user, task=task), success=done, then=_task_url(task)
    )


@login_required
@require_POST
def task_complete(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    return _task_step(request, number, pk, services.task_complete, _("The task is done."))


@login_required
@require_POST
def task_reopen(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    return _task_step(request, number, pk, services.task_reopen, _("The task has been reopened."))


@login_required
@require_http_methods(["GET", "POST"])
def task_cancel(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = case_for(request.user, number, "work")
    task = selectors.task_for(request.user, case, pk)
    back = _task_url(task)
    closed = _closed(request, case, back)
    if closed:
        return closed
    return form_page(
        request,
        TaskCancelForm(request.POST or None),
        lambda data: services.task_cancel(actor=request.user, task=task, **data),
        title=_("Cancel the task “%(title)s”") % {"title": task.title},
        success=_("The task has been cancelled."),
        then=back,
        cancel_url=back,
        submit_label=_("Cancel the task"),
        intro=_("The task stays in the case, marked as cancelled with your reason."),
        error_field="reason",
    )


@login_required
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    filterset = MyTaskFilter(request.GET or None, queryset=selectors.my_tasks(request.user))
    return render_list(
        request,
        "casework/my_tasks.html",
        filterset,
        {"breadcrumbs": [(_("My tasks"), None)], "today": timezone.localdate()},
    )


# --- Journal --------------------------------------------------------------------------------------
@login_required
@require_GET
def journal_list(request: HttpRequest, number: str) -> HttpResponse:
    case = case_for(request.user, number)
    page = Paginator(selectors.journal_list(request.user, case), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "casework/journal_list.html",
        {
            "case": case,
            "page": page,
            "workable": workable(request.user, case),
            "breadcrumbs": case_crumbs(case, (_("Journal"), None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def journal_create(request: HttpRequest, number: str) -> HttpResponse:
    case = case_for(request.user, number, "work")
    closed = _closed(request, case, case_url(case))
    if closed:
        return closed
    journal = reverse("casework:journal_list", args=[case.number])
    return form_page(
        request,
        JournalForm(request.POST or None),
        lambda data: services.journal_write(actor=request.user, case=case, **data),
        title=_("New journal entry in %(number)s") % {"number": case.number},
        success=_("The journal entry has been written."),
        then=journal,
        cancel_url=journal,
        submit_label=_("Write the entry"),
        intro=_(
            "An entry cannot be changed afterwards: it can only be amended by a new version, "
            "with the reason, and the earlier text stays in the record."
        ),
    )


@login_required
@require_GET
def journal_detail(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = case_for(request.user, number)
    entry = selectors.journal_entry_for(request.user, case, pk)
    return render(
        request,
        "casework/journal_detail.html",
        {
            "case": case,
            "entry": entry,
            "versions": selectors.journal_versions(request.user, entry),
            "can_amend": case.status != Case.Status.CLOSED
            and services.may_amend(request.user, entry),
            "history": annotate(history(request.user, entry)),
            "breadcrumbs": case_crumbs(
                case,
                (_("Journal"), reverse("casework:journal_list", args=[case.number])),
                (_("Entry %(n)s") % {"n": entry.pk}, None),
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def journal_amend(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = case_for(request.user, number, "work")
    entry = selectors.journal_entry_for(request.user, case, pk)
    back = reverse("casework:journal_detail", args=[case.number, entry.pk])
    closed = _closed(request, case, back)
    if closed:
        return closed
    form = AmendForm(
        request.POST or None,
        initial={
            "version": entry.version,
            "text": entry.text,  # type: ignore[attr-defined]
            "occurred_at": timezone.localtime(entry.occurred_at),
        },
    )
    return form_page(
        request,
        form,
        lambda data: services.journal_amend(actor=request.user, entry=entry, **data),
        title=_("Amend journal entry %(n)s") % {"n": entry.pk},
        success=_("The amendment has been recorded as a new version."),
        then=back,
        cancel_url=back,
        submit_label=_("Record the amendment"),
        intro=_("Your amendment becomes a new version; the earlier versions stay as they were."),
        error_field="text",
        conflicts=(services.Conflict,),
    )


# --- Documents ------------------------------------------------------------------------------------
@login_required
@require_GET
def document_list(request: HttpRequest, number: str) -> HttpResponse:
    case = case_for(request.user, number)
    return render(
        request,
        "casework/document_list.html",
        {
            "case": case,
            "documents": selectors.document_list(request.user, case),
            "workable": workable(request.user, case),
            "breadcrumbs": case_crumbs(case, (_("Documents"), None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, number: str) -> HttpResponse:
    case = case_for(request.user, number, "work")
    closed = _closed(request, case, case_url(case))
    if closed:
        return closed
    documents = reverse("casework:document_list", args=[case.number])

    def save(data: dict[str, Any]) -> Document:
        data = dict(data)
        upload = data.pop("file")
        return services.document_add(actor=request.user, case=case, upload=upload, **data)

    return form_page(
        request,
        DocumentForm(request.POST or None, request.FILES or None),
        save,
        title=_("Add a document to %(number)s") % {"number": case.number},
        success=lambda document: (
            _("The document has been added. SHA-256: %(sha)s") % {"sha": document.sha256}
        ),
        then=documents,
        cancel_url=documents,
        submit_label=_("Upload"),
        intro=_(
            "The file is stored under its SHA-256 fingerprint and can never be changed "
            "afterwards. A document is never deleted: it can be withdrawn, with a reason."
        ),
        error_field="file",
    )


@login_required
@require_GET
def document_download(request: HttpRequest, number: str, pk: int) -> HttpResponse | FileResponse:
    case = case_for(request.user, number)
    document = selectors.document_for(request.user, case, pk)
    return file_response(request, document.stored)


@login_required
@require_http_methods(["GET", "POST"])
def document_withdraw(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = case_for(request.user, number, "work")
    document = selectors.document_for(request.user, case, pk)
    back = reverse("casework:document_list", args=[case.number])
    closed = _closed(request, case, back)
    if closed:
        return closed
    return form_page(
        request,
        WithdrawForm(request.POST or None),
        lambda data: services.document_withdraw(actor=request.user, document=document, **data),
        title=_("Withdraw the document “%(title)s”") % {"title": document.title},
        success=_("The document has been withdrawn."),
        then=back,
        cancel_url=back,
        submit_label=_("Withdraw"),
        intro=_(
            "The document and its file stay in the record, marked as withdrawn with your reason."
        ),
        error_field="reason",
    )


# --- Timeline -------------------------------------------------------------------------------------
@login_required
@require_GET
def timeline(request: HttpRequest, number: str) -> HttpResponse:
    case = case_for(request.user, number)
    events = contrib.timeline(request.user, case)
    kinds = sorted({str(e.kind) for e in events})
    chosen = request.GET.get("kind", "")
    if chosen in kinds:
        events = [e for e in events if str(e.kind) == chosen]
    else:
        chosen = ""
    order = request.GET.get("order", "")
    if order == "oldest":
        events = list(reversed(events))
    page = Paginator(events, TIMELINE_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "casework/timeline.html",
        {
            "case": case,
            "page": page,
            "kinds": kinds,
            "chosen": chosen,
            "order": order,
            "breadcrumbs": case_crumbs(case, (_("Timeline"), None)),
        },
    )
