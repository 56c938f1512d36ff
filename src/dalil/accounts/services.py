"""Writes to the organisation tree and user accounts. Each checks the door and writes the ledger."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import access, audit, search
from dalil.audit.ledger import System
from dalil.core.records import apply_changes

from . import enrolment, revocation, selectors
from .models import Governorate, LoginFailure, Unit, User

UNIT_FIELDS = ("kind", "name_ar", "name_ckb", "name_en", "governorate", "is_active")
USER_FIELDS = ("full_name", "full_name_latin", "badge_number", "language", "is_active")


_changes = apply_changes


def unit_create(
    *,
    actor: Any,
    parent: Unit | None,
    code: str,
    kind: str,
    name_ar: str,
    name_ckb: str = "",
    name_en: str = "",
    governorate: Governorate | None = None,
) -> Unit:
    """A child unit, by someone who manages `parent`. A root needs the system actor (bootstrap)."""
    if parent is None:
        if not isinstance(actor, System) or Unit.objects.exists():
            raise ValidationError(_("Every unit except the ministry needs a parent unit."))
    else:
        access.require_unless_operator(actor, "add_unit", parent)
    if Unit.objects.filter(code__iexact=code).exists():
        raise ValidationError({"code": _("A unit with this code already exists.")})
    with transaction.atomic():
        unit = Unit(
            parent=parent,
            code=code,
            kind=kind,
            name_ar=name_ar,
            name_ckb=name_ckb,
            name_en=name_en,
            governorate=governorate or (parent.governorate if parent else None),
            path=f"{parent.path if parent else '/'}{code}/",
        )
        unit.full_clean()
        unit.save()
        search.index(unit)
        audit.record(
            actor=actor,
            action="accounts.unit_created",
            target=unit,
            payload={"code": code, "parent": parent.code if parent else None, "kind": kind},
        )
    return unit


def unit_update(*, actor: Any, unit: Unit, **fields: Any) -> Unit:
    access.require(actor, "manage", unit)
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        diff = _changes(unit, fields)
        if diff:
            unit.full_clean()
            unit.save()
            search.index(unit)
            audit.record(
                actor=actor, action="accounts.unit_changed", target=unit, payload={"changes": diff}
            )
    return unit


def _new_user(
    *,
    actor: Any,
    unit: Unit,
    username: str,
    full_name: str,
    full_name_latin: str,
    badge_number: str,
    language: str,
) -> User:
    access.require_unless_operator(actor, "add_user", unit)
    username = username.lower()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": _("This user name is taken.")})
    user = User(
        unit=unit,
        username=username,
        full_name=full_name,
        full_name_latin=full_name_latin,
        badge_number=badge_number,
        language=language,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    return user


def _save_new_user(actor: Any, user: User) -> None:
    user.save()
    search.index(user)
    audit.record(
        actor=actor,
        action="accounts.user_created",
        target=user,
        payload={"username": user.username, "unit": user.unit.code},
    )


def user_create(
    *,
    actor: Any,
    unit: Unit,
    username: str,
    full_name: str,
    full_name_latin: str = "",
    badge_number: str = "",
    language: str = "ar",
) -> enrolment.Issued:
    """A new account without a password: it gets a one-time enrolment code, returned here to be
    shown once, with which the user sets their own password and second factor."""
    user = _new_user(
        actor=actor,
        unit=unit,
        username=username,
        full_name=full_name,
        full_name_latin=full_name_latin,
        badge_number=badge_number,
        language=language,
    )
    with transaction.atomic():
        _save_new_user(actor, user)
        return enrolment.issue(actor=actor, user=user, reason="new_account")


def operator_user_create(
    *,
    actor: Any,
    unit: Unit,
    username: str,
    full_name: str,
    password: str,
    full_name_latin: str = "",
    badge_number: str = "",
    language: str = "ar",
) -> User:
    """The operator's command line only (demo data, tests): an account with a chosen password and
    no enrolment code; `auth.enrol_fixed_key` gives it its second factor."""
    if not access.is_operator(actor):
        raise access.Denied(actor, "add_user_with_password", unit)
    user = _new_user(
        actor=actor,
        unit=unit,
        username=username,
        full_name=full_name,
        full_name_latin=full_name_latin,
        badge_number=badge_number,
        language=language,
    )
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.password_changed_at = timezone.now()
        _save_new_user(actor, user)
    return user


def user_update(*, actor: Any, user: User, **fields: Any) -> User:
    access.require(actor, "manage", user)
    unknown = set(fields) - set(USER_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    if fields.get("is_active") is False and user.pk == getattr(actor, "pk", None):
        raise ValidationError(_("You cannot deactivate your own account."))
    with transaction.atomic():
        diff = _changes(user, fields)
        if diff:
            user.full_clean(exclude=["password"])
            user.save()
            search.index(user)
            audit.record(
                actor=actor, action="accounts.user_changed", target=user, payload={"changes": diff}
            )
    return user


def user_unlock(*, actor: Any, user: User) -> User:
    """An administrator clears the failed sign-ins counted for an account (from every client), and
    releases a lock set under the rule before ADR "lockout" (`locked_at`)."""
    access.require(actor, "manage", user)
    with transaction.atomic():
        cleared, _detail = LoginFailure.objects.filter(username=user.username).delete()
        if user.locked_at is not None:
            user.locked_at = None
            user.save(update_fields=["locked_at"])
        audit.record(
            actor=actor,
            action="accounts.user_unlocked",
            target=user,
            payload={"failures_cleared": cleared},
        )
    return user


RESETS = {
    "password": "accounts.password_reset",
    "second_factor": "accounts.mfa_reset",
    "new_code": None,  # an account that never enrolled: only a fresh code
}


def user_credentials_reset(*, actor: Any, user: User, what: str) -> enrolment.Issued:
    """An administrator resets a password or a second factor (forgotten, lost phone, seen by
    someone): the account loses both and all its sessions and API tokens, and the user sets both
    again with a one-time enrolment code, returned here to be shown once."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    access.require_unless_operator(actor, "manage", user)
    if what not in RESETS:
        raise ValueError(what)
    if user.pk == getattr(actor, "pk", None):
        raise ValidationError(_("Ask another administrator to reset your own sign-in."))
    if what == "new_code" and (user.has_usable_password() or selectors.has_mfa(user)):
        raise ValidationError(
            _("This account has enrolled: reset its password or second factor instead.")
        )
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        ended = revocation.revoke_all(actor=actor, user=user)
        action = RESETS[what]
        if action:
            audit.record(actor=actor, action=action, target=user, payload={"ended": ended})
        return enrolment.issue(actor=actor, user=user, reason=what)


def user_set_password(*, actor: Any, user: User, password: str) -> User:
    """A user changes their own password (administrators never choose or read one)."""
    if getattr(actor, "pk", None) != user.pk:
        raise access.Denied(actor, "set_password", user)
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "password_changed_at"])
        audit.record(actor=actor, action="accounts.password_changed", target=user)
    return user


def user_set_language(*, actor: Any, language: str) -> None:
    """Any signed-in user chooses their own interface language."""
    if language not in dict(User.Language.choices) or not getattr(actor, "pk", None):
        raise ValidationError(_("Choose one of the offered languages."))
    if actor.language != language:
        with transaction.atomic():
            User.objects.filter(pk=actor.pk).update(language=language)
            audit.record(
                actor=actor,
                action="accounts.user_changed",
                target=actor,
                payload={"changes": {"language": [actor.language, language]}},
            )
        actor.language = language


def user_set_preferences(*, actor: Any, language: str, digits: str) -> User:
    """Any signed-in user chooses their own interface language and digit style ("My preferences").

    One ledger entry when something changed; nothing is written when nothing did."""
    if not getattr(actor, "pk", None):
        raise ValidationError(_("Sign in to keep your preferences."))
    errors = {}
    if language not in dict(User.Language.choices):
        errors["language"] = _("Choose one of the offered languages.")
    if digits not in dict(User.Digits.choices):
        errors["digits"] = _("Choose one of the offered digit styles.")
    if errors:
        raise ValidationError(errors)
    user = User.objects.get(pk=actor.pk)
    with transaction.atomic():
        diff = _changes(user, {"language": language, "digits": digits})
        if diff:
            user.save(update_fields=list(diff))
            audit.record(
                actor=actor, action="accounts.user_changed", target=user, payload={"changes": diff}
            )
    actor.language, actor.digits = user.language, user.digits
    return user
