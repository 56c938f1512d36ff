"""The 24-hour rules: the judge's one extension of the 24 hours before a judge (Constitution
Art. 19(13)), the appearance before the investigative judge and the questioning within 24 hours
of it (CPC Art. 123). Each is recorded once, with one ledger entry, and moves the clock."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import audit

from .. import clock
from ..models import Detainee
from .common import Problems, aware, held, held_between, iso, not_released, refresh, text


def hold_extension_record(
    *,
    actor: Any,
    detainee: Detainee,
    granted_by: str,
    granted_at: dt.datetime,
    now: dt.datetime | None = None,
) -> Detainee:
    """The judge extended, once and by 24 hours, the time the arrested person may be held before
    a judge's order: granted within the first 24 hours, before any order, never twice."""
    with transaction.atomic(durable=True):
        locked = held(actor, detainee)
        now = now or timezone.now()
        granted_at = aware(granted_at)
        not_released(locked)
        p = Problems()
        granted_by = text(
            p, "granted_by", granted_by, _("Give the judge who extended the 24 hours.")
        )
        if locked.hold_extended_at is not None:
            p.add(
                None,
                _("The 24 hours were already extended once: the law allows no second extension."),
            )
        first_order = (
            locked.orders.order_by("starts_at").values_list("starts_at", flat=True).first()
        )
        if first_order is not None and first_order <= locked.arrested_at + clock.FIRST_ORDER_WITHIN:
            # Recorded late is fine (the judge extended at hour 20, the order came at hour 30);
            # an order within the first 24 hours left nothing to extend.
            p.add(None, _("A judge's detention order came within 24 hours: nothing was extended."))
        held_between(p, "granted_at", granted_at, locked, now)
        if granted_at > locked.arrested_at + clock.FIRST_ORDER_WITHIN:
            p.add(
                "granted_at",
                _("The extension must be granted within the first 24 hours (by %(at)s).")
                % {"at": clock.shown(locked.arrested_at + clock.FIRST_ORDER_WITHIN)},
            )
        p.raise_any()
        locked.hold_extended_at = granted_at
        locked.hold_extended_by = granted_by
        locked.save(update_fields=["hold_extended_at", "hold_extended_by", "updated_at"])
        refresh(locked, now)
        audit.record(
            actor=actor,
            action="detention.hold_extended",
            target=locked,
            payload={"granted_by": granted_by, "granted_at": iso(granted_at)},
        )
    detainee.refresh_from_db()
    return detainee


def appearance_record(
    *,
    actor: Any,
    detainee: Detainee,
    presented_at: dt.datetime | None = None,
    questioned_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Detainee:
    """When the accused was brought before the investigative judge and when the judge questioned
    them (either or both; each is recorded once). The questioning is due 24 hours after the
    appearance (CPC Art. 123): a late one stays a recorded breach."""
    with transaction.atomic(durable=True):
        locked = held(actor, detainee, closed_ok=True)
        now = now or timezone.now()
        p = Problems()
        if presented_at is None and questioned_at is None:
            p.add(None, _("Give the time of the appearance, of the questioning, or both."))
        if presented_at is not None:
            presented_at = aware(presented_at)
            if locked.presented_at is not None:
                p.add("presented_at", _("The appearance before the judge is already recorded."))
            held_between(p, "presented_at", presented_at, locked, now)
        if questioned_at is not None:
            questioned_at = aware(questioned_at)
            if locked.questioned_at is not None:
                p.add("questioned_at", _("The questioning by the judge is already recorded."))
            held_between(p, "questioned_at", questioned_at, locked, now)
            appeared = presented_at or locked.presented_at
            if appeared is None or questioned_at < appeared:
                p.add(
                    "questioned_at",
                    _("The questioning comes after the appearance before the judge."),
                )
        p.raise_any()
        changed = []
        if presented_at is not None:
            locked.presented_at = presented_at
            changed.append("presented_at")
        if questioned_at is not None:
            locked.questioned_at = questioned_at
            changed.append("questioned_at")
        locked.save(update_fields=[*changed, "updated_at"])
        refresh(locked, now)
        audit.record(
            actor=actor,
            action="detention.appearance_recorded",
            target=locked,
            payload={"presented_at": iso(presented_at), "questioned_at": iso(questioned_at)},
        )
    detainee.refresh_from_db()
    return detainee
