"""Numbers, dates and times for people: the user's language, Baghdad time, and their choice of
Arabic-Indic (٠١٢٣) or Latin (0123) digits. Codes, hashes and identifiers never go through here:
they stay Latin inside <bdi dir="ltr">.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import formats, timezone

ARABIC_INDIC = "arab"
LATIN = "latn"
STYLES = (ARABIC_INDIC, LATIN)

_TO_ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
# In a number, the Latin separators become the Arabic ones (U+066C thousands, U+066B decimal).
_NUMBER_SEPARATORS = str.maketrans({",": "\u066c", ".": "\u066b"})

# What each kind of moment shows (Django format names, per language in dalil/ui/formats/).
KINDS = {
    "datetime": "SHORT_DATETIME_FORMAT",
    "date": "SHORT_DATE_FORMAT",
    "time": "TIME_FORMAT",
    "long": "DATETIME_FORMAT",
    "longdate": "DATE_FORMAT",
}


def style_of(user: Any) -> str:
    style = getattr(user, "digits", LATIN)
    return style if style in STYLES else LATIN


def digits(text: str, style: str) -> str:
    """Latin digits of `text` in the chosen style (nothing else changes)."""
    return text.translate(_TO_ARABIC_INDIC) if style == ARABIC_INDIC else text


def number(value: Any, style: str = LATIN, decimals: int | None = None) -> str:
    """A number with the language's grouping, in the chosen digits: 12,345 or ١٢٬٣٤٥."""
    if value is None or value == "":
        return ""
    if not isinstance(value, int | float | Decimal):
        try:
            value = Decimal(str(value))
        except ArithmeticError:
            return str(value)
    text = formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)
    if style == ARABIC_INDIC:
        text = text.translate(_NUMBER_SEPARATORS)
    return digits(text, style)


def moment(value: Any, style: str = LATIN, kind: str = "datetime") -> str:
    """A date or time in Baghdad time, written the language's way, in the chosen digits."""
    if value in (None, ""):
        return ""
    fmt = KINDS.get(kind, KINDS["datetime"])
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        if kind == "seconds":
            fmt = formats.get_format("SHORT_DATETIME_FORMAT") + ":s"
        text = formats.date_format(value, fmt)
    elif isinstance(value, dt.date):
        text = formats.date_format(
            value, KINDS["longdate"] if kind in ("long", "longdate") else KINDS["date"]
        )
    else:
        return str(value)
    return digits(text, style)


def iso(value: Any) -> str:
    """The machine-readable moment for <time datetime="…"> (always Latin, with the offset)."""
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).isoformat(
            timespec="seconds"
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    return ""
