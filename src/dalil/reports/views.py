"""Document downloads. Every record is fetched through the access door (404 when out of scope)."""

from __future__ import annotations

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dalil import access
from dalil.access.door import POLICIES

from . import documents


def _model(app_label: str, model: str) -> type[Model]:
    """A model that has an access policy; anything else is not found."""
    try:
        cls = apps.get_model(app_label, model)
    except LookupError:
        raise Http404(_("Not found.")) from None
    if cls not in POLICIES:
        raise Http404(_("Not found."))
    return cls


def pdf_response(issued: documents.Issued) -> HttpResponse:
    response = HttpResponse(issued.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{issued.filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def ledger_extract(request: HttpRequest, app_label: str, model: str, pk: str) -> HttpResponse:
    """GET names what will happen; POST issues the numbered extract (a document number is
    consumed and ledgered only when someone asks for one, never by a link prefetch or a crawler)."""
    cls = _model(app_label, model)
    try:
        key = cls._meta.pk.to_python(pk)
    except ValidationError:
        raise Http404(_("Not found.")) from None
    obj = access.get_or_404(request.user, "view", cls, pk=key)
    if request.method == "POST":
        return pdf_response(documents.ledger_extract(actor=request.user, obj=obj))
    return render(
        request,
        "ui/form_page.html",
        {
            "form": forms.Form(),
            "title": _("Ledger extract of %(record)s") % {"record": obj},
            "intro": _(
                "Dalil will issue a numbered PDF listing every ledger entry about this record "
                "with its hashes. Issuing it is itself recorded on the ledger."
            ),
            "submit_label": _("Issue the PDF"),
            "cancel_url": request.GET.get("back", "") if _safe(request) else "",
        },
    )


def _safe(request: HttpRequest) -> bool:
    back = request.GET.get("back", "")
    return url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
