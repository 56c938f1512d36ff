"""Permission-matrix declaration for the sign-in pages and the administration screens.

See ``tests/permission_matrix.py`` for the format. The role sets below are written out by hand from
PRODUCT.md's personas: they are the expectation, not a copy of ``dalil.access.roles``.
"""

from __future__ import annotations

from typing import Any

from dalil.access.roles import ROLES

EVERYONE = frozenset(ROLES)
ADMIN = {"system_admin"}
MINISTRY_READERS = {"system_admin", "auditor"}  # read rights at MOI, so over every unit
# The security officer sees every unit (to judge the grants asked for them), nothing more.
UNIT_EVERYWHERE = {*MINISTRY_READERS, "security_officer"}
# Hold accounts.unit.view (or manage) at their unit: everybody but the donor programme officer.
UNIT_READERS = EVERYONE - {"donor_officer"}
# Hold accounts.user.view at BGD-KARADA, plus the ministry-wide readers.
USER_READERS = {
    "system_admin",
    "auditor",
    "commander",
    "lab_supervisor",
    "ia_commander",
    "training_manager",
}


def _unit(code: str) -> Any:
    return lambda w, me: {"code": code}


def _user(key: str) -> Any:
    return lambda w, me: {"username": w.objects[key].username}


def _self(w: Any, me: Any) -> dict[str, Any]:
    return {"username": me.username}


def _assignment(key: str, unit: str) -> Any:
    """A fresh assignment each time: revoking destroys it."""

    def build(w: Any, me: Any) -> dict[str, Any]:
        from dalil.access import services
        from dalil.access.models import Assignment, Role
        from dalil.audit.ledger import System

        user = w.objects[key]
        found = Assignment.objects.filter(
            user=user, role__code="instructor", unit__code=unit
        ).first()
        if found is None:
            found = services.assignment_grant(
                actor=System("matrix"),
                user=user,
                role=Role.objects.get(code="instructor"),
                unit=w.units[unit],
            )
        return {"pk": found.pk}

    return build


def build(world: Any) -> None:
    """Two users to look at and administer: one in BGD-KARADA, one in BGD-MANSOUR."""
    world.objects["user.own"] = world.make_user("matrix.target.own", unit="BGD-KARADA")
    world.objects["user.other"] = world.make_user("matrix.target.other", unit="BGD-MANSOUR")


UNIT = {"own": _unit("BGD-KARADA"), "other": _unit("BGD-MANSOUR")}
USER = {"own": _user("user.own"), "other": _user("user.other"), "self": _self}
ROLE = {"global": lambda w, me: {"code": "investigator"}}

MATRIX: list[dict[str, Any]] = [
    # Sign-in steps and sign-out: open to everybody (they redirect whoever does not belong there).
    {"route": "accounts:login", "methods": ("GET", "POST"), "public": True},
    {"route": "accounts:login_otp", "methods": ("GET", "POST"), "public": True},
    {"route": "accounts:enrol", "methods": ("GET", "POST"), "public": True},
    {"route": "accounts:enrol_setup", "methods": ("GET", "POST"), "public": True},
    {
        "route": "accounts:enrol_code",
        "methods": ("GET",),
        "public": True,
        "objects": {"page": lambda w, me: {"code": "ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345"}},
    },
    {"route": "accounts:logout", "methods": ("POST",), "public": True, "signs_out": True},
    {"route": "accounts:password", "methods": ("GET", "POST"), "allowed": EVERYONE},
    # Units.
    {"route": "admin:unit_list", "methods": ("GET",), "allowed": EVERYONE},
    {
        "route": "admin:unit_detail",
        "methods": ("GET",),
        "objects": UNIT,
        "allowed": {"own": UNIT_READERS, "other": UNIT_EVERYWHERE},
    },
    {
        "route": "admin:unit_edit",
        "methods": ("GET", "POST"),
        "objects": UNIT,
        "allowed": {"own": ADMIN, "other": ADMIN},
    },
    {
        "route": "admin:unit_create",
        "methods": ("GET", "POST"),
        "objects": UNIT,
        "allowed": {"own": ADMIN, "other": ADMIN},
    },
    {
        "route": "admin:user_create",
        "methods": ("GET", "POST"),
        "objects": UNIT,
        "allowed": {"own": ADMIN, "other": ADMIN},
    },
    # Users.
    {"route": "admin:user_list", "methods": ("GET",), "allowed": EVERYONE},
    {
        "route": "admin:user_detail",
        "methods": ("GET",),
        "objects": USER,
        "allowed": {"own": USER_READERS, "other": MINISTRY_READERS, "self": EVERYONE},
    },
    {
        "route": "admin:user_edit",
        "methods": ("GET", "POST"),
        "objects": USER,
        "allowed": {"own": ADMIN, "other": ADMIN, "self": ADMIN},
    },
    {
        "route": "admin:user_unlock",
        "methods": ("POST",),
        "objects": USER,
        "allowed": {"own": ADMIN, "other": ADMIN, "self": ADMIN},
    },
    {
        "route": "admin:user_password_reset",
        "methods": ("POST",),
        "objects": USER,
        "allowed": {"own": ADMIN, "other": ADMIN, "self": ADMIN},
    },
    {
        "route": "admin:user_enrolment_renew",
        "methods": ("POST",),
        "objects": USER,
        "allowed": {"own": ADMIN, "other": ADMIN, "self": ADMIN},
    },
    {
        "route": "admin:user_mfa_reset",
        "methods": ("POST",),
        "objects": USER,
        "allowed": {"own": ADMIN, "other": ADMIN, "self": ADMIN},
    },
    {
        "route": "admin:user_assign",
        "methods": ("POST",),
        "objects": USER,
        "allowed": {"own": ADMIN, "other": ADMIN, "self": ADMIN},
    },
    {
        "route": "admin:assignment_revoke",
        "methods": ("POST",),
        "objects": {
            "own": _assignment("user.own", "BGD-KARADA"),
            "other": _assignment("user.other", "BGD-MANSOUR"),
        },
        "allowed": {"own": ADMIN, "other": ADMIN},
    },
    # Roles: ministry-wide definitions.
    {"route": "admin:role_list", "methods": ("GET",), "allowed": MINISTRY_READERS},
    {"route": "admin:role_create", "methods": ("GET", "POST"), "allowed": ADMIN},
    {
        "route": "admin:role_detail",
        "methods": ("GET",),
        "objects": ROLE,
        "allowed": {"global": MINISTRY_READERS},
    },
    {
        "route": "admin:role_edit",
        "methods": ("GET", "POST"),
        "objects": ROLE,
        "allowed": {"global": ADMIN},
    },
]
