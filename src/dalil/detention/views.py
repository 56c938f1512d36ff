"""Pages of the detainee register (IN-6). Reads go through the door (a detainee is seen through its
case); writes through `services`, which check the case's "work" action again."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dalil import access, audit
from dalil.accounts.selectors import history
from dalil.audit.selectors import annotate
from dalil.cases.models import Case
from dalil.cases.navigation import case_url, closed_redirect
from dalil.cases.selectors import case_for, case_offences, case_parties
from dalil.core.views import file_response
from dalil.judicial import selectors as judicial_selectors
from dalil.parties.models import Person
from dalil.parties.picker import picked
from dalil.ui.forms import form_page
from dalil.ui.lists import render_list

from . import clock, selectors, services
from .filters import RegisterFilter
from .forms import (
    SUGGESTED,
    AppearanceForm,
    ArrestForm,
    CourtPermissionForm,
    HoldExtensionForm,
    InjuryForm,
    OrderForm,
    PenaltyScaleForm,
    ReleaseForm,
    StatementForm,
    TransferForm,
)
from .models import (
    AlertRecipient,
    Detainee,
    IntakeInjury,
    IntegrityReferral,
    PenaltyScale,
    Statement,
    Transfer,
)
from .policies import REFERRAL_VIEW
from .services import penalties as penalty_services


def _detainee(request: HttpRequest, pk: int) -> Detainee:
    qs = Detainee.objects.select_related(
        "case",
        "case__unit",
        "case__compartment",
        "person",
        "arresting_unit",
        "arrest_governorate",
        "place_unit",
        "offence__category",
        "registered_by",
    )
    return access.get_or_404(request.user, "view", qs, pk=pk)


def _for_work(request: HttpRequest, pk: int) -> Detainee:
    """The detainee, for someone who works on its case (404 otherwise, on the ledger)."""
    detainee = _detainee(request, pk)
    access.require(request.user, "work", detainee.case)
    return detainee


def _detail(detainee: Detainee) -> str:
    return reverse("detention:detail", args=[detainee.pk])


def _crumbs(detainee: Detainee | None = None, *more: Any) -> list[tuple[Any, Any]]:
    out: list[tuple[Any, Any]] = [(_("Detainee register"), reverse("detention:list"))]
    if detainee is not None:
        out.append((detainee.number, _detail(detainee)))
    return out + list(more)


# --- The register ----------------------------------------------------------------------------
@login_required
@require_GET
def register(request: HttpRequest) -> HttpResponse:
    filterset = RegisterFilter(
        request.GET or None,
        queryset=selectors.detainee_list(request.user),
        actor=request.user,
    )
    now = timezone.now()
    return render_list(
        request,
        "detention/register.html",
        filterset,
        {
            "breadcrumbs": [(_("Detainee register"), None)],
            "unread_alerts": selectors.unread_alert_count(request.user),
            "now": now,
        },
        rows=lambda page: selectors.rows(request.user, page, now),
    )


@login_required
@require_GET
def rules(request: HttpRequest) -> HttpResponse:
    """The rules the register's clock applies, each with the text it comes from."""
    return render(
        request,
        "detention/rules.html",
        {
            "rules": clock.RULES,
            "breadcrumbs": [
                (_("Detainee register"), reverse("detention:list")),
                (_("Rules"), None),
            ],
        },
    )


@login_required
@require_GET
def penalties(request: HttpRequest) -> HttpResponse:
    """The penalty scale the quarter is computed from, with its sources (reference data)."""
    return render(
        request,
        "detention/penalties.html",
        {
            "scale": PenaltyScale.objects.all(),
            "can_edit": penalty_services.may_correct(request.user),
            "breadcrumbs": [
                (_("Detainee register"), reverse("detention:list")),
                (_("Rules"), reverse("detention:rules")),
                (_("Maximum penalties"), None),
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def penalty_edit(request: HttpRequest, code: str) -> HttpResponse:
    penalty_services.require_national(request.user)  # refused (and ledgered): 404
    scale = PenaltyScale.objects.filter(code=code).first()
    if scale is None:
        raise Http404
    form = PenaltyScaleForm(
        request.POST or None,
        initial={"years": scale.years, "source": scale.source, "note": scale.note},
    )
    back = reverse("detention:penalties")
    return form_page(
        request,
        form,
        lambda data: services.penalty_scale_update(actor=request.user, scale=scale, **data),
        title=_("Maximum penalty: %(name)s") % {"name": scale.name},
        success=_("The penalty scale has been corrected."),
        then=back,
        cancel_url=back,
        intro=_(
            "The quarter of Art. 109(ج) is computed from these years for every detainee held for "
            "this penalty, from the next page on. Name the article the value comes from."
        ),
    )


# --- One detainee ----------------------------------------------------------------------------
@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    detainee = _detainee(request, pk)
    prefetch_related_objects([detainee], selectors.with_orders())
    now = timezone.now()
    orders = selectors.orders_of(detainee)
    state = selectors.clock_of(detainee, now, orders)
    case = detainee.case
    can_work = access.can(request.user, "work", case)
    is_open = case.status != Case.Status.CLOSED
    held = detainee.released_at is None
    statements = list(selectors.statements_of(request.user, detainee))
    referred = set(
        IntegrityReferral.objects.filter(statement__in=statements).values_list(
            "statement_id", flat=True
        )
    )
    can_order = can_work and is_open and held
    # Granted decisions of the judge not yet recorded as an order of this detainee: one click away.
    awaiting = (
        list(
            judicial_selectors.detention_decisions(request.user, case, detainee).select_related(
                "request"
            )
        )
        if can_order
        else []
    )
    return render(
        request,
        "detention/detail.html",
        {
            "d": detainee,
            "person_visible": access.can(request.user, "view", detainee.person),
            "state": state,
            "rows": selectors.deadline_rows(detainee, orders, state, now),
            "periods": selectors.periods_of(request.user, detainee),
            "used_days": selectors.in_days(selectors.arrest_of(detainee).used_before),
            "orders": orders,
            "permissions": detainee.court_permissions.all(),
            "transfers": access.scope(
                request.user, "view", Transfer.objects.filter(detainee=detainee)
            ).select_related("from_unit", "to_unit"),
            "injuries": access.scope(
                request.user, "view", IntakeInjury.objects.filter(detainee=detainee)
            ).select_related("photo"),
            "statements": [(s, s.pk in referred) for s in statements],
            "can_order": can_order,
            "can_permit": can_order,
            "can_extend_hold": can_order
            and detainee.hold_extended_at is None
            and (
                not orders or orders[0].starts_at > detainee.arrested_at + clock.FIRST_ORDER_WITHIN
            ),
            "can_appear": can_work
            and (detainee.presented_at is None or detainee.questioned_at is None),
            "awaiting": awaiting,
            "can_move": can_work and held,
            "can_release": can_work and held,
            "can_injury": can_work,
            "can_statement": can_work and is_open,
            "history": annotate(history(request.user, detainee)),
            "breadcrumbs": _crumbs(None, (detainee.number, None)),
        },
    )


def _case_persons(actor: Any, case: Case) -> list[Person]:
    """The persons of the case the actor may see (informants only for the cleared: the case's own
    rule), offered first on the arrest form, suspects and accused first."""
    rows = [p for p in case_parties(actor, case) if p.party.entity_type == "person" and p.entity]
    rows.sort(key=lambda p: p.party.role not in ("suspect", "accused"))  # stable: then by pk
    return list(dict.fromkeys(p.entity for p in rows))[:SUGGESTED]


@login_required
@require_http_methods(["GET", "POST"])
def arrest(request: HttpRequest, number: str) -> HttpResponse:
    case = case_for(request.user, number, "work")
    back = case_url(case)
    closed = closed_redirect(
        request, case, back, _("The case is closed. Reopen it before recording an arrest.")
    )
    if closed:
        return closed
    form = ArrestForm(
        request.POST or None,
        actor=request.user,
        persons=_case_persons(request.user, case),
        offences=case_offences(request.user, case),
        initial={"arresting_unit": case.unit_id, "place_unit": case.unit_id, "penalty": "years"},
    )
    return form_page(
        request,
        form,
        lambda data: services.arrest_record(
            actor=request.user,
            case=case,
            **{**data, "person": picked(request.user, data["person"], "person")},
        ),
        title=_("Record an arrest in case %(number)s") % {"number": case.number},
        success=lambda d: (
            _("The arrest has been entered in the register as %(number)s.") % {"number": d.number}
        ),
        then=_detail,
        cancel_url=back,
        submit_label=_("Enter in the register"),
        intro=_(
            "The clock of Art. 109 of the Code of Criminal Procedure starts at the arrest: "
            "registration within 24 hours, a judge's order within 24 hours, orders of at most "
            "15 days, six months without the criminal court's permission, never more than one "
            "quarter of the maximum penalty."
        ),
    )


def _next_minute(moment: dt.datetime) -> dt.datetime:
    whole = moment.replace(second=0, microsecond=0)
    return whole if whole == moment else whole + dt.timedelta(minutes=1)


@login_required
@require_http_methods(["GET", "POST"])
def order_add(request: HttpRequest, pk: int) -> HttpResponse:
    detainee = _for_work(request, pk)
    now = timezone.now()
    state = selectors.clock_of(detainee, now)
    # The form takes minutes: an arrest recorded to the second (through the API) is proposed as
    # the next whole minute, or the first order would start before the arrest.
    start = state.order_expires_at or _next_minute(detainee.arrested_at)
    decisions = judicial_selectors.detention_decisions(request.user, detainee.case, detainee)
    form = OrderForm(
        request.POST or None,
        decisions=decisions,
        initial={
            "starts_at": timezone.localtime(start),
            "days": 15,
            # With a decision to choose, its date is taken from it: a prefilled date would clash.
            "issued_on": None if decisions.exists() else timezone.localdate(now),
        },
    )
    chosen = request.GET.get("decision", "")
    if request.method == "GET" and chosen.isascii() and chosen.isdigit():
        # Opened from "record the order" beside a decision: preselect it if it may be chosen.
        form.initial["decision"] = (
            decisions.filter(pk=int(chosen)).values_list("pk", flat=True).first()
        )
    title = _("Extension of detention") if detainee.orders.exists() else _("Detention order")
    return form_page(
        request,
        form,
        lambda data: services.order_record(actor=request.user, detainee=detainee, **data),
        title=f"{title}: {detainee.number}",
        success=_("The detention order has been recorded."),
        then=_detail(detainee),
        cancel_url=_detail(detainee),
        intro=_(
            "A detention order lasts at most 15 days; each extension starts when the previous "
            "order expires. Beyond six months an order must stay within the period the criminal "
            "court permitted, and no order may pass one quarter of the maximum penalty."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def hold_extend(request: HttpRequest, pk: int) -> HttpResponse:
    detainee = _for_work(request, pk)
    form = HoldExtensionForm(request.POST or None, initial={"granted_at": timezone.localtime()})
    return form_page(
        request,
        form,
        lambda data: services.hold_extension_record(actor=request.user, detainee=detainee, **data),
        title=_("Extension of the 24 hours: %(number)s") % {"number": detainee.number},
        success=_("The extension of the 24 hours has been recorded."),
        then=_detail(detainee),
        cancel_url=_detail(detainee),
        intro=_(
            "Constitution Art. 19(13): the papers go before the competent judge within 24 hours "
            "of the arrest, a period the judge may extend once by the same period. Until a "
            "judge's order, the arrest then covers 48 hours."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def appearance(request: HttpRequest, pk: int) -> HttpResponse:
    detainee = _for_work(request, pk)
    # Every field is optional: an empty POST is still a submission (the service says what is missing).
    form = AppearanceForm(request.POST if request.method == "POST" else None)
    if detainee.presented_at is not None:
        del form.fields["presented_at"]
    return form_page(
        request,
        form,
        lambda data: services.appearance_record(actor=request.user, detainee=detainee, **data),
        title=_("Appearance before the judge: %(number)s") % {"number": detainee.number},
        success=_("The appearance before the judge has been recorded."),
        then=_detail(detainee),
        cancel_url=_detail(detainee),
        intro=_(
            "Art. 123 CPC: the investigative judge questions the accused within 24 hours of the "
            "appearance. Record each once; a late questioning stays visible as a breach."
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def court_permission_add(request: HttpRequest, pk: int) -> HttpResponse:
    detainee = _for_work(request, pk)
    state = selectors.clock_of(detainee, timezone.now())
    form = CourtPermissionForm(
        request.POST or None,
        initial={"permitted_until": timezone.localtime(state.six_months_permitted_until)},
    )
    cap = (
        _("one quarter of the maximum penalty is reached at %(at)s")
        % {"at": clock.shown(state.quarter_cap_at)}
        if state.quarter_cap_at is not None
        else _("the offence is punishable by death: no quarter cap")
    )
    return form_page(
        request,
        form,
        lambda data: services.court_permission_record(
            actor=request.user, detainee=detainee, **data
        ),
        title=_("Permission of the criminal court: %(number)s") % {"number": detainee.number},
        success=_("The criminal court's permission has been recorded."),
        then=_detail(detainee),
        cancel_url=_detail(detainee),
        intro=_(
            "Art. 109(ج) CPC: beyond six months of detention (%(six)s) the criminal court may "
            "permit an extension for a period, within one quarter of the maximum penalty; here %(cap)s."
        )
        % {"six": clock.shown(state.six_months_at), "cap": cap},
    )


@login_required
@require_http_methods(["GET", "POST"])
def transfer_add(request: HttpRequest, pk: int) -> HttpResponse:
    detainee = _for_work(request, pk)
    form = TransferForm(
        request.POST or None,
        initial={
            "moved_at": timezone.localtime(),
            "seen_place": detainee.place_of_detention,
            "seen_unit": detainee.place_unit_id,
        },
    )

    def save(data: dict[str, Any]) -> Any:
        seen = (data.pop("seen_place") or "", data.pop("seen_unit"))
        return services.transfer_record(actor=request.user, detainee=detainee, seen=seen, **data)

    return form_page(
        request,
        form,
        save,
        title=_("Transfer %(number)s") % {"number": detainee.number},
        success=_("The transfer has been recorded."),
        then=_detail(detainee),
        cancel_url=_detail(detainee),
        intro=_("Now held at: %(place)s") % {"place": detainee.place_of_detention},
        error_field="moved_at",
    )


@login_required
@require_http_methods(["GET", "POST"])
def release(request: HttpRequest, pk: int) -> HttpResponse:
    detainee = _for_work(request, pk)
    form = ReleaseForm(request.POST or None, initial={"released_at": timezone.localtime()})
    return form_page(
        request,
        form,
        lambda data: services.release_record(actor=request.user, detainee=detainee, **data),
        title=_("Release %(number)s") % {"number": detainee.number},
        success=_("The release has been recorded."),
        then=_detail(detainee),
        cancel_url=_detail(detainee),
        submit_label=_("Record the release"),
        intro=_(
            "The release ends this detention record; a new detention needs a new arrest record."
        ),
        error_field="released_at",
    )


@login_required
@require_http_methods(["GET", "POST"])
def injury_add(request: HttpRequest, pk: int) -> HttpResponse:
    detainee = _for_work(request, pk)
    form = InjuryForm(
        request.POST or None, request.FILES or None, initial={"noted_at": timezone.localtime()}
    )
    return form_page(
        request,
        form,
        lambda data: services.injury_record(actor=request.user, detainee=detainee, **data),
        title=_("Intake health record: %(number)s") % {"number": detainee.number},
        success=_("The intake record has been saved."),
        then=_detail(detainee),
        cancel_url=_detail(detainee),
        intro=_(
            "Record every injury visible at intake, one at a time, with a photo where possible, "
            "or that no injury is visible (Mandela Rules 7 and 8). A statement or confession "
            "taken from a detainee with a recorded injury is referred to internal affairs."
        ),
        error_field="description",
    )


@login_required
@require_GET
def injury_photo(request: HttpRequest, pk: int, injury: int) -> HttpResponseBase:
    detainee = _detainee(request, pk)
    record = access.get_or_404(
        request.user,
        "view",
        IntakeInjury.objects.filter(detainee=detainee, photo__isnull=False).select_related(
            "photo__blob"
        ),
        pk=injury,
    )
    assert record.photo is not None
    return file_response(request, record.photo)


@login_required
@require_http_methods(["GET", "POST"])
def statement_add(request: HttpRequest, pk: int) -> HttpResponse:
    detainee = _for_work(request, pk)
    form = StatementForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "taken_at": timezone.localtime(),
            "taken_by": getattr(request.user, "full_name", ""),
        },
    )
    return form_page(
        request,
        form,
        lambda data: services.statement_record(actor=request.user, detainee=detainee, **data),
        title=_("Record a statement of %(number)s") % {"number": detainee.number},
        success=_("The statement has been recorded."),
        then=lambda s: reverse("detention:statement_detail", args=[s.pk]),
        cancel_url=_detail(detainee),
        error_field="summary",
    )


def _statement(request: HttpRequest, pk: int) -> Statement:
    qs = Statement.objects.select_related("detainee", "detainee__case", "document__blob")
    return access.get_or_404(request.user, "view", qs, pk=pk)


@login_required
@require_GET
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement = _statement(request, pk)
    referral = IntegrityReferral.objects.filter(statement=statement).first()
    return render(
        request,
        "detention/statement.html",
        {
            "s": statement,
            "d": statement.detainee,
            # Only the fact is shown to the statement's readers; its content is internal affairs'.
            "referral_exists": referral is not None,
            "referral": referral
            if referral is not None and access.can(request.user, "view", referral)
            else None,
            "breadcrumbs": _crumbs(statement.detainee, (statement.get_kind_display(), None)),
        },
    )


@login_required
@require_GET
def statement_document(request: HttpRequest, pk: int) -> HttpResponseBase:
    statement = _statement(request, pk)
    if statement.document is None:
        raise Http404(_("Not found."))
    return file_response(request, statement.document)


# --- Integrity referrals (internal affairs, with the clearance) ------------------------------
def _referral(request: HttpRequest, pk: int) -> IntegrityReferral:
    qs = IntegrityReferral.objects.select_related("statement", "statement__document", "unit")
    return access.get_or_404(request.user, "view", qs, pk=pk)


@login_required
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
    access.require_permission(request.user, REFERRAL_VIEW)
    referrals = selectors.referral_list(request.user)[:200]
    return render(
        request,
        "detention/referral_list.html",
        {"referrals": referrals, "breadcrumbs": [(_("Integrity referrals"), None)]},
    )


@login_required
@require_GET
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = _referral(request, pk)
    audit.record_access(
        actor=request.user,
        target=referral,
        action="detention.referral_opened",
        payload={"number": referral.number},
    )
    return render(
        request,
        "detention/referral.html",
        {
            "r": referral,
            "s": referral.statement,
            "injuries": referral.injuries.select_related("photo").order_by("noted_at", "pk"),
            "breadcrumbs": [
                (_("Integrity referrals"), reverse("detention:referral_list")),
                (referral.number, None),
            ],
        },
    )


@login_required
@require_GET
def referral_file(request: HttpRequest, pk: int, file: int) -> HttpResponseBase:
    """The statement's document or an injury photo, for internal affairs through the referral."""
    referral = _referral(request, pk)
    allowed = [i.photo for i in referral.injuries.select_related("photo__blob") if i.photo]
    if referral.statement.document is not None:
        allowed.append(referral.statement.document)
    stored = next((f for f in allowed if f.pk == file), None)
    if stored is None:
        raise Http404(_("Not found."))
    return file_response(request, stored)


# --- Alerts ----------------------------------------------------------------------------------
@login_required
@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    everything = request.GET.get("all") == "1"
    alerts = list(selectors.alerts_for(request.user, unread_only=not everything)[:200])
    return render(
        request,
        "detention/alerts.html",
        {
            "alerts": alerts,
            "everything": everything,
            "unread": selectors.unread_alert_count(request.user),
            "breadcrumbs": [(_("My detention alerts"), None)],
        },
    )


@login_required
@require_POST
def alert_read(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = access.get_or_404(
        request.user, "view", AlertRecipient.objects.select_related("alert__detainee"), pk=pk
    )
    services.alert_mark_read(actor=request.user, recipient=recipient)
    messages.success(request, _("The alert has been marked as read."))
    return redirect("detention:alerts")
