"""Sign-in (password, then second factor), enrolment, recovery codes, sign-out, own password."""

from __future__ import annotations

import base64

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import auth, services
from .forms import EnrolForm, LoginForm, PasswordChangeForm, TokenForm
from .models import User


def _generic_failure() -> str:
    return _("The user name or password is wrong.")


def _locked_message() -> str:
    return _(
        "This account is locked after repeated failed sign-ins. "
        "Ask your unit's administrator to release it."
    )


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("ui:home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = auth.check_password_step(
            request, form.cleaned_data["username"], form.cleaned_data["password"]
        )
        if result.user is not None:
            if auth.confirmed_totp(result.user):
                return redirect("accounts:login_otp")
            return redirect("accounts:enrol")
        form.add_error(None, _locked_message() if result.locked else _generic_failure())
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
        if auth.register_failure(user.username, "accounts.second_factor_failed"):
            request.session.flush()
            messages.error(request, _locked_message())
            return redirect("accounts:login")
        form.add_error(
            "token",
            _("This code is not valid. Check the time on your phone and try the newest code."),
        )
    return render(request, "accounts/login_otp.html", {"form": form, "pending": user})


@require_http_methods(["GET", "POST"])
def enrol_view(request: HttpRequest) -> HttpResponse:
    """First sign-in: scan the QR code, type a code; the recovery codes are shown once."""
    user = auth.pending_user(request)
    if user is None:
        messages.warning(request, _("Please sign in again."))
        return redirect("accounts:login")
    if auth.confirmed_totp(user):
        return redirect("accounts:login_otp")
    device = auth.enrol_device(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = auth.enrol_confirm(user, device, form.cleaned_data["token"])
        if codes is not None:
            auth.complete_sign_in(request, user, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes})
        form.add_error(
            "token",
            _("This code is not valid. Check the time on your phone and try the newest code."),
        )
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=True)
    b32 = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "accounts/enrol.html",
        {"form": form, "qr": mark_safe(qr), "secret": b32},  # noqa: S308 (segno's own SVG)
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
