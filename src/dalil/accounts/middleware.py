"""Idle and absolute session limits, and the user's language."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from . import auth

# The idle clock is stamped at most this often: a session row is rewritten once a minute at most, not
# on every request (a write per page view is most of a refused request's cost), and the idle limit
# of 30 minutes is kept to within a minute.
SEEN_STAMP_SECONDS = 60


class SessionPolicyMiddleware:
    """Sign out a session idle for 30 minutes or older than 12 hours, or one that somehow lacks a
    verified second factor; the ledger says why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = timezone.now().timestamp()
            started = request.session.get(auth.STARTED_KEY, 0)
            seen = request.session.get(auth.SEEN_KEY, 0)
            reason = ""
            if not user.is_verified():  # type: ignore[attr-defined]
                reason = "no_second_factor"
            elif now - started > settings.DALIL_ABSOLUTE_SESSION_SECONDS:
                reason = "absolute_limit"
            elif now - seen > settings.DALIL_IDLE_TIMEOUT_SECONDS:
                reason = "idle"
            if reason:
                auth.sign_out(request, reason=reason)
                messages.warning(request, _("Your session has ended. Please sign in again."))
                if request.path.startswith(("/api/v1/", "/api/schema/")):  # the API: a 401 problem
                    from dalil.api.problems import problem_response

                    return problem_response(
                        request, 401, _("Your session has ended. Please sign in again.")
                    )
                return redirect(settings.LOGIN_URL)
            if now - seen >= SEEN_STAMP_SECONDS:
                request.session[auth.SEEN_KEY] = now
        return self.get_response(request)


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lang = getattr(request.user, "language", None)
        if lang:
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        return self.get_response(request)
