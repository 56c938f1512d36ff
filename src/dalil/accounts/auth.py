"""Sign-in with two factors, lockout, enrolment and recovery codes.

A session becomes authenticated only in `complete_sign_in`, after the second factor; the password
step only remembers, in the session, which user is half-way (`PENDING_KEY`).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
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
    locked: bool = False


def _failures(username: str) -> int:
    since = timezone.now() - dt.timedelta(seconds=settings.DALIL_LOCKOUT_WINDOW_SECONDS)
    return LoginFailure.objects.filter(username=username, ts__gte=since).count()


def is_locked(username: str) -> bool:
    """Locked: an account an administrator has not yet released, or any user name (known or not,
    so the answer does not reveal which exist) with too many recent failures."""
    user = User.objects.filter(username=username).first()
    return bool(user and user.locked_at) or _failures(username) >= settings.DALIL_LOCKOUT_FAILURES


def register_failure(username: str, action: str) -> bool:
    """Count a failure; lock the account at the limit. Returns True when now locked."""
    with transaction.atomic():
        LoginFailure.objects.create(username=username)
        user = User.objects.filter(username=username).first()
        audit.record(
            actor=None,
            action=action,
            target=user,
            payload={"username": username[:150]},
        )
        if _failures(username) >= settings.DALIL_LOCKOUT_FAILURES:
            if user and user.locked_at is None:
                user.locked_at = timezone.now()
                user.save(update_fields=["locked_at"])
                audit.record(actor=None, action="accounts.user_locked", target=user)
            return True
    return False


def check_password_step(request: HttpRequest, username: str, password: str) -> PasswordResult:
    username = username.strip().lower()[:150]
    if is_locked(username):
        # Still count it: an attacker learns nothing, and the ledger shows the attempt.
        register_failure(username, "accounts.sign_in_failed")
        return PasswordResult(None, locked=True)
    user = authenticate(request, username=username, password=password)
    if user is None:
        locked = register_failure(username, "accounts.sign_in_failed")
        return PasswordResult(None, locked=locked)
    request.session.cycle_key()
    request.session[PENDING_KEY] = user.pk
    request.session[PENDING_AT_KEY] = timezone.now().timestamp()
    return PasswordResult(user)  # type: ignore[arg-type]


def pending_user(request: HttpRequest) -> User | None:
    """The user who passed the password step in this session, for five minutes."""
    pk = request.session.get(PENDING_KEY)
    at = request.session.get(PENDING_AT_KEY, 0)
    if not pk or timezone.now().timestamp() - at > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or is_locked(user.username):
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
    # verify_token deletes the used code.
    if static and static.verify_token(recovery_digest(token)):
        with transaction.atomic():
            audit.record(
                actor=user,
                action="accounts.recovery_code_used",
                target=user,
                payload={"left": static.token_set.count()},
            )
        return static
    return None


def complete_sign_in(request: HttpRequest, user: User, device: TOTPDevice | StaticDevice) -> None:
    with transaction.atomic():
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])  # rotates the session key
        otp_login(request, device)
        now = timezone.now().timestamp()
        request.session[STARTED_KEY] = now
        request.session[SEEN_KEY] = now
        request.session.pop(PENDING_KEY, None)
        request.session.pop(PENDING_AT_KEY, None)
        LoginFailure.objects.filter(username=user.username).delete()
        audit.record(
            actor=user,
            action="accounts.signed_in",
            target=user,
            payload={"factor": "totp" if isinstance(device, TOTPDevice) else "recovery"},
        )


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


def enrol_confirm(user: User, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm the device with a first code; returns new recovery codes, shown once."""
    token = "".join(token.split())
    if not (token.isdigit() and len(token) == 6 and device.verify_token(token)):
        return None
    codes = [f"{secrets.token_hex(5)}-{secrets.token_hex(5)}" for _ in range(RECOVERY_CODES)]
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=user).delete()
        static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
        StaticToken.objects.bulk_create(
            [StaticToken(device=static, token=recovery_digest(c)) for c in codes]
        )
        audit.record(actor=user, action="accounts.mfa_enrolled", target=user)
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
