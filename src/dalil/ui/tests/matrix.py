"""Permission-matrix declaration for the home page, the language switch and My preferences (tests/permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from dalil.access.roles import ROLES

MATRIX: list[dict[str, Any]] = [
    {"route": "ui:home", "methods": ("GET",), "allowed": frozenset(ROLES)},
    {"route": "ui:language", "methods": ("POST",), "public": True},
    {"route": "ui:health_live", "methods": ("GET",), "public": True},
    {"route": "ui:health_ready", "methods": ("GET",), "public": True},
    # Every signed-in user keeps their own language and digits (the form answers 200 when empty).
    {
        "route": "ui:preferences",
        "methods": ("GET", "POST"),
        "allowed": frozenset(ROLES),
        "data": lambda w, me: {"language": me.language, "digits": "latn"},
    },
]
