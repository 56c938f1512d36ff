"""Permission-matrix declaration for break-glass and the auditors' "why" page (tests/permission_matrix.py)."""

from __future__ import annotations

from typing import Any

from dalil.access.roles import ROLES

MATRIX: list[dict[str, Any]] = [
    # The list is scoped (each sees their own grants; auditors see all), so every user may open it.
    {"route": "access:break_glass_list", "methods": ("GET",), "allowed": frozenset(ROLES)},
    {"route": "access:break_glass", "methods": ("GET", "POST"), "allowed": {"commander"}},
    {"route": "access:explain", "methods": ("GET", "POST"), "allowed": {"auditor"}},
]
