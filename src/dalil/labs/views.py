"""Laboratory request pages (LB-1). Requests are opened through the door first (out of scope
answers 404); rows through the selectors; writes through the services."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dalil import access
from dalil.accounts.selectors import history
from dalil.audit.selectors import annotate
from dalil.cases.navigation import case_crumbs, case_url, closed_redirect
from dalil.cases.selectors import case_for
from dalil.cases.services import closed_message
from dalil.ui.forms import form_page

from . import selectors, services
from .forms import AcceptForm, RequestForm, ReturnForm
from .models import LabRequest
from .policies import LAB_WORK


def request_url(request: LabRequest) -> str:
    return reverse("labs:detail", args=[request.number])


def _crumbs(r: LabRequest, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (_("Laboratory requests"), reverse("labs:list")),
        (r.number, request_url(r) if tail else None),
        *tail,
    ]


@login_required
@require_GET
def request_list(request: HttpRequest) -> HttpResponse:
    if not (
        access.has_permission(request.user, "cases.case.view")
        or access.has_permission(request.user, LAB_WORK)
    ):
        access.require_permission(request.user, LAB_WORK)
    rows = selectors.request_list(request.user)
    state = request.GET.get("state", "")
    if state in LabRequest.State.values:
        rows = rows.filter(state=state)
    return render(
        request,
        "labs/request_list.html",
        {
            "requests": list(rows[:200]),
            "states": LabRequest.State.choices,
            "state": state,
            "breadcrumbs": [(_("Laboratory requests"), None)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest, number: str) -> HttpResponse:
    case = case_for(request.user, number)
    closed = closed_redirect(request, case, case_url(case), closed_message())
    if closed:
        return closed
    if not services.may_request(request.user, case):
        raise access.Denied(request.user, "work", case)
    items = list(selectors.items_to_send(request.user, case)[:100])
    form = RequestForm(request.POST or None, labs=services.labs(), items=items)
    return form_page(
        request,
        form,
        lambda data: services.request_submit(actor=request.user, case=case, **data),
        title=_("Send items of %(number)s to a laboratory") % {"number": case.number},
        intro=_(
            "Tick, for each item you hold, the examinations the laboratory should do. Items kept "
            "in a store are taken out first. The request gets the next number of the register."
        )
        if items
        else _("You hold no item of this case: take the items out of the store first."),
        success=lambda r: _("Request %(number)s sent.") % {"number": r.number},
        then=request_url,
        cancel_url=case_url(case),
        submit_label=_("Send the request"),
        error_field="questions",
        breadcrumbs=case_crumbs(case, (_("Laboratory request"), None)),
    )


@login_required
@require_GET
def request_detail(request: HttpRequest, number: str) -> HttpResponse:
    r = selectors.request_for(request.user, number)
    actor = request.user
    return render(
        request,
        "labs/request_detail.html",
        {
            "req": r,
            "exams": list(selectors.exams_of(actor, r)),
            "sees_case": access.can(actor, "view", r.case),
            "may_decide": services.may_decide(actor, r),
            "accept_form": AcceptForm(initial={"version": r.version}),
            "history": annotate(history(actor, r)),
            "breadcrumbs": _crumbs(r),
        },
    )


def _deciding(request: HttpRequest, number: str) -> LabRequest:
    r = selectors.request_for(request.user, number)
    if not access.holds_at(request.user, "labs.request.receive", r.lab):
        raise access.Denied(request.user, "labs.request.receive", r)
    return r


@login_required
@require_http_methods(["POST"])
def request_accept(request: HttpRequest, number: str) -> HttpResponse:
    r = _deciding(request, number)
    return form_page(
        request,
        AcceptForm(request.POST),
        lambda data: services.request_accept(actor=request.user, request=r, **data),
        title=_("Accept %(number)s") % {"number": r.number},
        success=_("Request accepted: the items can now be handed to the laboratory."),
        then=request_url,
        cancel_url=request_url(r),
        conflicts=(services.Conflict,),
        breadcrumbs=_crumbs(r, (_("Accept"), None)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_return(request: HttpRequest, number: str) -> HttpResponse:
    r = _deciding(request, number)
    return form_page(
        request,
        ReturnForm(request.POST or None, initial={"version": r.version}),
        lambda data: services.request_return(actor=request.user, request=r, **data),
        title=_("Send %(number)s back") % {"number": r.number},
        intro=_("The requester reads your reason on the request and may send a new one."),
        success=_("Request sent back."),
        then=request_url,
        cancel_url=request_url(r),
        submit_label=_("Send it back"),
        conflicts=(services.Conflict,),
        breadcrumbs=_crumbs(r, (_("Send back"), None)),
    )
