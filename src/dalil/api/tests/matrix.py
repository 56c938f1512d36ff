"""Permission-matrix declaration for the api app (tests/permission_matrix.py).

The REST API answers through the same door as the pages: lists are scoped (everybody gets a list,
perhaps empty), objects outside the caller's scope are 404, anonymous callers get a 401 problem.
The role sets are written out from PRODUCT.md's personas, as in accounts/tests/matrix.py.
"""

from __future__ import annotations

import itertools
from typing import Any

from dalil.access.roles import ROLES
from dalil.access.tests.matrix import ASSIGNMENT as WAITING_ASSIGNMENT
from dalil.access.tests.matrix import ASSIGNMENT_DECIDERS, _waiting_permission

EVERYONE = frozenset(ROLES)
NOBODY: frozenset[str] = frozenset()
ADMIN = {"system_admin"}
MINISTRY_READERS = {"system_admin", "auditor"}
# The security officer sees every unit (to judge the grants asked for them), nothing more.
UNIT_EVERYWHERE = {*MINISTRY_READERS, "security_officer"}
UNIT_READERS = EVERYONE - {"donor_officer"}
USER_READERS = {
    "system_admin",
    "auditor",
    "commander",
    "lab_supervisor",
    "ia_commander",
    "training_manager",
}

_serial = itertools.count(1)


def _unit(code: str) -> Any:
    return lambda w, me: {"code": code}


def _user(key: str) -> Any:
    return lambda w, me: {"username": w.objects[key].username}


def _self(w: Any, me: Any) -> dict[str, Any]:
    return {"username": me.username}


def _token_of(owner: Any) -> str:
    """A fresh token each time (revoking one must not revoke the token the matrix calls with)."""
    from dalil.api import services

    owner.is_verified = lambda: True
    token, _secret = services.token_create(actor=owner, name=f"matrix {next(_serial)}")
    del owner.is_verified
    return token.key_id


def _own_token(w: Any, me: Any) -> dict[str, Any]:
    return {"id": _token_of(me)}


def _others_token(w: Any, me: Any) -> dict[str, Any]:
    return {"id": _token_of(w.objects["api.token_owner"])}


def _ui_own_token(w: Any, me: Any) -> dict[str, Any]:
    return {"key_id": _token_of(me)}


def _ui_others_token(w: Any, me: Any) -> dict[str, Any]:
    return {"key_id": _token_of(w.objects["api.token_owner"])}


def _new_unit(w: Any, me: Any) -> dict[str, Any]:
    return {
        "parent": "BGD-KARADA",
        "code": f"BGD-KARADA-M{next(_serial)}",
        "kind": "unit",
        "name_ar": "وحدة",
    }


def _fresh_alert(w: Any, me: Any) -> dict[str, Any]:
    from django.db import transaction

    from dalil.audit import alerts

    with transaction.atomic():
        alert = alerts.raise_alert(kind="access.break_glass", facts={"user": "matrix"})
    assert alert is not None
    return {"pk": alert.pk}


def build(world: Any) -> None:
    world.objects["api.token_owner"] = world.make_user("matrix.api.owner", unit="BGD-KARADA")
    world.objects["api.user.own"] = world.make_user("matrix.api.own", unit="BGD-KARADA")
    world.objects["api.user.other"] = world.make_user("matrix.api.other", unit="BGD-MANSOUR")


UNIT = {"own": _unit("BGD-KARADA"), "other": _unit("BGD-MANSOUR")}
USER = {"own": _user("api.user.own"), "other": _user("api.user.other"), "self": _self}
TOKEN = {"self": _own_token, "other": _others_token}

MATRIX: list[dict[str, Any]] = [
    # Pages for people.
    {"route": "api:docs", "methods": ("GET",), "allowed": EVERYONE},
    {
        "route": "api:token_list",
        "methods": ("GET", "POST"),
        "allowed": EVERYONE,
        "data": lambda w, me: {"name": "matrix", "days": "90"},
    },
    {
        "route": "api:token_revoke",
        "methods": ("GET", "POST"),
        "objects": {"self": _ui_own_token, "other": _ui_others_token},
        "allowed": {"self": EVERYONE, "other": NOBODY},
    },
    # The API.
    {"route": "api:schema", "methods": ("GET",), "api": "token", "allowed": EVERYONE},
    {"route": "api:me", "methods": ("GET",), "api": "token", "allowed": EVERYONE},
    {
        "route": "api:unit-list",
        "methods": ("GET", "POST"),
        "api": "token",
        "allowed": EVERYONE,
        "allowed_for": {"POST": ADMIN},
        "data": _new_unit,
    },
    {
        "route": "api:unit-detail",
        "methods": ("GET",),
        "api": "token",
        "objects": UNIT,
        "allowed": {"own": UNIT_READERS, "other": UNIT_EVERYWHERE},
    },
    {"route": "api:user-list", "methods": ("GET",), "api": "token", "allowed": EVERYONE},
    {
        "route": "api:user-detail",
        "methods": ("GET", "PATCH"),
        "api": "token",
        "objects": USER,
        "allowed": {"own": USER_READERS, "other": MINISTRY_READERS, "self": EVERYONE},
        "allowed_for": {"PATCH": {"own": ADMIN, "other": ADMIN, "self": ADMIN}},
        "data": lambda w, me: {"badge_number": f"M-{next(_serial)}"},
    },
    {"route": "api:role-list", "methods": ("GET",), "api": "token", "allowed": EVERYONE},
    {
        "route": "api:role-detail",
        "methods": ("GET",),
        "api": "token",
        "objects": {"global": lambda w, me: {"code": "investigator"}},
        "allowed": {"global": MINISTRY_READERS},
    },
    {"route": "api:entry-list", "methods": ("GET",), "api": "token", "allowed": {"auditor"}},
    {"route": "api:alert-list", "methods": ("GET",), "api": "token", "allowed": {"auditor"}},
    # Grants waiting for a second person (ADR 0014): lists are scoped, so everybody gets one.
    {"route": "api:grant-request-list", "methods": ("GET",), "api": "token", "allowed": EVERYONE},
    {
        "route": "api:grant-request-detail",
        "methods": ("GET",),
        "api": "token",
        "objects": WAITING_ASSIGNMENT,
        "allowed": {
            "own": {"system_admin", "commander", "security_officer"},
            "other": {"system_admin", "security_officer"},
        },
    },
    *(
        {
            "route": f"api:grant-request-{verb}",
            "methods": ("POST",),
            "api": "token",
            "objects": WAITING_ASSIGNMENT,
            "allowed": ASSIGNMENT_DECIDERS,
        }
        for verb in ("approve", "refuse")
    ),
    {"route": "api:role-request-list", "methods": ("GET",), "api": "token", "allowed": EVERYONE},
    {
        "route": "api:role-request-detail",
        "methods": ("GET",),
        "api": "token",
        "objects": {"global": _waiting_permission},
        "allowed": {"global": {"system_admin", "auditor", "security_officer"}},
    },
    *(
        {
            "route": f"api:role-request-{verb}",
            "methods": ("POST",),
            "api": "token",
            "objects": {"global": _waiting_permission},
            "allowed": {"global": {"security_officer"}},
        }
        for verb in ("approve", "refuse")
    ),
    {
        "route": "api:alert-detail",
        "methods": ("GET",),
        "api": "token",
        "objects": {"global": _fresh_alert},
        "allowed": {"global": {"auditor"}},
    },
    {
        "route": "api:alert-acknowledge",
        "methods": ("POST",),
        "api": "token",
        "objects": {"global": _fresh_alert},
        "allowed": {"global": {"auditor"}},
        "data": lambda w, me: {"note": "Checked with the unit: a planned audit."},
    },
    {
        "route": "api:entry-detail",
        "methods": ("GET",),
        "api": "token",
        "objects": {"global": lambda w, me: {"seq": 1}},
        "allowed": {"global": {"auditor"}},
    },
    # Tokens: creating one needs the signed-in session; reading and revoking your own work with a token.
    {
        "route": "api:token-list",
        "methods": ("GET", "POST"),
        "api": "session",
        "allowed": EVERYONE,
        "data": lambda w, me: {"name": "matrix", "days": 30},
    },
    {
        "route": "api:token-detail",
        "methods": ("GET",),
        "api": "token",
        "objects": TOKEN,
        "allowed": {"self": EVERYONE, "other": NOBODY},
    },
    {
        "route": "api:token-revoke",
        "methods": ("POST",),
        "api": "token",
        "objects": TOKEN,
        "allowed": {"self": EVERYONE, "other": NOBODY},
    },
]
