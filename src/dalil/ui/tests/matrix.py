"""Permission-matrix declaration for the home page and the language switch (tests/permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from dalil.access.roles import ROLES

MATRIX: list[dict[str, Any]] = [
    {"route": "ui:home", "methods": ("GET",), "allowed": frozenset(ROLES)},
    {"route": "ui:language", "methods": ("POST",), "public": True},
]
