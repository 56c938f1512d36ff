"""The store's desk (EV-4): check items in and out by scanning, one after another. Opened through
the door (404 out of scope, refused for whoever does not keep the location's stores); each scan is
a custody transfer decided by the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dalil import access

from . import desk, selectors, services
from .forms import CheckOutForm, ScanForm
from .policies import CUSTODY_MANAGE


@login_required
@require_http_methods(["GET", "POST"])
def desk_page(request: HttpRequest, pk: int) -> HttpResponse:
    location = selectors.location_for(request.user, pk)
    if not desk.may_work(request.user, location):
        raise access.Denied(request.user, CUSTODY_MANAGE, location)
    mode = "out" if (request.POST or request.GET).get("mode") == "out" else "in"
    here = f"{reverse('evidence:desk', args=[location.pk])}?mode={mode}"
    remembered = f"evidence.desk.{location.pk}"
    receivers = desk.receivers(location)
    if request.method == "POST":
        form = (
            CheckOutForm(request.POST, receivers=receivers)
            if mode == "out"
            else ScanForm(request.POST)
        )
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
            return redirect(here)
        data = form.cleaned_data
        try:
            if mode == "out":
                item = desk.check_out(
                    actor=request.user,
                    location=location,
                    code=data["code"],
                    to_user=data["to_user"],
                    purpose=data["purpose"],
                )
                messages.success(
                    request,
                    _("%(number)s handed to %(name)s: in transit until they confirm.")
                    % {"number": item.number, "name": data["to_user"].full_name},
                )
            else:
                item = desk.check_in(actor=request.user, location=location, code=data["code"])
                messages.success(request, _("%(number)s received here.") % {"number": item.number})
        except services.Conflict as exc:
            messages.error(request, str(exc))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        if mode == "out":  # the next scan goes to the same person for the same purpose
            request.session[remembered] = {
                "to_user": data["to_user"].pk,
                "purpose": data["purpose"],
            }
        return redirect(here)
    initial = request.session.get(remembered, {})
    return render(
        request,
        "evidence/desk.html",
        {
            "location": location,
            "mode": mode,
            "form": CheckOutForm(initial=initial, receivers=receivers)
            if mode == "out"
            else ScanForm(),
            "events": list(desk.todays_work(request.user, location)[:200]),
            "breadcrumbs": [
                (_("Storage locations"), reverse("evidence:location_list")),
                (str(location), reverse("evidence:location_detail", args=[location.pk])),
                (_("Desk"), None),
            ],
        },
    )
