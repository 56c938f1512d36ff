"""Case work pages (IN-4). The case is opened through the door first ("view" to read, "work" to
write: out of scope answers 404); rows through the selectors; writes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dalil import access
from dalil.accounts.selectors import history
from dalil.audit.selectors import annotate
from dalil.cases import contrib
from dalil.cases.models import Case
from dalil.core.forms import apply_errors
from dalil.core.views import file_response
from dalil.ui.lists import render_list

from . import selectors, services
from .filters import MyTaskFilter, TaskFilter
from .forms import AmendForm, DocumentForm, JournalForm, TaskCancelForm, TaskForm, WithdrawForm

TIMELINE_PER_PAGE = 100


def _case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.number])


def _crumbs(case: Case, *rest: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (_("Cases"), reverse("cases:list")),
        (case.number, _case_url(case)),
        *rest,
    ]


def _workable(request: HttpRequest, case: Case) -> bool:
    return case.status != Case.Status.CLOSED and access.can(request.user, "work", case)


def _closed(request: HttpRequest, case: Case, back: str) -> HttpResponse | None:
    """A closed case takes no new work: say so and go back instead of showing a form."""
    if case.status == Case.Status.CLOSED:
        messages.error(request, services.closed_message())
        return redirect(back)
    return None


def _form_page(
    request: HttpRequest, form: Any, title: str, cancel: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "ui/form_page.html",
        {"form": form, "title": title, "cancel_url": cancel, **extra},
    )


# --- Tasks ----------------------------------------------------------------------------------------
@login_required
@require_GET
def task_list(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_for(request.user, number)
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
            "workable": _workable(request, case),
            "breadcrumbs": _crumbs(case, (_("Tasks"), None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_for(request.user, number, "work")
    closed = _closed(request, case, _case_url(case))
    if closed:
        return closed
    form = TaskForm(request.POST or None, candidates=services.assignee_candidates(case))
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_create(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The task has been created."))
            return redirect("casework:task_detail", case.number, task.pk)
    return _form_page(
        request,
        form,
        _("New task in %(number)s") % {"number": case.number},
        reverse("casework:task_list", args=[case.number]),
        submit_label=_("Create the task"),
    )


@login_required
@require_GET
def task_detail(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, number)
    task = selectors.task_for(request.user, case, pk)
    return render(
        request,
        "casework/task_detail.html",
        {
            "case": case,
            "task": task,
            "workable": _workable(request, case),
            "history": annotate(history(request.user, task)),
            "breadcrumbs": _crumbs(
                case,
                (_("Tasks"), reverse("casework:task_list", args=[case.number])),
                (task.title, None),
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, number, "work")
    task = selectors.task_for(request.user, case, pk)
    back = reverse("casework:task_detail", args=[case.number, task.pk])
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
    if request.method == "POST" and form.is_valid():
        try:
            services.task_update(actor=request.user, task=task, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The task has been saved."))
            return redirect(back)
    return _form_page(request, form, _("Change the task “%(title)s”") % {"title": task.title}, back)


def _task_step(request: HttpRequest, number: str, pk: int, step: str) -> HttpResponse:
    case = selectors.case_for(request.user, number, "work")
    task = selectors.task_for(request.user, case, pk)
    try:
        if step == "complete":
            services.task_complete(actor=request.user, task=task)
            messages.success(request, _("The task is done."))
        else:
            services.task_reopen(actor=request.user, task=task)
            messages.success(request, _("The task has been reopened."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("casework:task_detail", case.number, task.pk)


@login_required
@require_POST
def task_complete(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    return _task_step(request, number, pk, "complete")


@login_required
@require_POST
def task_reopen(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    return _task_step(request, number, pk, "reopen")


@login_required
@require_http_methods(["GET", "POST"])
def task_cancel(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, number, "work")
    task = selectors.task_for(request.user, case, pk)
    back = reverse("casework:task_detail", args=[case.number, task.pk])
    closed = _closed(request, case, back)
    if closed:
        return closed
    form = TaskCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_cancel(actor=request.user, task=task, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc, default_field="reason")
        else:
            messages.success(request, _("The task has been cancelled."))
            return redirect(back)
    return _form_page(
        request,
        form,
        _("Cancel the task “%(title)s”") % {"title": task.title},
        back,
        submit_label=_("Cancel the task"),
        intro=_("The task stays in the case, marked as cancelled with your reason."),
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
    case = selectors.case_for(request.user, number)
    page = Paginator(selectors.journal_list(request.user, case), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "casework/journal_list.html",
        {
            "case": case,
            "page": page,
            "workable": _workable(request, case),
            "breadcrumbs": _crumbs(case, (_("Journal"), None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def journal_create(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_for(request.user, number, "work")
    closed = _closed(request, case, _case_url(case))
    if closed:
        return closed
    form = JournalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_write(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The journal entry has been written."))
            return redirect("casework:journal_list", case.number)
    return _form_page(
        request,
        form,
        _("New journal entry in %(number)s") % {"number": case.number},
        reverse("casework:journal_list", args=[case.number]),
        submit_label=_("Write the entry"),
        intro=_(
            "An entry cannot be changed afterwards: it can only be amended by a new version, "
            "with the reason, and the earlier text stays in the record."
        ),
    )


@login_required
@require_GET
def journal_detail(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, number)
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
            "breadcrumbs": _crumbs(
                case,
                (_("Journal"), reverse("casework:journal_list", args=[case.number])),
                (_("Entry %(n)s") % {"n": entry.pk}, None),
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def journal_amend(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, number, "work")
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
    if request.method == "POST" and form.is_valid():
        try:
            services.journal_amend(actor=request.user, entry=entry, **form.cleaned_data)
        except services.Conflict as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            apply_errors(form, exc, default_field="text")
        else:
            messages.success(request, _("The amendment has been recorded as a new version."))
            return redirect(back)
    return _form_page(
        request,
        form,
        _("Amend journal entry %(n)s") % {"n": entry.pk},
        back,
        submit_label=_("Record the amendment"),
        intro=_("Your amendment becomes a new version; the earlier versions stay as they were."),
    )


# --- Documents ------------------------------------------------------------------------------------
@login_required
@require_GET
def document_list(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_for(request.user, number)
    return render(
        request,
        "casework/document_list.html",
        {
            "case": case,
            "documents": selectors.document_list(request.user, case),
            "workable": _workable(request, case),
            "breadcrumbs": _crumbs(case, (_("Documents"), None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_create(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_for(request.user, number, "work")
    closed = _closed(request, case, _case_url(case))
    if closed:
        return closed
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        try:
            document = services.document_add(actor=request.user, case=case, upload=upload, **data)
        except ValidationError as exc:
            apply_errors(form, exc, default_field="file")
        else:
            messages.success(
                request,
                _("The document has been added. SHA-256: %(sha)s") % {"sha": document.sha256},
            )
            return redirect("casework:document_list", case.number)
    return _form_page(
        request,
        form,
        _("Add a document to %(number)s") % {"number": case.number},
        reverse("casework:document_list", args=[case.number]),
        submit_label=_("Upload"),
        intro=_(
            "The file is stored under its SHA-256 fingerprint and can never be changed "
            "afterwards. A document is never deleted: it can be withdrawn, with a reason."
        ),
    )


@login_required
@require_GET
def document_download(request: HttpRequest, number: str, pk: int) -> HttpResponse | FileResponse:
    case = selectors.case_for(request.user, number)
    document = selectors.document_for(request.user, case, pk)
    return file_response(request, document.stored)


@login_required
@require_http_methods(["GET", "POST"])
def document_withdraw(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, number, "work")
    document = selectors.document_for(request.user, case, pk)
    back = reverse("casework:document_list", args=[case.number])
    closed = _closed(request, case, back)
    if closed:
        return closed
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_withdraw(actor=request.user, document=document, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc, default_field="reason")
        else:
            messages.success(request, _("The document has been withdrawn."))
            return redirect(back)
    return _form_page(
        request,
        form,
        _("Withdraw the document “%(title)s”") % {"title": document.title},
        back,
        submit_label=_("Withdraw"),
        intro=_(
            "The document and its file stay in the record, marked as withdrawn with your reason."
        ),
    )


# --- Timeline -------------------------------------------------------------------------------------
@login_required
@require_GET
def timeline(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_for(request.user, number)
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
            "breadcrumbs": _crumbs(case, (_("Timeline"), None)),
        },
    )
