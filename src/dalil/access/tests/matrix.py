"""Permission-matrix declaration for break-glass, the auditors' "why" page and the grant requests
waiting for a second person (tests/permission_matrix.py)."""

from __future__ import annotations

import itertools
from typing import Any

from dalil.access.roles import ROLES

_serial = itertools.count(1)
GRANT_PAGE = {"system_admin", "commander", "security_officer"}


def build(world: Any) -> None:
    # The administrator who asks (never one of the role users, who must be free to approve).
    world.objects["grant.requester"] = world.make_user(
        "matrix.grant.requester", unit="MOI", role="system_admin"
    )


def _waiting_assignment(unit: str) -> Any:
    """A fresh role grant at `unit`, asked for by the requester (each request consumes one)."""

    def make(w: Any, me: Any) -> dict[str, Any]:
        from dalil.access import services
        from dalil.access.models import Role

        grantee = w.make_user(f"matrix.grantee.{next(_serial)}", unit=unit)
        grant = services.assignment_grant(
            actor=w.objects["grant.requester"],
            user=grantee,
            role=Role.objects.get(code="investigator"),
            unit=w.units[unit],
        )
        return {"pk": grant.pk}

    return make


def _waiting_permission(w: Any, me: Any) -> dict[str, Any]:
    from dalil.access import services

    role = services.role_create(
        actor=w.objects["grant.requester"],
        code=f"matrix_role_{next(_serial)}",
        name_ar="دور",
        permissions={"cases.case.view"},
    )
    return {"pk": role.permissions.get().pk}


ASSIGNMENT = {"own": _waiting_assignment("BGD-KARADA"), "other": _waiting_assignment("BGD-MANSOUR")}
# A commander approves at his units; the ministry's security officer everywhere. An administrator
# sees the requests of his units but approves none (he may ask, never approve).
ASSIGNMENT_DECIDERS = {"own": {"commander", "security_officer"}, "other": {"security_officer"}}

MATRIX: list[dict[str, Any]] = [
    # The list is scoped (each sees their own grants; auditors see all), so every user may open it.
    {"route": "access:break_glass_list", "methods": ("GET",), "allowed": frozenset(ROLES)},
    {"route": "access:break_glass", "methods": ("GET", "POST"), "allowed": {"commander"}},
    {"route": "access:explain", "methods": ("GET", "POST"), "allowed": {"auditor"}},
    {"route": "access:grant_requests", "methods": ("GET",), "allowed": GRANT_PAGE},
    {
        "route": "access:assignment_approve",
        "methods": ("POST",),
        "objects": ASSIGNMENT,
        "allowed": ASSIGNMENT_DECIDERS,
    },
    {
        "route": "access:assignment_reject",
        "methods": ("POST",),
        "objects": ASSIGNMENT,
        "allowed": ASSIGNMENT_DECIDERS,
    },
    # A role is ministry-wide: widening it is approved at the top of the organisation only.
    {
        "route": "access:permission_approve",
        "methods": ("POST",),
        "objects": {"global": _waiting_permission},
        "allowed": {"global": {"security_officer"}},
    },
    {
        "route": "access:permission_reject",
        "methods": ("POST",),
        "objects": {"global": _waiting_permission},
        "allowed": {"global": {"security_officer"}},
    },
]
