"""Case pages (IN-1, IN-2). Reads go through the door; writes through `services`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from dalil import access
from dalil.access.models import Compartment
from dalil.accounts.models import User
from dalil.accounts.selectors import history
from dalil.audit.selectors import annotate
from dalil.core.forms import apply_errors
from dalil.parties.picker import picked
from dalil.ui.forms import form_page
from dalil.ui.lists import render_list

from . import contrib, selectors, services
from .filters import CaseFilter
from .forms import CaseCreateForm, CaseEditForm, MemberForm, OffenceForm, PartyForm, StepForm
from .models import Case, CaseMember, CaseParty, Offence
from .policies import CASE_CREATE


def _case(request: HttpRequest, number: str, action: str = "view") -> Case:
    qs = Case.objects.select_related("unit", "lead", "compartment")
    return access.get_or_404(request.user, action, qs, number=number)


def _detail(case: Case) -> str:
    return reverse("cases:detail", args=[case.number])


def _candidates(actor: Any, case: Case) -> Any:
    """Users who may be added: active colleagues of the case's unit and users the actor may see."""
    seen = access.scope(actor, "view", User.objects.all()).values("pk")
    return (
        User.objects.filter(is_active=True, locked_at__isnull=True)
        .filter(Q(unit__path__startswith=case.unit.path) | Q(pk__in=seen))
        .order_by("full_name")
    )


@login_required
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
        then=_detail,
        cancel_url=reverse("cases:list"),
    )


@login_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number)
    can_manage = access.can(request.user, "manage", case)
    editable = can_manage and case.status != Case.Status.CLOSED
    workable = case.status != Case.Status.CLOSED and access.can(request.user, "work", case)
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "steps": services.steps_for(request.user, case),
            "can_manage": can_manage,
            "editable": editable,
            "members": case.members.select_related("user", "user__unit"),
            "offences": case.offences.select_related("category", "governorate"),
            # Three forms on one page: distinct ids keep labels and the error summary's links apart.
            "member_form": MemberForm(users=_candidates(request.user, case), auto_id="member_%s")
            if editable
            else None,
            "workable": workable,
            "offence_form": OffenceForm(auto_id="offence_%s") if workable else None,
            "parties": selectors.case_parties(request.user, case),
            "informants_hidden": selectors.hidden_informants(request.user, case),
            "party_form": PartyForm(actor=request.user, auto_id="party_%s") if workable else None,
            "panels": contrib.panels_for(request, case),
            "history": annotate(history(request.user, case)),
            "breadcrumbs": [(_("Cases"), reverse("cases:list")), (case.number, None)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number, "manage")
    form = CaseEditForm(
        request.POST or None,
        initial={"version": case.version, "title": case.title, "summary": case.summary},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(actor=request.user, case=case, **form.cleaned_data)
        except services.Conflict as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The case has been saved."))
            return redirect(_detail(case))
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": _("Change case %(number)s") % {"number": case.number},
            "cancel_url": _detail(case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_step(request: HttpRequest, number: str, step: str) -> HttpResponse:
    """Confirm one workflow step: the page names what will happen; POST takes the step."""
    case = _case(request, number, "manage")
    chosen = services.STEPS.get(step)
    if chosen is None or case.status not in chosen.sources:
        messages.error(request, _("This step is not allowed for the case now."))
        return redirect(_detail(case))
    form = StepForm(request.POST or None, initial={"version": case.version})
    if chosen.needs_reason:
        form.fields["reason"].required = True
    if request.method == "POST" and form.is_valid():
        try:
            services.case_transition(
                actor=request.user,
                case=case,
                step=step,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except services.Conflict as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            apply_errors(form, exc, default_field="reason")
        else:
            messages.success(
                request,
                _("The case is now “%(status)s”.") % {"status": case.get_status_display()},
            )
            return redirect(_detail(case))
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": f"{chosen.label}: {case.number}",
            "intro": chosen.confirm,
            "submit_label": chosen.label,
            "cancel_url": _detail(case),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number, "manage")
    return form_page(
        request,
        MemberForm(request.POST or None, users=_candidates(request.user, case)),
        lambda data: services.member_add(actor=request.user, case=case, **data),
        title=_("Add a member to %(number)s") % {"number": case.number},
        success=_("The member has been added."),
        then=_detail(case),
        cancel_url=_detail(case),
    )


@login_required
@require_POST
def member_remove(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = _case(request, number, "manage")
    member = access.get_or_404(request.user, "view", CaseMember.objects.filter(case=case), pk=pk)
    try:
        services.member_remove(actor=request.user, member=member)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The member has been removed."))
    return redirect(_detail(case))


@login_required
@require_http_methods(["GET", "POST"])
def offence_add(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number, "work")

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
        then=_detail(case),
        cancel_url=_detail(case),
    )


@login_required
@require_POST
def offence_remove(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = _case(request, number, "work")
    offence = access.get_or_404(request.user, "view", Offence.objects.filter(case=case), pk=pk)
    try:
        services.offence_remove(actor=request.user, offence=offence)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The offence has been removed."))
    return redirect(_detail(case))


@login_required
@require_http_methods(["GET", "POST"])
def party_add(request: HttpRequest, number: str) -> HttpResponse:
    case = _case(request, number, "work")

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
        then=_detail(case),
        cancel_url=_detail(case),
        error_field="entity",
    )


@login_required
@require_POST
def party_remove(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = _case(request, number, "work")
    party = access.get_or_404(request.user, "view", CaseParty.objects.filter(case=case), pk=pk)
    try:
        services.case_party_remove(actor=request.user, party=party)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The person or entity has been removed from the case."))
    return redirect(_detail(case))
