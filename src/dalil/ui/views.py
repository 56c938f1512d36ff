from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dalil.access.selectors import assignments_of
from dalil.accounts.services import user_set_language
from dalil.audit.selectors import recent_activity


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ui/home.html",
        {"assignments": assignments_of(request.user), "activity": recent_activity(request.user)},
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
            "message": _("This page was open too long or came from elsewhere. Go back, reload the page and try again."),
        },
        status=403,
    )
