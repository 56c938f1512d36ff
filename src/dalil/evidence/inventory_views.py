"""Inventory audit pages (EV-4): start counting a location, scan what is there, finish and read
the kept report. Opened through the door (404 out of scope); the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dalil import access
from dalil.ui.forms import form_page

from . import inventory, selectors
from .forms import AuditFinishForm, ScanForm
from .models import InventoryAudit
from .policies import CUSTODY_MANAGE


def audit_url(audit: InventoryAudit) -> str:
    return reverse("evidence:audit_detail", args=[audit.pk])


def _crumbs(audit_row: InventoryAudit, *tail: tuple[str, str | None]) -> list[Any]:
    location = audit_row.location
    return [
        (_("Storage locations"), reverse("evidence:location_list")),
        (str(location), reverse("evidence:location_detail", args=[location.pk])),
        (_("Inventory audit"), audit_url(audit_row) if tail else None),
        *tail,
    ]


@login_required
@require_http_methods(["GET", "POST"])
def audit_start(request: HttpRequest, pk: int) -> HttpResponse:
    location = selectors.location_for(request.user, pk)
    if not inventory.may_audit(request.user, location):
        raise access.Denied(request.user, CUSTODY_MANAGE, location)
    back = reverse("evidence:location_detail", args=[location.pk])
    return form_page(
        request,
        forms.Form(request.POST if request.method == "POST" else None),
        lambda _data: inventory.audit_start(actor=request.user, location=location),
        title=_("Audit %(location)s") % {"location": location},
        intro=_(
            "Scan every item you find in this location and the places inside it. When you finish, "
            "Dalil lists what is missing, what is recorded elsewhere and what it does not know, "
            "and keeps the report."
        ),
        success=_("The audit has started: scan the items."),
        then=audit_url,
        cancel_url=back,
        submit_label=_("Start the audit"),
        breadcrumbs=[
            (_("Storage locations"), reverse("evidence:location_list")),
            (str(location), back),
            (_("Inventory audit"), None),
        ],
    )


@login_required
@require_GET
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    audit_row = selectors.audit_for(request.user, pk)
    is_open = audit_row.state == InventoryAudit.State.OPEN
    return render(
        request,
        "evidence/audit_detail.html",
        {
            "audit": audit_row,
            "form": ScanForm()
            if is_open and inventory.may_audit(request.user, audit_row.location)
            else None,
            "scans": selectors.scans_of(request.user, audit_row),
            "expected": len(inventory.expected(request.user, audit_row.location))
            if is_open
            else None,
            "breadcrumbs": _crumbs(audit_row),
        },
    )


@login_required
@require_POST
def audit_scan(request: HttpRequest, pk: int) -> HttpResponse:
    audit_row = selectors.audit_for(request.user, pk)
    if not inventory.may_audit(request.user, audit_row.location):
        raise access.Denied(request.user, CUSTODY_MANAGE, audit_row)
    form = ScanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scan or type an item number."))
        return redirect(audit_url(audit_row))
    try:
        scan, what = inventory.audit_scan(
            actor=request.user, audit_row=audit_row, code=form.cleaned_data["code"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if scan is None:
            messages.info(request, _("Already scanned in this audit."))
        elif what == "unknown":
            messages.warning(
                request, _("%(code)s: not an item you may see. Set it aside.") % {"code": scan.code}
            )
        else:
            messages.success(request, _("%(code)s scanned.") % {"code": scan.code})
    return redirect(audit_url(audit_row))


@login_required
@require_http_methods(["GET", "POST"])
def audit_finish(request: HttpRequest, pk: int) -> HttpResponse:
    audit_row = selectors.audit_for(request.user, pk)
    if not inventory.may_audit(request.user, audit_row.location):
        raise access.Denied(request.user, CUSTODY_MANAGE, audit_row)
    title = _("Finish the audit")
    return form_page(
        request,
        AuditFinishForm(request.POST or None),
        lambda data: inventory.audit_finish(actor=request.user, audit_row=audit_row, **data),
        title=title,
        intro=_("Dalil compares what you scanned with the register and keeps the report."),
        success=_("The audit is finished and its report kept."),
        then=audit_url,
        cancel_url=audit_url(audit_row),
        submit_label=_("Finish and keep the report"),
        breadcrumbs=_crumbs(audit_row, (title, None)),
    )
