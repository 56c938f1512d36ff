"""Where a detainee is held, and the end of the detention: transfers and the release. Both are
allowed on a closed case too: a person still held must be accounted for."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import audit
from dalil.accounts.models import Unit
from dalil.core import dates
from dalil.core.records import acting_user

from .. import clock
from ..models import Detainee, Transfer
from .common import TEXT_MIN, Problems, aware, held, held_between, iso, not_released, refresh, text


def transfer_record(
    *,
    actor: Any,
    detainee: Detainee,
    moved_at: dt.datetime,
    to_place: str,
    reason: str,
    to_unit: Unit | None = None,
    seen: tuple[str, int | None] | None = None,
    now: dt.datetime | None = None,
) -> Transfer:
    """Move the detainee to another place of detention. `seen` is the place and unit id the
    user's page showed (default: those of `detainee` as loaded); the move is refused if the
    detainee is no longer there."""
    seen_place, seen_unit = seen or (detainee.place_of_detention, detainee.place_unit_id)
    with transaction.atomic(durable=True):
        locked = held(actor, detainee, closed_ok=True)
        not_released(detainee)  # as the user's page showed it
        # Of two transfers racing (two officers, a double click), the second finds the detainee
        # moved from the place its page showed and is refused, instead of recording a second
        # move from a place they have already left.
        where = (locked.place_of_detention, locked.place_unit_id)
        if locked.released_at is not None or where != (seen_place, seen_unit):
            raise ValidationError(
                {
                    "to_place": _(
                        "The detainee was moved or released meanwhile; reload the page and "
                        "check where they are held now."
                    )
                }
            )
        dates.check_years(moved_at=moved_at)
        now = now or timezone.now()
        moved_at = aware(moved_at)
        p = Problems()
        to_place = text(p, "to_place", to_place, _("Say where the detainee is taken."))
        reason = text(p, "reason", reason, _("Give the reason for the transfer."))
        held_between(p, "moved_at", moved_at, locked, now)
        last = locked.transfers.order_by("-moved_at").first()
        if last is not None and moved_at < last.moved_at:
            p.add(
                "moved_at",
                _("This time is before the previous transfer (%(at)s).")
                % {"at": clock.shown(last.moved_at)},
            )
        if to_place == locked.place_of_detention and to_unit == locked.place_unit:
            p.add("to_place", _("The detainee is already held there."))
        p.raise_any()
        Detainee.objects.filter(pk=locked.pk).update(
            place_of_detention=to_place, place_unit=to_unit, updated_at=timezone.now()
        )
        transfer = Transfer.objects.create(
            detainee=locked,
            moved_at=moved_at,
            from_place=seen_place,
            from_unit_id=seen_unit,
            to_place=to_place,
            to_unit=to_unit,
            reason=reason,
            recorded_by=acting_user(actor),
        )
        detainee.place_of_detention, detainee.place_unit = to_place, to_unit
        audit.record(
            actor=actor,
            action="detention.transferred",
            target=detainee,
            payload={
                "transfer": transfer.pk,
                "moved_at": iso(moved_at),
                "from": transfer.from_place,
                "from_unit": transfer.from_unit.code if transfer.from_unit else None,
                "to": to_place,
                "to_unit": to_unit.code if to_unit else None,
                "reason": reason,
            },
        )
    return transfer


RELEASE_FIELDS = {"released_before_arrest": "released_at", "future": "released_at"}


def release_record(
    *,
    actor: Any,
    detainee: Detainee,
    released_at: dt.datetime,
    basis: str,
    basis_other: str = "",
    note: str = "",
    now: dt.datetime | None = None,
) -> Detainee:
    """Record the release and its legal basis; the clock stops (breaches stay recorded). Of two
    releases racing (a double click), the second finds the row released and is refused."""
    with transaction.atomic(durable=True):
        locked = held(actor, detainee, closed_ok=True)
        not_released(locked)
        dates.check_years(released_at=released_at)
        now = now or timezone.now()
        released_at = aware(released_at)
        p = Problems()
        if basis not in Detainee.ReleaseBasis.values:
            p.add("basis", _("Choose the legal basis of the release."))
        basis_other = text(p, "basis_other", basis_other)
        note = text(p, "note", note)
        if basis == Detainee.ReleaseBasis.OTHER and len(basis_other) < TEXT_MIN:
            p.add("basis_other", _("Describe the legal basis of the release."))
        try:
            clock.validate_arrest(
                clock.Arrest(locked.arrested_at, locked.registered_at, released_at), now
            )
        except ValidationError as exc:
            p.add_clock(exc, RELEASE_FIELDS)
        p.raise_any()
        locked.released_at = released_at
        locked.release_basis = basis
        locked.release_basis_other = basis_other if basis == Detainee.ReleaseBasis.OTHER else ""
        locked.release_note = note
        locked.released_by = acting_user(actor)
        locked.save(
            update_fields=[
                "released_at",
                "release_basis",
                "release_basis_other",
                "release_note",
                "released_by",
                "updated_at",
            ]
        )
        state = refresh(locked, now)
        audit.record(
            actor=actor,
            action="detention.released",
            target=locked,
            payload={
                "released_at": iso(released_at),
                "basis": basis,
                "basis_other": locked.release_basis_other,
                "note": note,
                "breaches": [b.kind.value for b in state.breaches],
            },
        )
    detainee.refresh_from_db()
    return detainee
