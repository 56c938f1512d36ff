from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dalil.access.selectors import assignments_of
from dalil.accounts.services import user_set_language, user_set_preferences
from dalil.audit.selectors import recent_activity
from dalil.ui.forms import apply_errors

from . import health, nav
from .forms import PreferencesForm


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "ui/home.html",
        {
            "assignments": assignments_of(request.user),
            "activity": recent_activity(request.user),
            "shortcuts": [i for i in nav.items_for_request(request) if i["name"] != "ui:home"],
            "now": now,
            "today": timezone.localdate(now),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """My preferences: interface language and Arabic-Indic or Latin digits, kept on the account."""
    user: Any = request.user
    initial = {"language": user.language, "digits": user.digits}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            user_set_preferences(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            translation.activate(form.cleaned_data["language"])
            messages.success(request, _("Your preferences have been saved."))
            response = redirect("ui:preferences")
            response.set_cookie(
                "django_language", form.cleaned_data["language"], samesite="Strict", httponly=True
            )
            return response
    return render(
        request,
        "ui/preferences.html",
        {
            "form": form,
            "title": _("My preferences"),
            "breadcrumbs": [(_("My preferences"), None)],
            "example_moment": timezone.now(),
        },
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language; a signed-in user's choice is kept on their account."""
    lang = request.POST.get("language", "")
    nxt = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        nxt = "/"
    response = HttpResponseRedirect(nxt)
    if lang in {"ar", "ckb", "en"}:
        if request.user.is_authenticated:
            user_set_language(actor=request.user, language=lang)
        translation.activate(lang)
        response.set_cookie("django_language", lang, samesite="Strict", httponly=True)
    return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "ui/error.html",
        {
            "title": _("The form has expired"),
            "message": _(
                "This page was open too long or came from elsewhere. Go back, reload the page and try again."
            ),
        },
        status=403,
    )


# --- Health (no sign-in; up or down only: the details are `dalil health`'s) ----------------------
@never_cache
@require_GET
def health_live(request: HttpRequest) -> JsonResponse:
    """The process answers."""
    return JsonResponse({"status": "up"})


@never_cache
@require_GET
def health_ready(request: HttpRequest) -> JsonResponse:
    """The database answers, the vault is writable and (where required) the worker beats."""
    up = health.ready(health.checks())
    return JsonResponse({"status": "up" if up else "down"}, status=200 if up else 503)
