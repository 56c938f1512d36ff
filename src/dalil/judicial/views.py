"""Pages of the investigative-judge workflow (IN-5). Reads go through the door (scoped through the
case); writes through `services`, which check `work` on the case themselves."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dalil import access
from dalil.audit.selectors import annotate
from dalil.cases.models import Case
from dalil.cases.navigation import case_crumbs, case_url
from dalil.cases.selectors import case_for, workable
from dalil.core.views import file_response
from dalil.reports.views import pdf_response
from dalil.ui.forms import form_page, post_action
from dalil.ui.lists import render_list

from . import dossier, selectors, services
from .filters import DeadlineFilter, RequestFilter
from .forms import CorrectionForm, NewDecisionForm, ReasonForm, RequestForm
from .models import Deadline, Decision, JudicialRequest

S = JudicialRequest.Status


def _request(request: HttpRequest, number: str) -> JudicialRequest:
    qs = JudicialRequest.objects.select_related("case", "case__unit", "requested_by")
    return access.get_or_404(request.user, "view", qs, number=number)


def _request_form(request: HttpRequest, case: Case, **kwargs: Any) -> RequestForm:
    return RequestForm(
        request.POST or None,
        parties=selectors.party_choices(request.user, case),
        labels=selectors.visible_parties(request.user, case),
        **kwargs,
    )


# --- Lists -----------------------------------------------------------------------------------------
@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.pending_first(selectors.requests(request.user))
    filterset = RequestFilter(request.GET or None, queryset=qs, actor=request.user)
    return render_list(
        request,
        "judicial/request_list.html",
        filterset,
        {"breadcrumbs": [(_("Requests to the judge"), None)]},
    )


@login_required
@require_GET
def deadline_list(request: HttpRequest) -> HttpResponse:
    filterset = DeadlineFilter(
        request.GET or None, queryset=selectors.deadlines(request.user), actor=request.user
    )
    return render_list(
        request,
        "judicial/deadline_list.html",
        filterset,
        {"breadcrumbs": [(_("Judicial deadlines"), None)]},
        rows=lambda page: _with_can_mark(request.user, page),
    )


def _with_can_mark(user: Any, rows: list[Deadline]) -> list[Deadline]:
    """Offer "Mark done" only where the reader may work on the case (one query per page)."""
    ids = {d.case_id for d in rows}
    open_cases = Case.objects.filter(pk__in=ids).exclude(status=Case.Status.CLOSED)
    workable = set(access.scope(user, "work", open_cases).values_list("pk", flat=True))
    for d in rows:
        d.can_mark = d.is_open and d.case_id in workable  # type: ignore[attr-defined]
    return rows


# --- Requests --------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest, number: str) -> HttpResponse:
    case = case_for(request.user, number, "work")
    return form_page(
        request,
        _request_form(request, case),
        lambda data: services.request_create(actor=request.user, case=case, **data),
        title=_("New request to the judge: %(number)s") % {"number": case.number},
        success=lambda req: (
            _("Request %(number)s has been drafted. Submit it when it is ready.")
            % {"number": req.number}
        ),
        then=lambda req: req.get_absolute_url(),
        cancel_url=case_url(case),
        intro=_(
            "The request is kept as a draft until you submit it; a draft can still be changed."
        ),
        submit_label=_("Save the draft"),
        breadcrumbs=case_crumbs(case, (_("New request to the judge"), None)),
    )


@login_required
@require_GET
def request_detail(request: HttpRequest, number: str) -> HttpResponse:
    req = _request(request, number)
    case = req.case
    can_work = workable(request.user, case)
    seen = selectors.visible_parties(request.user, case)
    decisions = list(
        selectors.decisions(request.user)
        .filter(request=req)
        .prefetch_related("deadlines", "detention_orders__detainee")
        .order_by("pk")
    )
    return render(
        request,
        "judicial/request_detail.html",
        {
            "req": req,
            "case": case,
            "persons": selectors.persons_of(req, seen),
            "decisions": decisions,
            "workable": can_work,
            "history": annotate(selectors.request_history(request.user, req)),
            "breadcrumbs": case_crumbs(
                case,
                (_("Requests to the judge"), reverse("judicial:requests")),
                (req.number, None),
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request: HttpRequest, number: str) -> HttpResponse:
    req = _request(request, number)
    case = req.case
    access.require(request.user, "work", case)
    if req.status != S.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return redirect(req.get_absolute_url())
    form = _request_form(
        request,
        case,
        initial={
            "kind": req.kind,
            "court": req.court,
            "grounds": req.grounds,
            "persons": list(req.persons.all()),
        },
    )
    return form_page(
        request,
        form,
        lambda data: services.request_update(actor=request.user, req=req, **data),
        title=_("Change the draft %(number)s") % {"number": req.number},
        success=_("The draft has been saved."),
        then=req.get_absolute_url(),
        cancel_url=req.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_submit(request: HttpRequest, number: str) -> HttpResponse:
    """Confirm (GET) and submit (POST): once submitted, the request can no longer be changed."""
    req = _request(request, number)
    access.require(request.user, "work", req.case)
    if request.method == "GET" and req.status != S.DRAFT:
        messages.info(request, _("This request is no longer a draft."))
        return redirect(req.get_absolute_url())
    if request.method == "POST":
        return post_action(
            request,
            lambda: services.request_submit(actor=request.user, req=req),
            success=_("Request %(number)s has been submitted to the judge.")
            % {"number": req.number},
            then=req.get_absolute_url(),
        )
    return render(
        request,
        "judicial/confirm.html",
        {
            "title": _("Submit request %(number)s to the judge") % {"number": req.number},
            "intro": _(
                "The request “%(kind)s” will be marked as submitted to %(court)s today. It can no "
                "longer be changed afterwards; it can only be withdrawn until the judge decides."
            )
            % {"kind": req.get_kind_display(), "court": req.court},
            "submit_label": _("Submit to the judge"),
            "cancel_url": req.get_absolute_url(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_withdraw(request: HttpRequest, number: str) -> HttpResponse:
    req = _request(request, number)
    access.require(request.user, "work", req.case)
    return form_page(
        request,
        ReasonForm(request.POST or None),
        lambda data: services.request_withdraw(actor=request.user, req=req, reason=data["reason"]),
        title=_("Withdraw request %(number)s") % {"number": req.number},
        success=_("The request has been withdrawn."),
        then=req.get_absolute_url(),
        cancel_url=req.get_absolute_url(),
        intro=_(
            "The request will be marked as withdrawn; it stays in the case file with the "
            "reason. A decided request cannot be withdrawn."
        ),
        submit_label=_("Withdraw the request"),
        error_field="reason",
    )


# --- Decisions -------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, number: str) -> HttpResponse:
    """Record the judge's decision on one of the case's submitted requests."""
    case = case_for(request.user, number, "work")
    pending = JudicialRequest.objects.filter(case=case, status=S.SUBMITTED).order_by("serial")
    form = NewDecisionForm(
        request.POST or None,
        request.FILES or None,
        pending=pending,
        initial={"request": request.GET.get("request", "")},
    )
    return form_page(
        request,
        form,
        lambda data: services.decision_record(
            actor=request.user,
            req=data["request"],
            deadlines=form.deadlines(),
            scan=data.get("scan"),
            **form.decision_fields(),
        ),
        title=_("Record a decision of the judge: %(number)s") % {"number": case.number},
        success=lambda decision: (
            _("The decision %(order)s on request %(number)s has been recorded.")
            % {"order": decision.order_number, "number": decision.request.number}
        ),
        then=lambda decision: decision.request.get_absolute_url(),
        cancel_url=case_url(case),
        intro=_(
            "A recorded decision cannot be changed: if it is recorded wrongly, record a "
            "correction, which keeps both. Fill in the deadlines the order sets."
        ),
        submit_label=_("Record the decision"),
        breadcrumbs=case_crumbs(case, (_("Record a decision"), None)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_correct(request: HttpRequest, pk: int) -> HttpResponse:
    decision = access.get_or_404(
        request.user, "view", Decision.objects.select_related("request", "case"), pk=pk
    )
    req = decision.request
    access.require(request.user, "work", decision.case)
    if decision.superseded:
        messages.error(request, _("This decision has already been corrected."))
        return redirect(req.get_absolute_url())
    form = CorrectionForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "order_number": decision.order_number,
            "decided_on": decision.decided_on,
            "judge_name": decision.judge_name,
            "outcome": decision.outcome,
            "text": decision.text,
            **{
                f"due_{d.kind}": d.due_at
                for d in access.scope(
                    request.user, "view", Deadline.objects.filter(decision=decision)
                )
            },
        },
    )
    return form_page(
        request,
        form,
        lambda data: services.decision_correct(
            actor=request.user,
            decision=decision,
            reason=data["reason"],
            deadlines=form.deadlines(),
            scan=data.get("scan"),
            **form.decision_fields(),
        ),
        title=_("Correct decision %(order)s") % {"order": decision.order_number},
        success=_("The correction has been recorded."),
        then=req.get_absolute_url(),
        cancel_url=req.get_absolute_url(),
        intro=_(
            "The recorded decision stays as it is and is marked as superseded, with its open "
            "deadlines; the correction becomes the decision in force."
        ),
        submit_label=_("Record the correction"),
    )


@login_required
@require_GET
def decision_scan(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    decision = access.get_or_404(
        request.user, "view", Decision.objects.select_related("scan"), pk=pk
    )
    if decision.scan is None:
        raise Http404(_("Not found."))
    return file_response(request, decision.scan)


# --- Deadlines -------------------------------------------------------------------------------------
@login_required
@require_POST
def deadline_done(request: HttpRequest, pk: int) -> HttpResponse:
    deadline = access.get_or_404(
        request.user, "view", Deadline.objects.select_related("case"), pk=pk
    )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("judicial:deadlines")
    return post_action(
        request,
        lambda: services.deadline_done(actor=request.user, deadline=deadline),
        success=_("The deadline has been marked done."),
        then=back,
    )


# --- The referral dossier --------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def dossier_issue(request: HttpRequest, number: str) -> HttpResponse:
    """Confirm (GET), then issue and download (POST) the numbered referral dossier."""
    case = case_for(request.user, number, "work")
    if request.method == "POST":
        return pdf_response(dossier.issue(actor=request.user, case=case))
    return render(
        request,
        "judicial/confirm.html",
        {
            "title": _("Print the referral dossier of %(number)s") % {"number": case.number},
            "intro": _(
                "A numbered PDF of the case file will be issued: the cover, the contents, the "
                "summary, the offences, the persons, the requests and decisions of the judge, and "
                "the documents of the case that you may see. Its number and fingerprint go on the "
                "ledger."
            ),
            "submit_label": _("Issue and download the dossier"),
            "cancel_url": case_url(case),
            "download": True,
            "breadcrumbs": case_crumbs(case, (_("Referral dossier"), None)),
        },
    )
