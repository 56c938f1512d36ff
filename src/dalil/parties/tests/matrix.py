"""Permission-matrix declaration for persons and entities (tests/permission_matrix.py).

Investigators and analysts hold parties.entity.view and .manage at BGD-KARADA; crime-scene officers
and commanders hold .view. Nobody in BGD-KARADA sees an entity recorded by BGD-MANSOUR (until case
participation opens it)."""

from __future__ import annotations

import itertools
from typing import Any

from dalil.access.roles import ROLES

EVERYONE = frozenset(ROLES)
MANAGERS = {"investigator", "analyst"}
VIEWERS = MANAGERS | {"scene_officer", "commander"}
NOBODY: frozenset[str] = frozenset()

_serial = itertools.count(1)


def build(world: Any) -> None:
    from dalil.audit.ledger import System
    from dalil.parties import services

    actor = System("matrix")
    for key, unit, number in [
        ("own", "BGD-KARADA", "07701110001"),
        ("other", "BGD-MANSOUR", "07701110002"),
    ]:
        world.objects[f"parties.person.{key}"] = services.person_create(
            actor=actor, unit=world.units[unit], given_name_ar="سالم", family_name_ar=key
        )
        world.objects[f"parties.phone.{key}"] = services.entity_create(
            actor=actor, entity_type="phone", unit=world.units[unit], number=number
        )


def _person(key: str) -> Any:
    return lambda w, me: {"pk": w.objects[f"parties.person.{key}"].pk}


def _phone(key: str) -> Any:
    return lambda w, me: {"kind": "phone", "pk": w.objects[f"parties.phone.{key}"].pk}


def _api_person(key: str) -> Any:
    return lambda w, me: {"pk": w.objects[f"parties.person.{key}"].pk}


PERSON = {"own": _person("own"), "other": _person("other")}
PHONE = {"own": _phone("own"), "other": _phone("other")}


def _new_person(w: Any, me: Any) -> dict[str, Any]:
    return {
        "unit": "BGD-KARADA",
        "given_name_ar": "مازن",
        "family_name_ar": f"التجربة {next(_serial)}",
        "confirm_duplicate": True,
    }


MATRIX: list[dict[str, Any]] = [
    {"route": "parties:list", "methods": ("GET",), "allowed": VIEWERS},
    {"route": "parties:person_create", "methods": ("GET", "POST"), "allowed": MANAGERS},
    {
        "route": "parties:person_detail",
        "methods": ("GET",),
        "objects": PERSON,
        "allowed": {"own": VIEWERS, "other": NOBODY},
    },
    {
        "route": "parties:person_edit",
        "methods": ("GET", "POST"),
        "objects": PERSON,
        "allowed": {"own": MANAGERS, "other": NOBODY},
    },
    {
        "route": "parties:alias_add",
        "methods": ("GET", "POST"),
        "objects": PERSON,
        "allowed": {"own": MANAGERS, "other": NOBODY},
    },
    {
        "route": "parties:document_add",
        "methods": ("GET", "POST"),
        "objects": PERSON,
        "allowed": {"own": MANAGERS, "other": NOBODY},
    },
    {
        "route": "parties:entity_create",
        "methods": ("GET", "POST"),
        "objects": {"global": lambda w, me: {"kind": "phone"}},
        "allowed": {"global": MANAGERS},
    },
    {
        "route": "parties:entity_detail",
        "methods": ("GET",),
        "objects": PHONE,
        "allowed": {"own": VIEWERS, "other": NOBODY},
    },
    {
        "route": "parties:entity_edit",
        "methods": ("GET", "POST"),
        "objects": PHONE,
        "allowed": {"own": MANAGERS, "other": NOBODY},
    },
    {"route": "parties:pick", "methods": ("GET",), "allowed": EVERYONE},
    {
        "route": "parties:link_create",
        "methods": ("GET", "POST"),
        "objects": PHONE,
        "allowed": {"own": MANAGERS, "other": NOBODY},
    },
    # The API.
    {
        "route": "api:person-list",
        "methods": ("GET", "POST"),
        "api": "token",
        "allowed": EVERYONE,
        "allowed_for": {"POST": MANAGERS},
        "data": _new_person,
    },
    {
        "route": "api:person-detail",
        "methods": ("GET",),
        "api": "token",
        "objects": {"own": _api_person("own"), "other": _api_person("other")},
        "allowed": {"own": VIEWERS, "other": NOBODY},
    },
    {"route": "api:phone-list", "methods": ("GET",), "api": "token", "allowed": EVERYONE},
]
