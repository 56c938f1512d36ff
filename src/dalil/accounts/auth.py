"""Sign-in with two factors, the waits after failures (`throttle`), recovery codes.

A session becomes authenticated only in `complete_sign_in`, after the second factor; the password
step only remembers, in the session, which user is half-way (`PENDING_KEY`). An account without a
second factor cannot sign in: it enrols with a one-time code (`enrolment`).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dalil import audit

from . import alerts, throttle
from .models import LoginFailure, User

PENDING_KEY = "dalil_pending_user"
PENDING_AT_KEY = "dalil_pending_at"
STARTED_KEY = "dalil_auth_started"
SEEN_KEY = "dalil_last_seen"
PENDING_SECONDS = 5 * 60
RECOVERY_CODES = 10


@dataclass
class PasswordResult:
    user: User | None
    failed: bool = False  # the password was checked and was wrong (or the user unknown)
    wait: int = 0  # seconds this client must wait before trying this user name again
    not_enrolled: bool = False  # right password, but no second factor: needs an enrolment code


def check_password_step(request: HttpRequest, username: str, password: str) -> PasswordResult:
    username = username.strip().lower()[:150]
    key = throttle.client_key(request)
    wait = throttle.wait_seconds(username, key)
    if wait:  # refused before any check: the same answer whether the name exists or not
        return PasswordResult(None, wait=wait)
    user = authenticate(request, username=username, password=password)
    if user is None:
        wait = throttle.register_failure(username, key, LoginFailure.Step.PASSWORD)
        return PasswordResult(None, failed=True, wait=wait)
    assert isinstance(user, User)
    if confirmed_totp(user) is None:
        return PasswordResult(user, not_enrolled=True)
    request.session.cycle_key()
    request.session[PENDING_KEY] = user.pk
    request.session[PENDING_AT_KEY] = timezone.now().timestamp()
    return PasswordResult(user)


def register_code_failure(request: HttpRequest, user: User) -> int:
    """A wrong second-factor code counts like a wrong password; returns the wait it imposes."""
    return throttle.register_failure(
        user.username, throttle.client_key(request), LoginFailure.Step.CODE
    )


def pending_user(request: HttpRequest) -> User | None:
    """The user who passed the password step in this session, for five minutes."""
    pk = request.session.get(PENDING_KEY)
    at = request.session.get(PENDING_AT_KEY, 0)
    if not pk or timezone.now().timestamp() - at > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pk, is_active=True, locked_at__isnull=True).first()
    if user is None or throttle.wait_seconds(user.username, throttle.client_key(request)):
        return None
    return user


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_digest(code: str) -> str:
    """What is stored of a recovery code: 80 bits of its SHA-256, in base32 (django-otp's token
    column holds 16 characters). The codes carry 80 random bits, so the stored digests cannot be
    turned back into codes by trying them all; a database copy does not let anyone sign in."""
    text = "".join(code.split()).lower()
    return base64.b32encode(hashlib.sha256(text.encode()).digest()[:10]).decode().lower()


def verify_second_factor(user: User, token: str) -> TOTPDevice | StaticDevice | None:
    """A six-digit TOTP code, or a single-use recovery code."""
    token = "".join(token.split())
    device = confirmed_totp(user)
    if device and token.isdigit() and len(token) == 6 and device.verify_token(token):
        return device
    static = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if static is None:
        return None
    # verify_token deletes the used code: in the transaction of its ledger entry.
    with transaction.atomic():
        if not static.verify_token(recovery_digest(token)):
            return None
        audit.record(
            actor=user,
            action="accounts.recovery_code_used",
            target=user,
            payload={"left": static.token_set.count()},
        )
    return static


def complete_sign_in(request: HttpRequest, user: User, device: TOTPDevice | StaticDevice) -> None:
    with transaction.atomic():
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])  # rotates the session key
        otp_login(request, device)
        now = timezone.now().timestamp()
        request.session[STARTED_KEY] = now
        request.session[SEEN_KEY] = now
        request.session.pop(PENDING_KEY, None)
        request.session.pop(PENDING_AT_KEY, None)
        throttle.clear(user.username, throttle.client_key(request))
        entry = audit.record(
            actor=user,
            action="accounts.signed_in",
            target=user,
            payload={"factor": "totp" if isinstance(device, TOTPDevice) else "recovery"},
        )
        alerts.watch_first_sign_in(user, entry)


def sign_out(request: HttpRequest, *, reason: str = "") -> None:
    user = request.user
    if user.is_authenticated:
        with transaction.atomic():
            action = "accounts.session_expired" if reason else "accounts.signed_out"
            audit.record(
                actor=user, action=action, target=user, payload={"reason": reason} if reason else {}
            )
    logout(request)  # flushes the server-side session: the old cookie is worthless


# --- Enrolment ------------------------------------------------------------------------------------
def enrol_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled (one per user), created on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def confirm_device(user: User, device: TOTPDevice) -> list[str]:
    """Make `device` the user's only authenticator, with ten new recovery codes, returned to be
    shown once. Inside the enrolment's transaction (`enrolment.complete`), which ledgers it."""
    codes = [f"{secrets.token_hex(5)}-{secrets.token_hex(5)}" for _ in range(RECOVERY_CODES)]
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    StaticToken.objects.bulk_create(
        [StaticToken(device=static, token=recovery_digest(c)) for c in codes]
    )
    return codes


def enrol_fixed_key(*, actor: object, user: User, key_hex: str) -> TOTPDevice:
    """Demo and bootstrap only: enrol a TOTP device with a known key (operator's CLI)."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user, name="authenticator", key=key_hex, confirmed=True
        )
        audit.record(
            actor=actor, action="accounts.mfa_enrolled", target=user, payload={"fixed_key": True}
        )
    return device


def current_code(user: User) -> str:
    """The code a user's enrolled authenticator shows now (for `dalil demo-otp`)."""
    from django_otp.oath import TOTP

    device = confirmed_totp(user)
    if device is None:
        raise LookupError(user.username)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(device.digits)


def verify_in_person(
    request: HttpRequest,
    username: str,
    secret: str,
    allowed: Callable[[User], bool] = lambda user: True,
) -> User | None:
    """A second person present at this screen proves who they are (a two-person hand-over of
    evidence): their password, or the six-digit code of their authenticator. Failures count like
    failed sign-ins of that account from this client, with the same waits, so the screen's owner
    cannot guess a colleague's password here. A user for whom `allowed` is false is answered as a
    wrong password, without the password being checked. None: not proven (or must wait)."""
    username = username.strip().lower()[:150]
    key = throttle.client_key(request)
    if throttle.wait_seconds(username, key):
        return None
    secret = secret.strip()
    user = User.objects.filter(username=username, is_active=True, locked_at__isnull=True).first()
    proven: User | None = None
    if user is not None and allowed(user):
        device = confirmed_totp(user)
        if secret.isdigit() and len(secret) == 6 and device is not None:
            proven = user if device.verify_token(secret) else None
        else:
            found = authenticate(request, username=username, password=secret)
            proven = found if isinstance(found, User) else None
    if proven is None:
        step = (
            LoginFailure.Step.CODE
            if secret.isdigit() and len(secret) == 6
            else (LoginFailure.Step.PASSWORD)
        )
        throttle.register_failure(username, key, step)
    return proven
