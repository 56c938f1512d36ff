"""Waits after failed sign-ins, counted per account AND client (docs/adr/0017-lockout.md).

A failure makes this client wait before it may try this user name again: nothing after the first
two, a minute after the third, five after the fourth, and after the fifth within 15 minutes the
CJIS lock of 15 minutes. Attempts made during a wait are refused before any password is checked.
The lock ends by itself, holds up no other client (the owner's), and never ends a session.

The client is known only by `client_key()`, an HMAC of its address under the SECRET_KEY: the
address itself is never stored, and the key never reaches the ledger.
"""

from __future__ import annotations

import datetime as dt
import math

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from dalil import audit

from . import alerts
from .models import LoginFailure, User

SIGN_IN_STEPS = (LoginFailure.Step.PASSWORD, LoginFailure.Step.CODE)
KEEP = dt.timedelta(days=1)  # failures older than this count for nothing and are removed


def client_address(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind DALIL_TRUSTED_PROXIES proxies the address the outermost one saw."""
    proxies = settings.DALIL_TRUSTED_PROXIES
    if proxies > 0:
        hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [h for h in hops if h]
        if len(hops) >= proxies:
            return hops[-proxies]
    return str(request.META.get("REMOTE_ADDR", ""))


def client_key(request: HttpRequest) -> str:
    return salted_hmac("dalil.accounts.client", client_address(request)).hexdigest()


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.DALIL_LOCKOUT_WINDOW_SECONDS)


def _delay(failures: int) -> int:
    """The wait, in seconds, after `failures` failures within the window."""
    if failures >= settings.DALIL_LOCKOUT_FAILURES:
        return int(settings.DALIL_LOCKOUT_SECONDS)
    delays = settings.DALIL_SIGN_IN_DELAYS
    return int(delays[failures - 1]) if 0 < failures <= len(delays) else 0


def _wait(failures: QuerySet[LoginFailure], delay: int | None = None) -> tuple[int, int]:
    """(failures within the window that ends at the latest one, seconds left to wait now)."""
    last = failures.order_by("-ts").values_list("ts", flat=True).first()
    if last is None:
        return 0, 0
    count = failures.filter(ts__gt=last - _window(), ts__lte=last).count()
    until = last + dt.timedelta(seconds=_delay(count) if delay is None else delay)
    return count, max(0, math.ceil((until - timezone.now()).total_seconds()))


def _sign_in_failures(username: str, key: str) -> QuerySet[LoginFailure]:
    return LoginFailure.objects.filter(username=username, client_key=key, step__in=SIGN_IN_STEPS)


def wait_seconds(username: str, key: str) -> int:
    """Seconds before this client may try this user name (known or not) again; 0: now."""
    return _wait(_sign_in_failures(username, key))[1]


def register_failure(username: str, key: str, step: str) -> int:
    """Count a failed password or code; returns the wait it now imposes on this client."""
    action = "accounts.sign_in_failed" if step == "password" else "accounts.second_factor_failed"
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        entry = audit.record(
            actor=None, action=action, target=user, payload={"username": username[:150]}
        )
        LoginFailure.objects.create(
            username=username, client_key=key, step=step, entry_seq=entry.seq
        )
        count, wait = _wait(_sign_in_failures(username, key))
        if count == settings.DALIL_LOCKOUT_FAILURES:
            audit.record(
                actor=None,
                action="accounts.sign_in_locked",
                target=user,
                payload={
                    "username": username[:150],
                    "minutes": settings.DALIL_LOCKOUT_SECONDS // 60,
                },
            )
        alerts.watch_failures(key)
        LoginFailure.objects.filter(ts__lt=timezone.now() - KEEP).delete()
    return wait


def clear(username: str, key: str) -> None:
    """A complete sign-in from this client: its count for this account starts again."""
    _sign_in_failures(username, key).delete()


def recent_failures(username: str) -> int:
    """Failed sign-ins for an account within the window, from every client (the user's page)."""
    since = timezone.now() - _window()
    return LoginFailure.objects.filter(
        username=username, step__in=SIGN_IN_STEPS, ts__gt=since
    ).count()


# --- Enrolment codes --------------------------------------------------------------------------------
def _enrolment_refusals(key: str) -> QuerySet[LoginFailure]:
    return LoginFailure.objects.filter(client_key=key, step=LoginFailure.Step.ENROLMENT)


def enrolment_wait(key: str) -> int:
    """After DALIL_ENROLMENT_GUESSES refused codes within the window, the client waits out the
    lock. A code has 140 random bits, so this only keeps the refusals cheap and the ledger short."""
    count, wait = _wait(_enrolment_refusals(key), delay=int(settings.DALIL_LOCKOUT_SECONDS))
    return wait if count >= settings.DALIL_ENROLMENT_GUESSES else 0


def register_enrolment_refusal(key: str, user: User | None, reason: str) -> None:
    with transaction.atomic():
        entry = audit.record(
            actor=None, action="accounts.enrolment_refused", target=user, payload={"reason": reason}
        )
        LoginFailure.objects.create(
            username=user.username if user else "",
            client_key=key,
            step=LoginFailure.Step.ENROLMENT,
            entry_seq=entry.seq,
        )
