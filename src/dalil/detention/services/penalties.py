"""Corrections to the penalty scale (`PenaltyScale`): the years the quarter of Art. 109(ج) is
computed from, and the text each comes from. A legal adviser's work, with one ledger entry that
keeps the value before and after."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dalil import access, audit

from ..models import PenaltyScale
from ..policies import PENALTY_MANAGE
from .common import Problems, text


def penalty_scale_update(
    *, actor: Any, scale: PenaltyScale, years: int | None, source: str, note: str = ""
) -> PenaltyScale:
    with transaction.atomic(durable=True):
        access.require_permission(actor, PENALTY_MANAGE)
        locked = PenaltyScale.objects.select_for_update().get(pk=scale.pk)
        p = Problems()
        source = text(p, "source", source, _("Give the text this value comes from."))
        note = text(p, "note", note)
        if locked.code == "death":
            if years is not None:
                p.add(
                    "years",
                    _("The death penalty has no quarter limit (Art. 109(ب)): leave it empty."),
                )
        elif years is None or isinstance(years, bool) or not 1 <= int(years) <= 100:
            p.add("years", _("Give the years, a whole number from 1 to 100."))
        p.raise_any()
        before = {"years": locked.years, "source": locked.source, "note": locked.note}
        locked.years, locked.source, locked.note = years, source, note
        locked.save(update_fields=["years", "source", "note", "updated_at"])
        audit.record(
            actor=actor,
            action="detention.penalty_scale_changed",
            target=("detention.penaltyscale", str(locked.pk), locked.code),
            payload={
                "code": locked.code,
                "before": before,
                "after": {"years": years, "source": source, "note": note},
            },
        )
    return locked
