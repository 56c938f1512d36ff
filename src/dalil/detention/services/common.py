"""What every write to the register shares: the door (inside the write's transaction), the
refusals gathered by field, and the small checks of times, texts and photos."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil.cases.services import case_for_work
from dalil.core.text import clean

from .. import clock, selectors
from ..models import Detainee

PHOTO_MAX_BYTES = 10 * 1024 * 1024
# What a photo's first bytes must be: JPEG (FF D8 FF) or PNG (the 8-byte signature).
PHOTO_SIGNATURES = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG\r\n\x1a\n"}
TEXT_MIN = 3


def held(actor: Any, detainee: Detainee, *, closed_ok: bool = False) -> Detainee:
    """The detainee's row as it is now, locked with its case until the write's transaction ends
    (call it first inside the write's `transaction.atomic(durable=True)`). The actor works on the
    case (the operator's command line too, ADR 0006); the case must be open unless `closed_ok`
    (a person still held must be accounted for on a closed case too)."""
    case_for_work(actor, detainee.case, operator=True, closed_ok=closed_ok)
    return Detainee.objects.select_for_update().get(pk=detainee.pk)


class Problems:
    """Every reason to refuse, by field, raised at once (the user corrects the form in one go)."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[ValidationError]] = {}

    def add(self, field: str | None, message: Any) -> None:
        error = message if isinstance(message, ValidationError) else ValidationError(message)
        self.by_field.setdefault(field or NON_FIELD_ERRORS, []).append(error)

    def add_clock(self, exc: ValidationError, fields: dict[str, str]) -> None:
        """The clock's reasons (each with a code), each beside the field it concerns."""
        for error in exc.error_list:
            self.add(fields.get(error.code or ""), error)

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def aware(value: dt.datetime) -> dt.datetime:
    """Times typed without a zone are Baghdad times (the settings' zone)."""
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def not_released(detainee: Detainee) -> None:
    if detainee.released_at is not None:
        raise ValidationError(
            _("The detainee was released at %(at)s: a new detention needs a new arrest record.")
            % {"at": clock.shown(detainee.released_at)}
        )


def held_between(
    problems: Problems, field: str, when: dt.datetime, detainee: Detainee, now: dt.datetime
) -> None:
    """`when` lies within the detention: not before the arrest, not after the release or now."""
    if when < detainee.arrested_at:
        problems.add(
            field,
            _("This time is before the arrest (%(at)s).")
            % {"at": clock.shown(detainee.arrested_at)},
        )
    if when > now:
        problems.add(field, _("This time cannot be in the future."))
    if detainee.released_at is not None and when > detainee.released_at:
        problems.add(
            field,
            _("This time is after the release (%(at)s).")
            % {"at": clock.shown(detainee.released_at)},
        )


def text(problems: Problems, field: str, value: str, message: str = "") -> str:
    """Free text (the one rule for direction controls, core.text); `message` when it is required
    and empty."""
    try:
        value = clean(value)
    except ValidationError as exc:
        problems.add(field, exc)
        return ""
    if message and not value:
        problems.add(field, message)
    return value


def refresh(detainee: Detainee, now: dt.datetime) -> clock.Deadlines:
    """Keep the register's copies of the clock (next deadline, breach flags) in step."""
    orders = selectors.orders_of(detainee)
    state = selectors.clock_of(detainee, now, orders)
    detainee.next_deadline_at = selectors.urgency(detainee, state, orders, now)
    detainee.breached = state.breached
    detainee.registered_late = state.registered_late
    detainee.save(update_fields=["next_deadline_at", "breached", "registered_late", "updated_at"])
    return state


def iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def check_photo(problems: Problems, field: str, upload: Any) -> None:
    """Images only, JPEG or PNG, by their first bytes (a renamed file is refused), and small."""
    limit = int(getattr(settings, "DALIL_DETENTION_PHOTO_MAX_BYTES", PHOTO_MAX_BYTES))
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        problems.add(
            field,
            _("The photo is larger than the limit of %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
        )
        return
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    found = next((t for t, sig in PHOTO_SIGNATURES.items() if head.startswith(sig)), None)
    declared = str(getattr(upload, "content_type", "") or "").lower()
    if found is None or (declared and declared != found):
        problems.add(field, _("Only photos in JPEG or PNG format can be attached."))
