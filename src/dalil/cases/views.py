"""Case pages (IN-1, IN-2). Reads go through the door; writes through `services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dalil import access
from dalil.access.models import Compartment
from dalil.accounts.models import User
from dalil.accounts.selectors import history
from dalil.audit.selectors import annotate
from dalil.parties.picker import picked
from dalil.ui.forms import form_page, post_action
from dalil.ui.lists import render_list

from . import contributions, selectors, services
from .filters import CaseFilter
from .forms import CaseCreateForm, CaseEditForm, MemberForm, OffenceForm, PartyForm, StepForm
from .models import Case, CaseMember, CaseParty, Offence
from .navigation import case_crumbs, case_url
from .policies import CASE_CREATE


def _candidates(actor: Any, case: Case) -> Any:
    """Users who may be added: active colleagues of the case's unit and users the actor may see."""
    seen = access.scope(actor, "view", User.objects.all()).values("pk")
    return (
        User.objects.filter(is_active=True, locked_at__isnull=True)
        .filter(Q(unit__path__startswith=case.unit.path) | Q(pk__in=seen))
        .order_by("full_name")
    )


@login_required
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    filterset = CaseFilter(
        request.GET or None, queryset=selectors.case_list(request.user), actor=request.user
    )
    return render_list(
        request,
        "cases/case_list.html",
        filterset,
        {
            "breadcrumbs": [(_("Cases"), None)],
            "can_create": services.units_for_create(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    units = services.units_for_create(request.user)
    if not units.exists():
        raise access.Denied(request.user, CASE_CREATE, None)
    held = access.door.grants_of(request.user).compartments
    form = CaseCreateForm(
        request.POST or None,
        units=units,
        leads=User.objects.filter(is_active=True, locked_at__isnull=True, unit__in=units).order_by(
            "full_name"
        ),
        compartments=Compartment.objects.filter(code__in=held),
        initial={"lead": request.user.pk, "unit": getattr(request.user, "unit_id", None)},
    )
    return form_page(
        request,
        form,
        lambda data: services.case_create(actor=request.user, **data),
        title=_("Open a case"),
        submit_label=_("Open the case"),
        success=lambda case: _("Case %(number)s has been opened.") % {"number": case.number},
        then=case_url,
        cancel_url=reverse("cases:list"),
    )


@login_required
@require_GET
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_for(request.user, number)
    can_manage = access.can(request.user, "manage", case)
    editable = can_manage and case.status != Case.Status.CLOSED
    workable = selectors.workable(request.user, case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "steps": services.steps_for(request.user, case),
            "can_manage": can_manage,
            "editable": editable,
            "members": selectors.case_members(request.user, case),
            "offences": selectors.case_offences(request.user, case),
            # Three forms on one page: distinct ids keep labels and the error summary's links apart.
            "member_form": MemberForm(users=_candidates(request.user, case), auto_id="member_%s")
            if editable
            else None,
            "workable": workable,
            "offence_form": OffenceForm(auto_id="offence_%s") if workable else None,
            "parties": selectors.case_parties(request.user, case),
            "informants_hidden": selectors.hidden_informants(request.user, case),
            "party_form": PartyForm(actor=request.user, auto_id="party_%s") if workable else None,
            "panels": contributions.panels_for(request, case),
            "history": annotate(history(request.user, case)),
            "breadcrumbs": case_crumbs(case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_for(request.user, number, "manage")
    form = CaseEditForm(
        request.POST or None,
        initial={"version": case.version, "title": case.title, "summary": case.summary},
    )
    return form_page(
        request,
        form,
        lambda data: services.case_update(actor=request.user, case=case, **data),
        title=_("Change case %(number)s") % {"number": case.number},
        success=_("The case has been saved."),
        then=case_url(case),
        cancel_url=case_url(case),
        conflicts=(services.Conflict,),
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_step(request: HttpRequest, number: str, step: str) -> HttpResponse:
    """Confirm one workflow step: the page names what will happen; POST takes the step."""
    case = selectors.case_for(request.user, number, "manage")
    chosen = services.STEPS.get(step)
    if chosen is None or case.status not in chosen.sources:
        messages.error(request, _("This step is not allowed for the case now."))
        return redirect(case_url(case))
    form = StepForm(request.POST or None, initial={"version": case.version})
    if chosen.needs_reason:
        form.fields["reason"].required = True
    return form_page(
        request,
        form,
        lambda data: services.case_transition(
            actor=request.user,
            case=case,
            step=step,
            version=data["version"],
            reason=data["reason"],
        ),
        title=f"{chosen.label}: {case.number}",
        # After the step: the message names the status the case has now.
        success=lambda moved: (
            _("The case is now “%(status)s”.") % {"status": moved.get_status_display()}
        ),
        then=case_url(case),
        cancel_url=case_url(case),
        intro=chosen.confirm,
        submit_label=chosen.label,
        error_field="reason",
        conflicts=(services.Conflict,),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_for(request.user, number, "manage")
    return form_page(
        request,
        MemberForm(request.POST or None, users=_candidates(request.user, case)),
        lambda data: services.member_add(actor=request.user, case=case, **data),
        title=_("Add a member to %(number)s") % {"number": case.number},
        success=_("The member has been added."),
        then=case_url(case),
        cancel_url=case_url(case),
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, number, "manage")
    member = access.get_or_404(request.user, "view", CaseMember.objects.filter(case=case), pk=pk)
    return post_action(
        request,
        lambda: services.member_remove(actor=request.user, member=member),
        success=_("The member has been removed."),
        then=case_url(case),
    )


@login_required
@require_http_methods(["GET", "POST"])
def offence_add(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_for(request.user, number, "work")

    def save(data: dict[str, Any]) -> Offence:
        data = dict(data)
        code = data.pop("category").code
        return services.offence_add(actor=request.user, case=case, code=code, **data)

    return form_page(
        request,
        OffenceForm(request.POST or None),
        save,
        title=_("Add an offence to %(number)s") % {"number": case.number},
        success=_("The offence has been added."),
        then=case_url(case),
        cancel_url=case_url(case),
    )


@login_required
@require_POST
def offence_remove(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, number, "work")
    offence = access.get_or_404(request.user, "view", Offence.objects.filter(case=case), pk=pk)
    return post_action(
        request,
        lambda: services.offence_remove(actor=request.user, offence=offence),
        success=_("The offence has been removed."),
        then=case_url(case),
    )


@login_required
@require_http_methods(["GET", "POST"])
def party_add(request: HttpRequest, number: str) -> HttpResponse:
    case = selectors.case_for(request.user, number, "work")

    def save(data: dict[str, Any]) -> CaseParty:
        entity = picked(request.user, data["entity"], "entity")
        return services.case_party_add(
            actor=request.user, case=case, entity=entity, role=data["role"], note=data["note"]
        )

    return form_page(
        request,
        PartyForm(request.POST or None, actor=request.user),
        save,
        title=_("Add a person or entity to %(number)s") % {"number": case.number},
        success=_("The person or entity has been added to the case."),
        then=case_url(case),
        cancel_url=case_url(case),
        error_field="entity",
    )


@login_required
@require_POST
def party_remove(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = selectors.case_for(request.user, number, "work")
    party = access.get_or_404(request.user, "view", CaseParty.objects.filter(case=case), pk=pk)
    return post_action(
        request,
        lambda: services.case_party_remove(actor=request.user, party=party),
        success=_("The person or entity has been removed from the case."),
        then=case_url(case),
    )
