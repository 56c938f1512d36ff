"""Writes to roles, role assignments and compartment clearances.

Separation of duties (ADR 0014): a grant that opens content — an assignment of a role holding a
content permission, or a content permission added to a role — is a request until a second person
approves it: never the requester, never the grantee, never a holder of the role being widened.
Until then it opens nothing (`door.grants_of` counts approved rows only). Attempts to widen one's
own rights are refused and put on the ledger as refusals.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import audit
from dalil.accounts.models import Unit, User
from dalil.audit import alerts
from dalil.audit.ledger import System
from dalil.audit.models import Entry

from . import door
from .models import Assignment, Clearance, Compartment, Role, RolePermission

Grant = Assignment | RolePermission


class Refused(Exception):
    """An attempt to widen one's own rights (or to approve one's own request)."""

    def __init__(self, rule: str, message: str, target: Any, field: str | None = None) -> None:
        super().__init__(message)
        self.rule, self.message, self.target, self.field = rule, message, target, field


@contextlib.contextmanager
def _refusals_ledgered(actor: Any) -> Iterator[None]:
    """Turn a `Refused` into a validation error, after the refused work rolled back, and put
    the refusal on the ledger like every other refusal."""
    try:
        yield
    except Refused as exc:
        audit.record_now(
            actor=actor,
            action="access.escalation_refused",
            target=exc.target,
            payload={"rule": exc.rule},
        )
        raise ValidationError({exc.field: exc.message} if exc.field else exc.message) from None


def _check_codes(codes: set[str]) -> None:
    unknown = codes - set(door.PERMISSIONS)
    if unknown:
        raise ValidationError(_("Unknown permissions: %(p)s") % {"p": ", ".join(sorted(unknown))})


def _add_permissions(actor: Any, role: Role, codes: set[str]) -> tuple[list[str], list[str]]:
    """Add `codes` to `role`: administrative ones at once, content ones as requests (the
    operator's command line needs no second person). Returns (granted, requested)."""
    now = timezone.now()
    operator = door.is_operator(actor)
    requested = [] if operator else sorted(door.opens_content(codes))
    granted = sorted(codes - set(requested))
    requester = None if isinstance(actor, System) else actor
    RolePermission.objects.bulk_create(
        [
            RolePermission(
                role=role,
                code=c,
                requested_by=requester,
                requested_at=now,
                approved_at=None if c in requested else now,
            )
            for c in sorted(codes)
        ]
    )
    return granted, requested


def role_create(
    *,
    actor: Any,
    code: str,
    name_ar: str,
    name_en: str = "",
    name_ckb: str = "",
    description: str = "",
    permissions: set[str] | None = None,
) -> Role:
    if not door.is_operator(actor):
        door.require_permission(actor, "access.role.manage")
    permissions = set(permissions or ())
    _check_codes(permissions)
    with transaction.atomic():
        if Role.objects.filter(code=code).exists():
            raise ValidationError({"code": _("A role with this code already exists.")})
        role = Role(
            code=code, name_ar=name_ar, name_en=name_en, name_ckb=name_ckb, description=description
        )
        role.full_clean()
        role.save()
        granted, requested = _add_permissions(actor, role, permissions)
        audit.record(
            actor=actor,
            action="access.role_created",
            target=role,
            payload={"code": code, "permissions": granted, "requested": requested},
        )
    return role


def role_update(*, actor: Any, role: Role, permissions: set[str], **names: str) -> Role:
    _check_codes(permissions)
    with _refusals_ledgered(actor), transaction.atomic():
        door.require(actor, "manage", role)
        before = set(role.permissions.values_list("code", flat=True))
        added = permissions - before
        # Nobody widens a role they hold (they would widen their own rights, which
        # assignment_grant refuses too). Narrowing it, or renaming it, stays allowed.
        if added and Assignment.objects.filter(user_id=actor.pk, role=role).exists():
            raise Refused(
                "widen_own_role",
                _("You hold this role: ask another administrator to widen it."),
                role,
                field="permissions",
            )
        for key, value in names.items():
            if key not in {"name_ar", "name_en", "name_ckb", "description"}:
                raise ValidationError(_("These fields cannot be changed: %(f)s") % {"f": key})
            setattr(role, key, value)
        role.full_clean()
        role.save()
        # Removing a permission also withdraws a request for it that is still waiting.
        RolePermission.objects.filter(role=role, code__in=before - permissions).delete()
        granted, requested = _add_permissions(actor, role, added)
        audit.record(
            actor=actor,
            action="access.role_changed",
            target=role,
            payload={
                "added": granted,
                "requested": requested,
                "removed": sorted(before - permissions),
            },
        )
    return role


def _content_role(role: Role) -> bool:
    """Holds (or asks for) a permission that opens content."""
    return bool(door.opens_content(role.permissions.values_list("code", flat=True)))


def assignment_grant(
    *, actor: Any, user: User, role: Role, unit: Unit, include_subtree: bool = True
) -> Assignment:
    """Grant `role` at `unit`; the granter must manage assignments at that unit and see the user.

    A role that opens content is granted as a request that waits for a second person."""
    operator = door.is_operator(actor)  # the operator's CLI bootstrap, never the web
    with _refusals_ledgered(actor), transaction.atomic():
        if not operator:
            door.require(actor, "assign", unit)
            door.require(actor, "view", user)
            if user.pk == actor.pk:  # no one widens their own rights (least privilege, AC-6)
                raise Refused(
                    "grant_self", _("Ask another administrator to give you a role."), user
                )
        if Assignment.objects.filter(user=user, role=role, unit=unit).exists():
            raise ValidationError(_("This user already holds this role at this unit."))
        pending = not operator and _content_role(role)
        a = Assignment.objects.create(
            user=user,
            role=role,
            unit=unit,
            include_subtree=include_subtree,
            requested_by=None if isinstance(actor, System) else actor,
            approved_at=None if pending else timezone.now(),
        )
        entry = audit.record(
            actor=actor,
            action="access.assignment_requested" if pending else "access.assignment_granted",
            target=user,
            payload={"role": role.code, "unit": unit.code, "subtree": include_subtree},
        )
        wide = unit.parent_id is None or (include_subtree and unit.children.exists())
        if pending and wide:
            alerts.raise_alert(
                kind="access.wide_content_grant",
                facts={
                    "requested_by": actor.get_username(),
                    "user": user.username,
                    "role": role.code,
                    "unit": unit.code,
                    "subtree": include_subtree,
                },
                entries=[entry.seq],
            )
    door.forget(user)
    return a


def assignment_revoke(*, actor: Any, assignment: Assignment) -> None:
    with transaction.atomic():
        door.require(actor, "manage", assignment)
        user, role, unit = assignment.user, assignment.role, assignment.unit
        assignment.delete()
        audit.record(
            actor=actor,
            action="access.assignment_revoked",
            target=user,
            payload={"role": role.code, "unit": unit.code},
        )
    door.forget(user)


# --- The second person ------------------------------------------------------------------------------
def _locked(grant: Grant) -> Grant:
    return type(grant)._default_manager.select_for_update().get(pk=grant.pk)


def _describe(grant: Grant) -> dict[str, Any]:
    if isinstance(grant, Assignment):
        return {
            "kind": "assignment",
            "user": grant.user.username,
            "role": grant.role.code,
            "unit": grant.unit.code,
            "subtree": grant.include_subtree,
        }
    return {"kind": "role_permission", "role": grant.role.code, "permission": grant.code}


def _grant_target(grant: Grant) -> Any:
    return grant.user if isinstance(grant, Assignment) else grant.role


def _requested_at(grant: Grant) -> dt.datetime | None:
    return grant.created_at if isinstance(grant, Assignment) else grant.requested_at


def grant_approve(*, actor: Any, grant: Grant) -> Grant:
    """A second person approves a waiting grant; from the next request on it opens content."""
    with _refusals_ledgered(actor), transaction.atomic():
        grant = _locked(grant)
        door.require(actor, "approve", grant)
        if not grant.pending:
            raise ValidationError(_("This grant has already been approved."))
        if grant.requested_by_id == actor.pk:
            raise Refused(
                "approve_own_request",
                _("You asked for this grant: another person must approve it."),
                _grant_target(grant),
            )
        if isinstance(grant, Assignment) and grant.user_id == actor.pk:
            raise Refused(
                "approve_own_grant",
                _("This grant is for you: another person must approve it."),
                grant.user,
            )
        if (
            isinstance(grant, RolePermission)
            and Assignment.objects.filter(user_id=actor.pk, role_id=grant.role_id).exists()
        ):
            raise Refused(
                "approve_own_role",
                _("You hold this role: another person must approve widening it."),
                grant.role,
            )
        grant.approved_by = actor
        grant.approved_at = timezone.now()
        grant.save(update_fields=["approved_by", "approved_at"])
        requester = grant.requested_by.username if grant.requested_by else ""
        entry = audit.record(
            actor=actor,
            action="access.grant_approved",
            target=_grant_target(grant),
            payload={**_describe(grant), "requested_by": requester},
        )
        _watch_quick_approvals(actor, grant, entry.seq)
    if isinstance(grant, Assignment):
        door.forget(grant.user)
    return grant


def grant_reject(*, actor: Any, grant: Grant) -> None:
    """An approver refuses a waiting grant, or its requester withdraws it. Nothing is left."""
    with transaction.atomic():
        grant = _locked(grant)
        if grant.requested_by_id != getattr(actor, "pk", None):
            door.require(actor, "approve", grant)
        if not grant.pending:
            raise ValidationError(_("This grant has already been approved."))
        facts = _describe(grant)
        target = _grant_target(grant)
        grant.delete()
        audit.record(actor=actor, action="access.grant_rejected", target=target, payload=facts)


def _watch_quick_approvals(actor: Any, grant: Grant, seq: int) -> None:
    """Alert auditors when the same two people keep approving each other's requests within
    minutes: a second person who does not look is no second person."""
    requested = _requested_at(grant)
    limit = dt.timedelta(minutes=settings.DALIL_QUICK_APPROVAL_MINUTES)
    approved_at = grant.approved_at
    if grant.requested_by is None or requested is None or approved_at is None:
        return
    if approved_at - requested > limit:
        return
    since = timezone.now() - dt.timedelta(days=30)
    quick = [
        e.seq
        for e in Entry.objects.filter(
            action="access.grant_approved", actor_id=actor.pk, ts__gte=since
        ).only("seq", "payload")
        if json.loads(e.payload).get("requested_by") == grant.requested_by.username
    ]
    approved = [
        *Assignment.objects.filter(
            requested_by=grant.requested_by, approved_by=actor, approved_at__gte=since
        ).values_list("created_at", "approved_at"),
        *RolePermission.objects.filter(
            requested_by=grant.requested_by, approved_by=actor, approved_at__gte=since
        ).values_list("requested_at", "approved_at"),
    ]
    fast = sum(1 for asked, done in approved if asked and done and done - asked <= limit)
    if fast > settings.DALIL_QUICK_APPROVAL_COUNT:
        alerts.raise_alert(
            kind="access.quick_approvals",
            facts={
                "requested_by": grant.requested_by.username,
                "approved_by": actor.get_username(),
                "count": fast,
                "minutes": settings.DALIL_QUICK_APPROVAL_MINUTES,
            },
            entries=[*quick, seq],
            key=f"quick_approvals:{grant.requested_by_id}:{actor.pk}",
        )


def clearance_grant(*, actor: Any, user: User, compartment: Compartment) -> Clearance:
    """Only someone who holds the compartment and may manage clearances opens it to another."""
    with transaction.atomic():
        if not door.is_operator(actor):
            door.require_permission(actor, "access.clearance.manage")
            if compartment.code not in door.grants_of(actor).compartments:
                raise door.Denied(actor, "clearance.grant", compartment)
        c, _created = Clearance.objects.get_or_create(user=user, compartment=compartment)
        audit.record(
            actor=actor,
            action="access.clearance_granted",
            target=user,
            payload={"compartment": compartment.code},
        )
    return c
