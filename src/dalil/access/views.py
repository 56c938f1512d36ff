from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dalil import audit
from dalil.accounts.models import User
from dalil.ui.forms import BootstrapForm

from . import door, selectors, services


def _record_types(models: Iterable[type[Model]]) -> list[tuple[str, str]]:
    return [(m._meta.label_lower, str(m._meta.verbose_name)) for m in models]


class RecordForm(BootstrapForm):
    """Names a record by type and id. `target()` fetches it *unscoped*: the caller decides what the
    reader may learn of it (`door.cleared_for`, `door.can`)."""

    target_type = forms.ChoiceField(label=gettext_lazy("Record type"))
    target_id = forms.CharField(label=gettext_lazy("Record number (id)"), max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_type"].choices = _record_types(self.record_types())  # type: ignore[attr-defined]

    def record_types(self) -> Iterable[type[Model]]:
        return door.POLICIES

    def target(self) -> Any:
        model = apps.get_model(self.cleaned_data["target_type"])
        try:
            return model._default_manager.get(pk=self.cleaned_data["target_id"])
        except (model.DoesNotExist, ValueError, ValidationError):
            return None


class BreakGlassForm(RecordForm):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
        max_length=2000,
        help_text=gettext_lazy("Say why you need this record now. Auditors read every reason."),
    )
    minutes = forms.IntegerField(
        label=gettext_lazy("For how many minutes"), min_value=1, max_value=240, initial=60
    )

    def record_types(self) -> Iterable[type[Model]]:
        return door.break_glass_types()


class ExplainForm(RecordForm):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)
    action = forms.CharField(label=gettext_lazy("Action"), max_length=40, initial="view")


@login_required
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest) -> HttpResponse:
    door.require_permission(request.user, "access.break_glass")
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            # A missing record and one the opener may not learn of are refused alike, by the door.
            door.break_glass_open(
                actor=request.user,
                obj=form.target(),
                reason=form.cleaned_data["reason"],
                minutes=form.cleaned_data["minutes"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.warning(
                request,
                _("Break-glass access opened. It is on the ledger and shown to auditors."),
            )
            return redirect("access:break_glass_list")
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": _("Break-glass access"),
            "submit_label": _("Open the record"),
            "intro": _(
                "Use this only in an emergency. You get access to one record for at most four hours; the reason is kept for ever."
            ),
        },
    )


@login_required
@require_GET
def break_glass_list(request: HttpRequest) -> HttpResponse:
    rows = list(selectors.break_glass_list(request.user)[:200])
    # The record's name only for who may see the record now; everybody else: type and id.
    seen = door.visible_records(request.user, {(g.target_type, g.target_id) for g in rows})
    for g in rows:
        record = seen.get((g.target_type, g.target_id))
        g.target_label = str(record) if record is not None else ""
    return render(
        request,
        "access/break_glass_list.html",
        {
            "rows": rows,
            "can_open": door.has_permission(request.user, "access.break_glass"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def explain(request: HttpRequest) -> HttpResponse:
    """For auditors: why can this user see (or do) this record?"""
    door.require_permission(request.user, "access.explain")
    form = ExplainForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        subject = User.objects.filter(username=form.cleaned_data["username"].lower()).first()
        obj = form.target()
        if obj is not None and not door.cleared_for(request.user, obj):
            # Behind a clearance the auditor lacks: answered as a missing record (the middleware
            # ledgers the refusal, as for any refused record).
            raise door.Denied(request.user, "explain", obj)
        if subject is None or obj is None:
            raise Http404(_("Not found."))
        action = form.cleaned_data["action"]
        reasons = door.explain(subject, action, obj)
        with transaction.atomic():
            audit.record(
                actor=request.user,
                action="access.explained",
                target=obj,
                payload={"subject": subject.username, "action": action, "allowed": bool(reasons)},
            )
        result = {
            "subject": subject,
            "ref": f"{obj._meta.label_lower} #{obj.pk}",
            # The record's name only if the auditor may see the record itself.
            "label": str(obj) if door.can(request.user, "view", obj) else "",
            "action": action,
            "reasons": reasons,
        }
    return render(request, "access/explain.html", {"form": form, "result": result})


# --- Grants waiting for a second person (ADR 0014) ------------------------------------------------
@login_required
@require_http_methods(["GET"])
def grant_requests(request: HttpRequest) -> HttpResponse:
    if not (
        door.has_permission(request.user, "access.grant.approve")
        or door.has_permission(request.user, "access.assignment.manage")
        or door.has_permission(request.user, "access.role.manage")
    ):
        raise door.Denied(request.user, "access.grant.approve", None)
    return render(
        request,
        "access/grant_requests.html",
        {**selectors.grant_requests(request.user), "breadcrumbs": [(_("Grant requests"), None)]},
    )


def _decide(request: HttpRequest, grant: Any, approve: bool) -> HttpResponse:
    try:
        if approve:
            services.grant_approve(actor=request.user, grant=grant)
            messages.success(request, _("Approved. The grant is in force from now on."))
        else:
            services.grant_reject(actor=request.user, grant=grant)
            messages.success(request, _("The request has been removed. It opened nothing."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("access:grant_requests")


def _deciding(waiting: Any, approve: bool) -> Any:
    """A POST view that approves or refuses one waiting grant of `waiting()`'s kind. A grant the
    actor may not see answers 404 like a missing one (and the refusal is ledgered)."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        grant = door.get_or_404(request.user, "view", waiting(), pk=pk)
        return _decide(request, grant, approve=approve)

    return view


assignment_approve = _deciding(selectors.pending_assignments_all, approve=True)
assignment_reject = _deciding(selectors.pending_assignments_all, approve=False)
permission_approve = _deciding(selectors.pending_permissions_all, approve=True)
permission_reject = _deciding(selectors.pending_permissions_all, approve=False)
