"""Sign-in (password, then second factor), enrolment with a one-time code, sign-out, own password."""

from __future__ import annotations

import base64
import math

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from dalil.ui.forms import apply_errors

from . import auth, enrolment, services, throttle
from .forms import EnrolmentCodeForm, EnrolmentForm, LoginForm, PasswordChangeForm, TokenForm
from .models import Enrolment, User

ENROLMENT_KEY = "dalil_enrolment"


def _generic_failure() -> str:
    return _("The user name or password is wrong.")


def _wait_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed attempts. Try again in %(n)d minute.",
        "Too many failed attempts. Try again in %(n)d minutes.",
        minutes,
    ) % {"n": minutes}


def _not_enrolled_message() -> str:
    return _("Your account has no second factor yet. Ask your administrator for an enrolment code.")


def _bad_code() -> str:
    return _("This code is not valid. Check the time on your phone and try the newest code.")


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("ui:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = auth.check_password_step(
            request, form.cleaned_data["username"], form.cleaned_data["password"]
        )
        if result.user is not None and not result.not_enrolled:
            return redirect("accounts:login_otp")
        if result.not_enrolled:
            form.add_error(None, _not_enrolled_message())
        if result.failed:
            form.add_error(None, _generic_failure())
        if result.wait:
            form.add_error(None, _wait_message(result.wait))
    return render(request, "accounts/login.html", {"form": form})


@require_http_methods(["GET", "POST"])
def login_otp_view(request: HttpRequest) -> HttpResponse:
    user = auth.pending_user(request)
    if user is None:
        messages.warning(request, _("Please sign in again."))
        return redirect("accounts:login")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = auth.verify_second_factor(user, form.cleaned_data["token"])
        if device is not None:
            auth.complete_sign_in(request, user, device)
            return redirect("ui:home")
        wait = auth.register_code_failure(request, user)
        if wait:  # start again from the password once the wait is over
            request.session.flush()
            messages.error(request, _wait_message(wait))
            return redirect("accounts:login")
        form.add_error("token", _bad_code())
    return render(request, "accounts/login_otp.html", {"form": form, "pending": user})


# --- Enrolment with a one-time code ----------------------------------------------------------------
def _open_or_refuse(request: HttpRequest, code: str) -> Enrolment | str:
    """The enrolment a presented code opens, or the message to show. Refusals are ledgered and
    counted per client; a client with too many waits before any code is looked up."""
    key = throttle.client_key(request)
    wait = throttle.enrolment_wait(key)
    if wait:
        return _wait_message(wait)
    found, reason = enrolment.find(code)
    if found is None or reason:
        throttle.register_enrolment_refusal(key, found.user if found else None, reason)
        return enrolment.not_valid_message()
    return found


def _open_enrolment(request: HttpRequest, found: Enrolment) -> HttpResponse:
    """Remember the enrolment in a fresh session and continue without the code in the address."""
    if request.user.is_authenticated:
        auth.sign_out(request)
    request.session.cycle_key()
    request.session[ENROLMENT_KEY] = found.pk
    return redirect("accounts:enrol_setup")


@require_http_methods(["GET", "POST"])
def enrol_view(request: HttpRequest) -> HttpResponse:
    """Type the code you were handed (when you cannot open the link)."""
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        found = _open_or_refuse(request, form.cleaned_data["code"])
        if isinstance(found, str):
            form.add_error("code", found)
        else:
            return _open_enrolment(request, found)
    return render(request, "accounts/enrol_code.html", {"form": form})


@require_http_methods(["GET"])
def enrol_code_view(request: HttpRequest, code: str) -> HttpResponse:
    """The one-time link: opens the enrolment, or says in one message why it cannot."""
    found = _open_or_refuse(request, code)
    if isinstance(found, str):
        form = EnrolmentCodeForm({"code": code[:60]})
        form.is_valid()
        form.add_error("code", found)
        return render(request, "accounts/enrol_code.html", {"form": form})
    return _open_enrolment(request, found)


@require_http_methods(["GET", "POST"])
def enrol_setup_view(request: HttpRequest) -> HttpResponse:
    """Choose a password, scan the QR code, type a first code: then signed in, with the recovery
    codes shown once."""
    found = enrolment.still_open(request.session.get(ENROLMENT_KEY))
    if found is None:
        request.session.pop(ENROLMENT_KEY, None)
        messages.error(request, enrolment.not_valid_message())
        return redirect("accounts:enrol")
    user = found.user
    device = auth.enrol_device(user)
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = enrolment.complete(
                enrolment_pk=found.pk,
                password=form.cleaned_data["new_password"],
                device=device,
                token=form.cleaned_data["token"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            request.session.pop(ENROLMENT_KEY, None)
            user.refresh_from_db()  # the session is bound to the new password's hash
            auth.complete_sign_in(request, user, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=True)
    b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "subject": user,
            "qr": mark_safe(qr),  # noqa: S308 (segno's own SVG)
            "secret": b32,
        },
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    auth.sign_out(request)
    messages.info(request, _("You have signed out."))
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def password_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    user = request.user
    assert isinstance(user, User)  # login_required
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_password(
                actor=user, user=user, password=form.cleaned_data["new_password"]
            )
        except ValidationError as exc:
            form.add_error("new_password", exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password has been changed."))
            return redirect("ui:home")
    return render(
        request,
        "ui/form_page.html",
        {"form": form, "title": _("Change your password"), "submit_label": _("Change password")},
    )
