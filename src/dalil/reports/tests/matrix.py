"""Permission-matrix declaration for the documents (tests/permission_matrix.py).

The ledger extract of a record is open to exactly those who may view the record: units (own
station, sibling station) and users (one's own record) stand for every model with a policy.
"""

from __future__ import annotations

from typing import Any

from dalil.access.roles import ROLES

EVERYONE = frozenset(ROLES)
MINISTRY_READERS = {"system_admin", "auditor"}  # hold accounts.unit.view at MOI
UNIT_READERS = EVERYONE - {"donor_officer"}  # hold accounts.unit.view (or manage) at their unit


def _unit(code: str) -> Any:
    def kwargs(w: Any, me: Any) -> dict[str, Any]:
        return {"app_label": "accounts", "model": "unit", "pk": str(w.units[code].pk)}

    return kwargs


def _self(w: Any, me: Any) -> dict[str, Any]:
    return {"app_label": "accounts", "model": "user", "pk": str(me.pk)}


MATRIX: list[dict[str, Any]] = [
    {
        "route": "reports:ledger_extract",
        "methods": ("GET", "POST"),
        "objects": {"own": _unit("BGD-KARADA"), "other": _unit("BGD-MANSOUR"), "self": _self},
        "allowed": {
            "own": UNIT_READERS,
            "other": {*MINISTRY_READERS, "security_officer"},
            "self": EVERYONE,
        },
    },
]
