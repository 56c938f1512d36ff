from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from . import door
from .models import Assignment, BreakGlass, Role, RolePermission


def assignments_of(user: Any) -> QuerySet[Assignment]:
    """A user's own roles (anyone may see their own)."""
    return Assignment.objects.filter(user_id=user.pk).select_related("role", "unit")


def assignment_list(actor: Any) -> QuerySet[Assignment]:
    return door.scope(actor, "view", Assignment.objects.select_related("user", "role", "unit"))


def role_list(actor: Any) -> QuerySet[Role]:
    return door.scope(actor, "view", Role.objects.prefetch_related("permissions"))


def break_glass_list(actor: Any) -> QuerySet[BreakGlass]:
    return door.scope(actor, "view", BreakGlass.objects.select_related("user"))


def pending_assignments_all() -> QuerySet[Assignment]:
    """Every role grant waiting for a second person (unscoped: pass it through the door)."""
    return Assignment.objects.filter(approved_at__isnull=True).select_related(
        "user", "role", "unit", "requested_by"
    )


def pending_permissions_all() -> QuerySet[RolePermission]:
    """Every permission asked for a role and waiting (unscoped: pass it through the door)."""
    return RolePermission.objects.filter(approved_at__isnull=True).select_related(
        "role", "requested_by"
    )


def pending_assignments(actor: Any) -> QuerySet[Assignment]:
    """Role grants waiting for a second person, that the actor may see (their unit's)."""
    return door.scope(actor, "view", pending_assignments_all()).order_by("created_at", "pk")


def pending_role_permissions(actor: Any) -> QuerySet[RolePermission]:
    """Permissions asked for a role, waiting for a second person."""
    return door.scope(actor, "view", pending_permissions_all()).order_by("requested_at", "pk")


def _approvable(actor: Any) -> tuple[set[int], set[int]]:
    """The waiting role grants and role permissions the actor may approve: not their own
    requests, not grants to themselves, not a role they hold (the service refuses those too;
    the page offers no button that would be refused)."""
    held = Assignment.objects.filter(user_id=actor.pk).values("role_id")
    assignments = Assignment.objects.filter(approved_at__isnull=True).exclude(user_id=actor.pk)
    permissions = RolePermission.objects.filter(approved_at__isnull=True).exclude(role_id__in=held)
    return tuple(  # type: ignore[return-value]
        set(
            door.scope(actor, "approve", qs)
            .exclude(requested_by_id=actor.pk)
            .values_list("pk", flat=True)
        )
        for qs in (assignments, permissions)
    )


def grant_requests(actor: Any) -> dict[str, Any]:
    """The page of waiting grants: each row marked with what the actor may do with it."""
    assignments = list(pending_assignments(actor))
    permissions = list(pending_role_permissions(actor))
    approvable, role_approvable = _approvable(actor)
    rows: list[tuple[Any, bool]] = [(a, a.pk in approvable) for a in assignments]
    rows += [(p, p.pk in role_approvable) for p in permissions]
    for row, ok in rows:
        row.can_approve = ok
        row.can_withdraw = row.requested_by_id == actor.pk
    for p in permissions:
        known = door.PERMISSIONS.get(p.code)
        p.label = known.label if known else p.code  # type: ignore[attr-defined]
    return {"assignments": assignments, "permissions": permissions}


def waiting_for(actor: Any) -> int:
    """How many grants wait for this actor's approval (the navigation badge)."""
    if not door.has_permission(actor, "access.grant.approve"):
        return 0
    approvable, role_approvable = _approvable(actor)
    return len(approvable) + len(role_approvable)
