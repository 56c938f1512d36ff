"""Permission-matrix declaration for the search app (tests/permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from dalil.access.roles import ROLES

MATRIX: list[dict[str, Any]] = [
    {"route": "search:results", "methods": ("GET",), "allowed": frozenset(ROLES)},
]
