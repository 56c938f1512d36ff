"""Ending every way into an account at once, when an administrator resets its password or second
factor: its sessions here, and what other apps hold for it (API tokens), which they register with
`register()` from their AppConfig.ready() so that accounts imports none of them."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.utils import timezone

from .models import User

# (actor, user) -> how many were revoked; each revoker writes its own ledger entries.
Revoker = Callable[[Any, User], int]
_REVOKERS: dict[str, Revoker] = {}


def register(name: str, revoke: Revoker) -> None:
    _REVOKERS[name] = revoke


def end_sessions(user: User) -> int:
    """Delete the account's server-side sessions, signed in or half-way through the sign-in.

    Database sessions carry no user column, so every live session is read: a reset is rare, and
    a session that escaped would still die at its next request, since the password it was opened
    with (whose hash Django checks on every request) is gone."""
    from . import auth

    model = import_module(settings.SESSION_ENGINE).SessionStore.get_model_class()
    ended = [
        s.session_key
        for s in model.objects.filter(expire_date__gt=timezone.now()).iterator()
        if _belongs(s.get_decoded(), user, auth.PENDING_KEY)
    ]
    model.objects.filter(session_key__in=ended).delete()
    return len(ended)


def _belongs(data: dict[str, Any], user: User, pending_key: str) -> bool:
    return str(data.get("_auth_user_id", "")) == str(user.pk) or data.get(pending_key) == user.pk


def revoke_all(*, actor: Any, user: User) -> dict[str, int]:
    """Inside the reset's transaction. Returns what ended, by kind, for its ledger entry."""
    counts = {"sessions": end_sessions(user)}
    for name, revoke in sorted(_REVOKERS.items()):
        counts[name] = revoke(actor, user)
    return counts
