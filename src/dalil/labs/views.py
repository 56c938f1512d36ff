"""Laboratory request pages (LB-1). Requests are opened through the door first (out of scope
answers 404); rows through the selectors; writes through the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dalil import access
from dalil.accounts.selectors import history
from dalil.audit.selectors import annotate
from dalil.cases.navigation import case_crumbs, case_url, closed_redirect
from dalil.cases.selectors import case_for
from dalil.cases.services import closed_message
from dalil.evidence import services as evidence
from dalil.evidence.forms import ReceiveForm
from dalil.evidence.selectors import item_for
from dalil.ui.forms import form_page

from . import selectors, services
from .forms import AcceptForm, RequestForm, ReturnForm
from .models import LabRequest
from .policies import LAB_RECEIVE, LAB_WORK


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
    exams = list(selectors.exams_of(actor, r))
    received = {li.item_id: li for li in selectors.lab_items_of(actor, r)}
    items = {e.item_id: e.item for e in exams}
    rows = [
        {
            "item": item,
            "sections": [e.section for e in exams if e.item_id == item.pk],
            "lab_item": received.get(item.pk),
            "may_send": r.state == LabRequest.State.ACCEPTED
            and item.pk not in received
            and evidence.may_release(actor, item),
            "may_receive": services.may_receive(actor, r, item),
        }
        for item in items.values()
    ]
    return render(
        request,
        "labs/request_detail.html",
        {
            "req": r,
            "rows": rows,
            "sees_case": access.can(actor, "view", r.case),
            "may_decide": services.may_decide(actor, r),
            "accept_form": AcceptForm(initial={"version": r.version}),
            "history": annotate(history(actor, r)),
            "breadcrumbs": _crumbs(r),
        },
    )


def _deciding(request: HttpRequest, number: str) -> LabRequest:
    r = selectors.request_for(request.user, number)
    if not access.holds_at(request.user, LAB_RECEIVE, r.lab):
        raise access.Denied(request.user, LAB_RECEIVE, r)
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


@login_required
@require_http_methods(["POST"])
def item_send(request: HttpRequest, number: str, item: str) -> HttpResponse:
    """The holder hands one item of an accepted request to the laboratory (in transit until it is
    received there)."""
    r = selectors.request_for(request.user, number)
    it = item_for(request.user, item)
    try:
        services.item_send(
            actor=request.user, request=r, item=it, version=int(request.POST.get("version", 0))
        )
    except (evidence.Conflict, ValidationError, ValueError) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text or _("The item could not be handed over."))
    else:
        messages.success(
            request,
            _("%(number)s handed to the laboratory: in transit until it is received there.")
            % {"number": it.number},
        )
    return redirect(request_url(r))


@login_required
@require_http_methods(["GET", "POST"])
def item_receive(request: HttpRequest, number: str, item: str) -> HttpResponse:
    """The laboratory receives one item into its intake store, stating the seal as found."""
    r = selectors.request_for(request.user, number)
    it = item_for(request.user, item)
    if not services.may_receive(request.user, r, it):
        raise access.Denied(request.user, "evidence.custody.manage", it)
    return form_page(
        request,
        ReceiveForm(request.POST or None, initial={"version": it.version}),
        lambda data: services.item_receive(actor=request.user, request=r, item=it, **data),
        title=_("Receive %(item)s at the laboratory") % {"item": it.number},
        intro=_(
            "State the seal as you find it. The item is then kept in the laboratory's intake store "
            "and gets the laboratory's next number."
        ),
        success=lambda li: (
            _("%(item)s received: laboratory number %(number)s.")
            % {"item": it.number, "number": li.lab_number}
        ),
        then=request_url(r),
        cancel_url=request_url(r),
        submit_label=_("Confirm receipt"),
        conflicts=(evidence.Conflict,),
        breadcrumbs=_crumbs(r, (it.number, None)),
    )
