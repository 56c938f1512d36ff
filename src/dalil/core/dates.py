"""The one rule for dates and times a person types, on every input path (forms, API serializers,
services): a year before 1900 is a typing error. It is refused with a clear message rather than
stored (and, converted to UTC, a time in year 1 would overflow)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

EARLIEST_YEAR = 1900
# A stated time may run this far ahead of the server's clock (a phone's or a camera's clock).
FUTURE_GRACE = dt.timedelta(minutes=5)


def validate_year(value: dt.date | dt.datetime | None) -> None:
    if value is not None and value.year < EARLIEST_YEAR:
        raise ValidationError(_("Enter a year from 1900 on."), code="too_early")


def check_years(**values: dt.date | dt.datetime | None) -> None:
    """`validate_year()` of several fields at once; every refusal is raised beside its field."""
    errors = {}
    for name, value in values.items():
        try:
            validate_year(value)
        except ValidationError as exc:
            errors[name] = [exc]
    if errors:
        raise ValidationError(errors)


def past_moment(
    field: str, value: dt.datetime | None, *, message: str | Promise | None = None
) -> dt.datetime | None:
    """A time someone states of what already happened (collected, entered the cordon, took the
    photograph): from 1900 on, made aware in the server's zone when naive, and not in the future
    beyond FUTURE_GRACE. Refusals are raised beside `field`. None stays None."""
    if value is None:
        return None
    check_years(**{field: value})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if value > timezone.now() + FUTURE_GRACE:
        raise ValidationError({field: message or _("This time cannot be in the future.")})
    return value
