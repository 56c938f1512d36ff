from __future__ import annotations

from typing import Any

from django.db.models import Model, Q, QuerySet

from dalil import access
from dalil.audit.models import Entry

from .models import Unit, User


def unit_list(actor: Any, *, query: str = "") -> QuerySet[Unit]:
    qs = access.scope(actor, "view", Unit.objects.select_related("governorate", "parent"))
    if query:
        qs = qs.filter(
            Q(code__icontains=query)
            | Q(name_ar__icontains=query)
            | Q(name_en__icontains=query)
            | Q(name_ckb__icontains=query)
        )
    return qs


def user_list(actor: Any, *, query: str = "") -> QuerySet[User]:
    qs = access.scope(actor, "view", User.objects.select_related("unit"))
    if query:
        qs = qs.filter(
            Q(username__icontains=query)
            | Q(full_name__icontains=query)
            | Q(full_name_latin__icontains=query)
            | Q(badge_number__icontains=query)
        )
    return qs


def history(actor: Any, obj: Model, limit: int = 50) -> list[Entry]:
    """The ledger entries about a record the actor may already see (its history panel), as the
    ledger's one visibility rule lets this reader read them (`dalil.audit.selectors.about`)."""
    from dalil.audit.selectors import about

    return list(about(actor, obj).order_by("-seq")[:limit])


def has_mfa(user: User) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
