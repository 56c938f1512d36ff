"""API tokens: create (from a signed-in, second-factor session only) and revoke, on the ledger."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import access, audit

from .models import ApiToken

PREFIX = "dalil_"
DEFAULT_DAYS = 90
MAX_DAYS = 365


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _session_verified(actor: Any) -> bool:
    """R-09: a signed-in session that passed the second factor (django-otp's `is_verified`).
    A user authenticated by an API token is never verified this way: a token cannot mint tokens."""
    check = getattr(actor, "is_verified", None)
    return bool(getattr(actor, "is_authenticated", False) and callable(check) and check())


def token_create(*, actor: Any, name: str, days: int = DEFAULT_DAYS) -> tuple[ApiToken, str]:
    """A new token for `actor`. Returns the row and the secret, which is never stored or shown again."""
    if not _session_verified(actor):
        raise access.Denied(actor, "api.token_create", None)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if len(name) > 100:
        raise ValidationError({"name": _("Use at most 100 characters.")})
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            {"days": _("Choose a validity between 1 and %(max)d days.") % {"max": MAX_DAYS}}
        )
    secret = PREFIX + secrets.token_urlsafe(32)  # 256 bits
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=actor,
            name=name,
            key_id=secrets.token_hex(6),
            digest=digest(secret),
            created_at=now,
            expires_at=now + dt.timedelta(days=days),
        )
        audit.record(
            actor=actor,
            action="api.token_created",
            target=token,
            payload={
                "key_id": token.key_id,
                "name": name,
                "expires_at": token.expires_at.isoformat(),
            },
        )
    return token, secret


def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    """The owner withdraws a token at once. Revoking a revoked token changes nothing."""
    access.require(actor, "revoke", token)
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor, action="api.token_revoked", target=token, payload={"key_id": token.key_id}
        )
    return token


def tokens_revoke_all(actor: Any, user: Any) -> int:
    """An administrator reset the user's sign-in (`accounts.revocation`): every token still
    active ends with it, each with its own entry. Inside the reset's transaction."""
    now = timezone.now()
    tokens = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=now))
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit.record(
            actor=actor,
            action="api.token_revoked",
            target=token,
            payload={"key_id": token.key_id, "reason": "sign_in_reset"},
        )
    return len(tokens)


def token_user(secret: str) -> tuple[Any, ApiToken] | None:
    """The active user and token for a presented secret, or None (unknown, expired, revoked)."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest(secret)).first()
    now = timezone.now()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    user = token.user
    if not user.is_active or user.locked_at is not None:
        return None
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # bookkeeping, not an event
    return user, token
