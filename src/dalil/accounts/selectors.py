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


# Entries that tell of oversight rather than of the record itself: who was refused, who was
# explained, who broke the glass. Only auditors see them in a record's history (R-06: an officer
# must get no signal that someone is looking at them).
OVERSIGHT_ACTIONS = ("access.", "audit.")


def history(actor: Any, obj: Model, limit: int = 50) -> list[Entry]:
    """The ledger entries about a record the actor may already see (its history panel)."""
    qs = Entry.objects.filter(target_type=obj._meta.label_lower, target_id=str(obj.pk))
    if not access.has_permission(actor, "audit.ledger.view"):
        for prefix in OVERSIGHT_ACTIONS:
            qs = qs.exclude(action__startswith=prefix)
    return list(qs.order_by("-seq")[:limit])


def has_mfa(user: User) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
