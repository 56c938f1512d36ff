"""Small helpers shared by services."""

from __future__ import annotations

from typing import Any


def apply_changes(obj: Any, fields: dict[str, Any]) -> dict[str, list[str]]:
    """Set `fields` on `obj`; return what changed as {field: [old, new]} for the ledger payload."""
    diff = {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            diff[name] = [str(old), str(value)]
            setattr(obj, name, value)
    return diff


def acting_user(actor: Any) -> Any:
    """The user behind a write, for "recorded by" columns; None for the operator's command line
    (a `System` actor, which the ledger names instead)."""
    from django.contrib.auth import get_user_model

    return actor if isinstance(actor, get_user_model()) else None
