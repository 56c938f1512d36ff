"""The sign-in patterns auditors are alerted to (`dalil.audit.alerts`): failed sign-ins across many
accounts, and an account's first sign-in after an administrator granted it a role."""

from __future__ import annotations

import datetime as dt
import json

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dalil.audit.alerts import raise_alert, register_kind
from dalil.audit.models import Alert, Entry

from .models import LoginFailure, User

FAILED_SIGN_INS = register_kind("accounts.failed_sign_ins", _("Failed sign-ins across accounts"))
FIRST_SIGN_IN = register_kind(
    "accounts.first_sign_in_after_grant",
    _("First sign-in of an account after an administrator's grant"),
)
SHOWN_NAMES = 50  # user names listed in an alert; the count is always complete


def _is_open(key: str) -> bool:
    return Alert.objects.filter(key=key, acknowledged_at__isnull=True).exists()


def watch_failures(client_key: str) -> None:
    """After a failed sign-in, in its transaction: alert when one client has failed on many
    accounts, or when failures across all accounts pile up within the window. One alert per open
    pattern: while an auditor has not acknowledged it, later failures add nothing to it."""
    window = settings.DALIL_LOCKOUT_WINDOW_SECONDS
    recent = LoginFailure.objects.filter(
        step__in=(LoginFailure.Step.PASSWORD, LoginFailure.Step.CODE),
        ts__gt=timezone.now() - dt.timedelta(seconds=window),
    )
    mine = recent.filter(client_key=client_key)
    names = sorted(set(mine.values_list("username", flat=True)))
    key = f"accounts.failed_sign_ins:client:{client_key}"
    if len(names) >= settings.DALIL_SIGN_IN_ALERT_ACCOUNTS and not _is_open(key):
        raise_alert(
            kind=FAILED_SIGN_INS,
            facts={
                "pattern": "one_client",
                "accounts": len(names),
                "usernames": names[:SHOWN_NAMES],
                "failures": mine.count(),
                "window_minutes": window // 60,
            },
            entries=[s for s in mine.values_list("entry_seq", flat=True) if s],
            key=key,
        )
    key = "accounts.failed_sign_ins:all"
    total = recent.count()
    if total >= settings.DALIL_SIGN_IN_ALERT_FAILURES and not _is_open(key):
        raise_alert(
            kind=FAILED_SIGN_INS,
            facts={
                "pattern": "all_clients",
                "accounts": recent.values("username").distinct().count(),
                "clients": recent.values("client_key").distinct().count(),
                "failures": total,
                "window_minutes": window // 60,
            },
            entries=[s for s in recent.values_list("entry_seq", flat=True) if s],
            key=key,
        )


GRANT_ACTIONS = (
    "access.assignment_granted",
    "access.assignment_requested",
    "access.grant_approved",
)


def watch_first_sign_in(user: User, signed_in: Entry) -> None:
    """In the sign-in's transaction, just after its entry: a first sign-in by an account that holds
    a role a person granted (not the operator's command line) may be an administrator opening an
    account for themselves or someone else. Names the user and the granters, links the entries."""
    target = {"target_type": "accounts.user", "target_id": str(user.pk)}
    if Entry.objects.filter(action="accounts.signed_in", seq__lt=signed_in.seq, **target).exists():
        return
    held = {
        (a.role.code, a.unit.code)
        for a in user.assignments.filter(approved_at__isnull=False).select_related("role", "unit")
    }
    # A role granted at once, or asked for and then approved by a second person (ADR 0014).
    entries = [
        g
        for g in Entry.objects.filter(
            action__in=GRANT_ACTIONS, actor_id__isnull=False, **target
        ).order_by("seq")
        if _granted(g) in held
    ]
    grants = [g for g in entries if g.action != "access.grant_approved"]
    if not grants:
        return
    approvals = [g for g in entries if g.action == "access.grant_approved"]
    raise_alert(
        kind=FIRST_SIGN_IN,
        facts={
            "username": user.username,
            "granted_by": sorted({g.actor for g in grants}),
            **({"approved_by": sorted({g.actor for g in approvals})} if approvals else {}),
            "roles": sorted({f"{r}@{u}" for r, u in map(_granted, grants)}),
        },
        entries=[*(g.seq for g in entries), signed_in.seq],
        key=f"accounts.first_sign_in:{user.pk}",
    )


def _granted(entry: Entry) -> tuple[str, str]:
    payload = json.loads(entry.payload or "{}")
    return str(payload.get("role", "")), str(payload.get("unit", ""))
