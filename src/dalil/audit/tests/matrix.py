"""Permission-matrix declaration for the ledger pages (tests/permission_matrix.py).

Administrators administer; only auditors read, verify and export the ledger.
"""

from __future__ import annotations

from typing import Any


def _fresh_alert(w: Any, me: Any) -> dict[str, Any]:
    """A new open alert each time (acknowledging closes it)."""
    from django.db import transaction

    from dalil.audit import alerts

    with transaction.atomic():
        alert = alerts.raise_alert(kind="access.break_glass", facts={"user": "matrix"})
    assert alert is not None
    return {"pk": alert.pk}


MATRIX: list[dict[str, Any]] = [
    {"route": "audit:ledger", "methods": ("GET",), "allowed": {"auditor"}},
    {"route": "audit:verify", "methods": ("POST",), "allowed": {"auditor"}},
    {"route": "audit:checkpoint", "methods": ("POST",), "allowed": {"auditor"}},
    {"route": "audit:export", "methods": ("GET", "POST"), "allowed": {"auditor"}},
    {"route": "audit:alerts", "methods": ("GET",), "allowed": {"auditor"}},
    {
        "route": "audit:alert_acknowledge",
        "methods": ("POST",),
        "objects": {"global": _fresh_alert},
        "allowed": {"global": {"auditor"}},
        "data": lambda w, me: {"note": "Checked with the unit: a planned audit."},
    },
]
