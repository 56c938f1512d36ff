"""Writes to roles, role assignments and compartment clearances."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dalil import audit
from dalil.accounts.models import Unit, User
from dalil.audit.ledger import System

from . import door
from .models import Assignment, Clearance, Compartment, Role, RolePermission


def _check_codes(codes: set[str]) -> None:
    unknown = codes - set(door.PERMISSIONS)
    if unknown:
        raise ValidationError(_("Unknown permissions: %(p)s") % {"p": ", ".join(sorted(unknown))})


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
    if not isinstance(actor, System):
        door.require_permission(actor, "access.role.manage")
    permissions = set(permissions or ())
    _check_codes(permissions)
    if Role.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A role with this code already exists.")})
    with transaction.atomic():
        role = Role(
            code=code, name_ar=name_ar, name_en=name_en, name_ckb=name_ckb, description=description
        )
        role.full_clean()
        role.save()
        RolePermission.objects.bulk_create(
            [RolePermission(role=role, code=c) for c in sorted(permissions)]
        )
        audit.record(
            actor=actor,
            action="access.role_created",
            target=role,
            payload={"code": code, "permissions": sorted(permissions)},
        )
    return role


def role_update(*, actor: Any, role: Role, permissions: set[str], **names: str) -> Role:
    door.require(actor, "manage", role)
    _check_codes(permissions)
    before = set(role.permissions.values_list("code", flat=True))
    # Separation of duties: nobody widens a role they hold (they would widen their own rights,
    # which assignment_grant refuses too). Narrowing it, or renaming it, stays allowed.
    if permissions - before and Assignment.objects.filter(user_id=actor.pk, role=role).exists():
        raise ValidationError(
            {"permissions": _("You hold this role: ask another administrator to widen it.")}
        )
    with transaction.atomic():
        for key, value in names.items():
            if key not in {"name_ar", "name_en", "name_ckb", "description"}:
                raise ValidationError(_("These fields cannot be changed: %(f)s") % {"f": key})
            setattr(role, key, value)
        role.full_clean()
        role.save()
        RolePermission.objects.filter(role=role, code__in=before - permissions).delete()
        RolePermission.objects.bulk_create(
            [RolePermission(role=role, code=c) for c in sorted(permissions - before)]
        )
        audit.record(
            actor=actor,
            action="access.role_changed",
            target=role,
            payload={
                "added": sorted(permissions - before),
                "removed": sorted(before - permissions),
            },
        )
    return role


def assignment_grant(
    *, actor: Any, user: User, role: Role, unit: Unit, include_subtree: bool = True
) -> Assignment:
    """Grant `role` at `unit`; the granter must manage assignments at that unit and see the user."""
    if not isinstance(actor, System):  # System: the operator's CLI bootstrap, never the web
        door.require(actor, "assign", unit)
        door.require(actor, "view", user)
        if user.pk == actor.pk:  # no one widens their own rights (least privilege, AC-6)
            raise ValidationError(_("Ask another administrator to give you a role."))
    if Assignment.objects.filter(user=user, role=role, unit=unit).exists():
        raise ValidationError(_("This user already holds this role at this unit."))
    with transaction.atomic():
        a = Assignment.objects.create(
            user=user, role=role, unit=unit, include_subtree=include_subtree
        )
        audit.record(
            actor=actor,
            action="access.assignment_granted",
            target=user,
            payload={"role": role.code, "unit": unit.code, "subtree": include_subtree},
        )
    door.forget(user)
    return a


def assignment_revoke(*, actor: Any, assignment: Assignment) -> None:
    door.require(actor, "manage", assignment)
    with transaction.atomic():
        user, role, unit = assignment.user, assignment.role, assignment.unit
        assignment.delete()
        audit.record(
            actor=actor,
            action="access.assignment_revoked",
            target=user,
            payload={"role": role.code, "unit": unit.code},
        )


def clearance_grant(*, actor: Any, user: User, compartment: Compartment) -> Clearance:
    """Only someone who holds the compartment and may manage clearances opens it to another."""
    if not isinstance(actor, System):
        door.require_permission(actor, "access.clearance.manage")
        if compartment.code not in door.grants_of(actor).compartments:
            raise door.Denied(actor, "clearance.grant", compartment)
    with transaction.atomic():
        c, _created = Clearance.objects.get_or_create(user=user, compartment=compartment)
        audit.record(
            actor=actor,
            action="access.clearance_granted",
            target=user,
            payload={"compartment": compartment.code},
        )
    return c
