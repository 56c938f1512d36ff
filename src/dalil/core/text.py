"""Text rules shared by every app: identifiers, digits, bidi controls.

The full Arabic search folding (CO-11) builds on these and lives here too.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Controls that reorder text (Trojan Source, UTS #39): never inside an identifier.
BIDI_CONTROLS = frozenset(
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*", re.ASCII)
MAX_IDENTIFIER = 150


def normalize_digits(value: str) -> str:
    """Arabic-Indic and Persian digits to ASCII, so ١٢٣, ۱۲۳ and 123 are the same number."""
    return value.translate(_DIGITS)


def has_bidi_control(value: str) -> bool:
    return any(ch in BIDI_CONTROLS for ch in value)


def clean_identifier(value: str) -> str:
    """Normalise an identifier (user name, unit code) or raise a translated ValidationError."""
    if len(value) > MAX_IDENTIFIER:  # length first: never normalise a megabyte
        raise ValidationError(_("This is too long."), code="too_long")
    if has_bidi_control(value):
        raise ValidationError(
            _("This contains invisible direction-control characters, which are not allowed."),
            code="bidi",
        )
    value = normalize_digits(unicodedata.normalize("NFKC", value)).strip()
    if not _IDENTIFIER.fullmatch(value):
        raise ValidationError(
            _("Use Latin letters, digits, dot, dash or underscore only, starting with a letter or digit."),
            code="invalid_identifier",
        )
    return value


def validate_identifier(value: str) -> None:
    if clean_identifier(value) != value:
        raise ValidationError(_("Enter this identifier in its normal form."), code="not_normal")


def validate_no_bidi(value: str) -> None:
    if has_bidi_control(value):
        raise ValidationError(
            _("This contains invisible direction-control characters, which are not allowed."),
            code="bidi",
        )
