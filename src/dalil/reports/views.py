"""Document downloads. Every record is fetched through the access door (404 when out of scope)."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

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
@require_GET
def ledger_extract(request: HttpRequest, app_label: str, model: str, pk: str) -> HttpResponse:
    cls = _model(app_label, model)
    try:
        key = cls._meta.pk.to_python(pk)
    except ValidationError:
        raise Http404(_("Not found.")) from None
    obj = access.get_or_404(request.user, "view", cls, pk=key)
    return pdf_response(documents.ledger_extract(actor=request.user, obj=obj))
