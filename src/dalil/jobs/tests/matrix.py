"""Permission-matrix declaration for the jobs app (tests/permission_matrix.py)."""

from __future__ import annotations

from typing import Any

MATRIX: list[dict[str, Any]] = []
