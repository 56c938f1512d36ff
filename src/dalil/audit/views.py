from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dalil import access, audit
from dalil.ui.lists import render_list

from . import alert_review, alerts, integrity, selectors
from .filters import LedgerFilter
from .forms import AcknowledgeForm, ExportForm


@login_required
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    """The auditor's ledger page. Reading it is itself on the ledger."""
    access.require_permission(request.user, "audit.ledger.view")
    filterset = LedgerFilter(request.GET or None, queryset=selectors.entry_list(request.user))
    filterset.is_valid()
    with transaction.atomic():
        audit.record(actor=request.user, action="audit.ledger_viewed", payload=filterset.applied())
    return render_list(
        request,
        "audit/ledger.html",
        filterset,
        {
            "can_verify": access.has_permission(request.user, "audit.ledger.verify"),
            "checkpoints": integrity.Checkpoint.objects.order_by("-seq")[:5],
            "breadcrumbs": [(_("Ledger"), None)],
        },
        rows=lambda entries: selectors.shown(request.user, entries),
    )


@login_required
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    access.require_permission(request.user, "audit.ledger.verify")
    report = integrity.verify()
    with transaction.atomic():
        audit.record(
            actor=request.user,
            action="audit.ledger_verified",
            payload={
                "ok": report.ok,
                "entries": report.entries,
                "first_bad_seq": report.first_bad_seq,
            },
        )
    if report.ok:
        messages.success(
            request,
            _("The ledger verifies: %(n)d entries and %(c)d signed checkpoints are intact.")
            % {"n": report.entries, "c": report.checkpoints},
        )
    else:
        messages.error(
            request,
            _("The ledger does NOT verify. First problem: %(p)s") % {"p": report.problems[0]},
        )
    return redirect("audit:ledger")


@login_required
@require_POST
def checkpoint(request: HttpRequest) -> HttpResponse:
    access.require_permission(request.user, "audit.ledger.verify")
    cp = integrity.checkpoint_create(actor=request.user)
    messages.success(
        request, _("Checkpoint signed at entry %(seq)d.") % {"seq": cp.seq if cp else 0}
    )
    return redirect("audit:ledger")


@login_required
@require_http_methods(["GET", "POST"])
def export(request: HttpRequest) -> HttpResponse:
    access.require_permission(request.user, "audit.ledger.verify")
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        buf = io.BytesIO()
        manifest = integrity.export_bundle(
            buf,
            actor=request.user,
            withheld=selectors.withheld_from(request.user),
            start=form.cleaned_data["since"],
            end=form.cleaned_data["until"],
        )
        name = f"dalil-ledger-{manifest['first_seq']}-{manifest['last_seq']}-{timezone.now():%Y%m%d%H%M}.zip"
        response = HttpResponse(buf.getvalue(), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": _("Export the ledger"),
            "submit_label": _("Download bundle"),
            "intro": " ".join(
                (
                    _(
                        "The bundle holds the entries, the signed checkpoints, the public key and a verifier that runs offline with Python alone."
                    ),
                    _(
                        "Entries the ledger page does not show you are in the bundle as their hashes only: it still verifies, and its seal states how many were withheld."
                    ),
                )
            ),
            "cancel_url": "/audit/",
        },
    )


# --- Alerts to auditors --------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET"])
def alert_list(request: HttpRequest) -> HttpResponse:
    access.require_permission(request.user, "audit.alert.view")
    show = request.GET.get("show", "open")
    rows = list(alert_review.alert_list(request.user, open_only=show != "all")[:200])
    for a in rows:
        a.kind_label = alerts.kind_label(a.kind)  # type: ignore[attr-defined]
        a.fact_rows = alerts.fact_rows(a)  # type: ignore[attr-defined]
    return render(
        request,
        "audit/alerts.html",
        {
            "rows": rows,
            "show": show,
            "form": AcknowledgeForm(),
            "breadcrumbs": [(_("Ledger"), "/audit/"), (_("Alerts to auditors"), None)],
        },
    )


@login_required
@require_POST
def alert_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    alert = access.get_or_404(request.user, "manage", alerts.Alert, pk=pk)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            alert_review.alert_acknowledge(
                actor=request.user, alert=alert, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The alert has been acknowledged."))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("audit:alerts")
