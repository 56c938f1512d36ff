"""Permission-matrix declaration for the ledger pages (tests/permission_matrix.py).

Administrators administer; only auditors read, verify and export the ledger.
"""

from __future__ import annotations

from typing import Any

MATRIX: list[dict[str, Any]] = [
    {"route": "audit:ledger", "methods": ("GET",), "allowed": {"auditor"}},
    {"route": "audit:verify", "methods": ("POST",), "allowed": {"auditor"}},
    {"route": "audit:checkpoint", "methods": ("POST",), "allowed": {"auditor"}},
    {"route": "audit:export", "methods": ("GET", "POST"), "allowed": {"auditor"}},
]
