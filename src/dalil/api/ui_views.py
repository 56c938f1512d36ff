"""Pages for people: "My API tokens" (R-09: from a signed-in session only) and the API docs."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from dalil import access
from dalil.ui.forms import BootstrapForm

from . import services
from .models import ApiToken

DURATIONS = [7, 30, 90, 180, 365]


class TokenForm(BootstrapForm):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “statistics export”."),
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("Valid for"),
        coerce=int,
        initial=services.DEFAULT_DAYS,
        choices=lambda: [(d, ngettext("%(n)d day", "%(n)d days", d) % {"n": d}) for d in DURATIONS],
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = secret = None
    if request.method == "POST" and form.is_valid():
        try:
            created, secret = services.token_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form = TokenForm()
    tokens = access.scope(request.user, "view", ApiToken.objects.order_by("-created_at", "-id"))
    # The secret is in this one response only (never in the session, never stored).
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": tokens, "created": created, "secret": secret},
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, key_id: str) -> HttpResponse:
    token = access.get_or_404(request.user, "revoke", ApiToken, key_id=key_id)
    if request.method == "POST":
        services.token_revoke(actor=request.user, token=token)
        messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
        return redirect("api:token_list")
    return render(request, "api/token_revoke.html", {"token": token})


@login_required
@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    return render(request, "api/docs.html")
