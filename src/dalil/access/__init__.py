"""THE authorization module. Everything that decides who may see or do what goes through here."""

from .door import (
    Anywhere,
    Denied,
    Member,
    Policy,
    UnitGrant,
    break_glass_open,
    can,
    explain,
    forget,
    get_or_404,
    has_permission,
    register_permission,
    register_policy,
    require,
    require_permission,
    scope,
    units_with,
)

__all__ = [
    "Anywhere", "Denied", "Member", "Policy", "UnitGrant", "break_glass_open", "can", "explain", "forget",
    "get_or_404", "has_permission", "register_permission", "register_policy", "require",
    "require_permission", "scope", "units_with",
]  # fmt: skip
