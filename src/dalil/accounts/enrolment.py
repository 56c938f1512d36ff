"""One-time enrolment codes: a new account's first password and second factor, and every reset by
an administrator, are set by the user through a code that nobody else can use after them.

The code is shown once, to whoever issued it (an administrator's confirmation page, or the
operator's terminal), to hand to the user in person. Only its SHA-256 is stored. It works once,
for DALIL_ENROLMENT_HOURS, and only while it is the account's newest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from dalil import audit

from . import auth
from .models import Enrolment, User

# Crockford's base32: no I, L, O or U, so a code copied from paper is read back the same.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 28  # 28 × 5 = 140 random bits
GROUP = 4
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


@dataclass(frozen=True)
class Issued:
    """A code just issued: the only moment its text exists."""

    user: User
    code: str
    expires_at: dt.datetime

    @property
    def link(self) -> str:
        return settings.DALIL_BASE_URL + reverse("accounts:enrol_code", args=[self.code])


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + GROUP] for i in range(0, LENGTH, GROUP))


def normalise(code: str) -> str:
    """The code as stored (hashed): capitals, no spaces or dashes; "" when it cannot be one."""
    text = "".join(code.split()).replace("-", "").upper().translate(_READ_AS)
    return text if len(text) == LENGTH and all(c in ALPHABET for c in text) else ""


def digest(code: str) -> str:
    """What is stored of a code. An unreadable code digests to a value no code can have."""
    text = normalise(code)
    return hashlib.sha256(text.encode()).hexdigest() if text else "-"


def issue(*, actor: Any, user: User, reason: str) -> Issued:
    """A new code for `user`, superseding any open one. Runs inside the caller's transaction; the
    ledger entry holds no part of the code."""
    now = timezone.now()
    Enrolment.objects.filter(user=user, used_at=None, superseded_at=None).update(superseded_at=now)
    code = _new_code()
    enrolment = Enrolment.objects.create(
        user=user,
        digest=digest(code),
        created_at=now,
        expires_at=now + dt.timedelta(hours=settings.DALIL_ENROLMENT_HOURS),
    )
    audit.record(
        actor=actor,
        action="accounts.enrolment_issued",
        target=user,
        payload={
            "enrolment": enrolment.pk,
            "reason": reason,
            "expires_at": enrolment.expires_at.isoformat(),
        },
    )
    return Issued(user=user, code=code, expires_at=enrolment.expires_at)


def pending(user: User) -> Enrolment | None:
    """The account's open code (for the administrator's page: when it expires)."""
    e = Enrolment.objects.filter(user=user, used_at=None, superseded_at=None).first()
    return e if e is not None and not e.refusal(timezone.now()) else None


def find(code: str) -> tuple[Enrolment | None, str]:
    """The enrolment a presented code names (whatever its state) and why it cannot be used:
    "" when it can, else "unknown", "used", "superseded", "expired" or "inactive" (for the ledger;
    the page says the same for all of them)."""
    found = Enrolment.objects.select_related("user").filter(digest=digest(code)).first()
    if found is None:
        return None, "unknown"
    return found, found.refusal(timezone.now()) or ("" if found.user.is_active else "inactive")


def still_open(pk: int | None) -> Enrolment | None:
    if pk is None:
        return None
    found = Enrolment.objects.select_related("user").filter(pk=pk).first()
    if found is None or found.refusal(timezone.now()) or not found.user.is_active:
        return None
    return found


def not_valid_message() -> str:
    return _(
        "This enrolment code cannot be used: it is wrong, already used, replaced by a newer one "
        "or expired. Ask your administrator for a new one."
    )


def complete(*, enrolment_pk: int, password: str, device: TOTPDevice, token: str) -> list[str]:
    """The user sets their password and confirms their authenticator with a first code, in one
    transaction that also spends the enrolment. Returns the recovery codes, shown once."""
    token = "".join(token.split())
    with transaction.atomic():
        enrolment = Enrolment.objects.select_for_update().filter(pk=enrolment_pk).first()
        if enrolment is None or enrolment.refusal(timezone.now()):
            raise ValidationError(not_valid_message())
        user = enrolment.user
        if device.user_id != user.pk or device.confirmed:
            raise ValidationError(not_valid_message())
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationError({"new_password": exc.error_list}) from None
        # A wrong code must not roll back: django-otp keeps its throttle on the device row.
        right = token.isdigit() and len(token) == 6 and device.verify_token(token)
        if right:
            now = timezone.now()
            user.set_password(password)
            user.password_changed_at = now
            user.save(update_fields=["password", "password_changed_at"])
            codes = auth.confirm_device(user, device)
            enrolment.used_at = now
            enrolment.save(update_fields=["used_at"])
            audit.record(
                actor=user,
                action="accounts.enrolment_completed",
                target=user,
                payload={"enrolment": enrolment.pk},
            )
    if not right:
        raise ValidationError(
            {
                "token": _(
                    "This code is not valid. Check the time on your phone and try the newest code."
                )
            }
        )
    return codes
