from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from dalil import access

from .models import Case


def case_list(actor: Any) -> QuerySet[Case]:
    return access.scope(actor, "view", Case.objects.select_related("unit", "lead", "compartment"))
