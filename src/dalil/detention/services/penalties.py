"""Corrections to the penalty scale (`PenaltyScale`): the years the quarter of Art. 109(ج) is
computed from, and the text each comes from. A legal adviser's work, with one ledger entry that
keeps the value before and after."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import access, audit
from dalil.accounts.models import Unit

from .. import selectors
from ..models import Detainee, PenaltyScale
from ..policies import PENALTY_MANAGE
from .common import Problems, refresh, text


def may_correct(actor: Any) -> bool:
    """The scale is national: correcting it needs the right at the ministry (the root unit),
    not at one command."""
    root = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    return root is not None and access.holds_at(actor, PENALTY_MANAGE, root)


def require_national(actor: Any) -> None:
    """Refused as the door refuses (404 on a page, ledgered)."""
    if not may_correct(actor):
        raise access.Denied(actor, PENALTY_MANAGE, None)


def penalty_scale_update(
    *, actor: Any, scale: PenaltyScale, years: int | None, source: str, note: str = ""
) -> PenaltyScale:
    with transaction.atomic(durable=True):
        require_national(actor)
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
        # The register's stored deadlines of everyone held for this penalty follow at once.
        now = timezone.now()
        for detainee in Detainee.objects.filter(released_at__isnull=True, penalty=locked.code):
            refresh(detainee, now)
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


def clocks_refresh(*, actor: Any) -> int:
    """Recompute the stored clock of every detainee still held (the operator's command, after an
    upgrade or a change of the death-penalty reading), with one ledger entry."""
    with transaction.atomic(durable=True):
        now = timezone.now()
        held = list(Detainee.objects.filter(released_at__isnull=True).order_by("pk"))
        for detainee in held:
            refresh(detainee, now)
        audit.record(
            actor=actor,
            action="detention.clocks_refreshed",
            payload={"held": len(held), "death_needs_court": selectors.death_needs_court()},
        )
    return len(held)
