"""Disposition pages (EV-5): ask, decide, carry out (a destruction with its witness confirming on
this screen), withdraw; and the list of dispositions waiting for the reader. The item is opened
through the door first (404 out of scope); the services decide who may do what."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dalil import access
from dalil.accounts import auth
from dalil.ui.forms import apply_errors, form_page

from . import disposal, selectors, services
from .forms import (
    DecideForm,
    DispositionForm,
    DispositionWithdrawForm,
    ExecuteForm,
    WitnessedExecuteForm,
)
from .models import Disposition, Item
from .policies import DISPOSITION_APPROVE
from .views import _item_crumbs, item_url


def _open(request: HttpRequest, item: str) -> tuple[Item, Disposition]:
    it = selectors.item_for(request.user, item)
    current = disposal.open_disposition(it)
    if current is None:
        raise access.Denied(request.user, "view", it)
    return it, current


@login_required
@require_http_methods(["GET", "POST"])
def request_disposition(request: HttpRequest, item: str) -> HttpResponse:
    it = selectors.item_for(request.user, item)
    if not disposal.may_request(request.user, it):
        raise access.Denied(request.user, "work", it.case)
    title = _("Disposition of %(number)s") % {"number": it.number}
    return form_page(
        request,
        DispositionForm(request.POST or None, initial={"version": it.version}),
        lambda data: disposal.disposition_request(actor=request.user, item=it, **data),
        title=title,
        intro=_(
            "A supervisor of the unit approves or rejects it; then the item's holder carries it "
            "out. A destruction needs a witness."
        ),
        success=_("The disposition has been asked for: it awaits a supervisor's approval."),
        then=lambda _d: item_url(it),
        cancel_url=item_url(it),
        submit_label=_("Ask for approval"),
        breadcrumbs=_item_crumbs(it, (title, None)),
        conflicts=(services.Conflict,),
    )


@login_required
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, item: str) -> HttpResponse:
    it, current = _open(request, item)
    if not disposal.may_decide(request.user, current):
        raise access.Denied(request.user, "decide", current)
    title = _("Decide the disposition of %(number)s") % {"number": it.number}
    return form_page(
        request,
        DecideForm(request.POST or None),
        lambda data: disposal.disposition_decide(actor=request.user, disposition=current, **data),
        title=title,
        intro=_("%(kind)s — court order %(order)s of %(date)s; legal basis: %(basis)s")
        % {
            "kind": current.get_kind_display(),
            "order": current.order_number,
            "date": current.order_date.isoformat(),
            "basis": current.legal_basis,
        },
        success=_("Your decision has been recorded."),
        then=lambda _d: item_url(it),
        cancel_url=item_url(it),
        submit_label=_("Record the decision"),
        breadcrumbs=_item_crumbs(it, (title, None)),
        conflicts=(services.Conflict,),
        error_field="note",
    )


@login_required
@require_http_methods(["GET", "POST"])
def execute(request: HttpRequest, item: str) -> HttpResponse:
    it, current = _open(request, item)
    if not disposal.may_execute(request.user, current):
        raise access.Denied(request.user, "execute", current)
    destroy = current.kind == Disposition.Kind.DESTROY
    form_class = WitnessedExecuteForm if destroy else ExecuteForm
    form = form_class(request.POST or None, initial={"version": it.version})
    title = _("Carry out the disposition of %(number)s") % {"number": it.number}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        witness = None
        if destroy:
            # The witness proves who they are here; anyone but someone else who may be a witness
            # is answered as a wrong password, so this screen is no oracle for passwords.
            witness = auth.verify_in_person(
                request,
                data.pop("witness_username"),
                data.pop("witness_secret"),
                allowed=lambda user: user.pk != request.user.pk,
            )
            if witness is None:
                form.add_error(
                    "witness_secret",
                    _(
                        "The user name and password or code do not match, or too many attempts were made."
                    ),
                )
        if not destroy or witness is not None:
            try:
                disposal.disposition_execute(
                    actor=request.user, disposition=current, witness=witness, **data
                )
            except services.Conflict as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The item has been disposed of."))
                return redirect(item_url(it))
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": title,
            "intro": _("%(kind)s — court order %(order)s. %(recipient)s")
            % {
                "kind": current.get_kind_display(),
                "order": current.order_number,
                "recipient": current.recipient,
            },
            "cancel_url": item_url(it),
            "submit_label": _("Carry it out"),
            "breadcrumbs": _item_crumbs(it, (title, None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, item: str) -> HttpResponse:
    it, current = _open(request, item)
    if current.requested_by_id != request.user.pk:
        raise access.Denied(request.user, "withdraw", current)
    title = _("Withdraw the disposition of %(number)s") % {"number": it.number}
    return form_page(
        request,
        DispositionWithdrawForm(request.POST or None),
        lambda data: disposal.disposition_withdraw(actor=request.user, disposition=current, **data),
        title=title,
        success=_("The disposition has been withdrawn."),
        then=lambda _d: item_url(it),
        cancel_url=item_url(it),
        submit_label=_("Withdraw"),
        breadcrumbs=_item_crumbs(it, (title, None)),
        conflicts=(services.Conflict,),
    )


@login_required
@require_GET
def waiting(request: HttpRequest) -> HttpResponse:
    """Dispositions the reader may decide, and approved ones for the items they hold."""
    return render(
        request,
        "evidence/dispositions.html",
        {
            "to_decide": list(selectors.dispositions_to_decide(request.user)[:200]),
            "to_carry_out": list(selectors.dispositions_to_carry_out(request.user)[:200]),
            "may_decide": access.has_permission(request.user, DISPOSITION_APPROVE),
            "breadcrumbs": [(_("Dispositions"), None)],
        },
    )
