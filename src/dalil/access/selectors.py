from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from . import door
from .models import Assignment, BreakGlass, Role


def assignments_of(user: Any) -> QuerySet[Assignment]:
    """A user's own roles (anyone may see their own)."""
    return Assignment.objects.filter(user_id=user.pk).select_related("role", "unit")


def assignment_list(actor: Any) -> QuerySet[Assignment]:
    return door.scope(actor, "view", Assignment.objects.select_related("user", "role", "unit"))


def role_list(actor: Any) -> QuerySet[Role]:
    return door.scope(actor, "view", Role.objects.prefetch_related("permissions"))


def break_glass_list(actor: Any) -> QuerySet[BreakGlass]:
    return door.scope(actor, "view", BreakGlass.objects.select_related("user"))
