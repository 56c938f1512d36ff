from __future__ import annotations

import string
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dalil.core.text import normalize_digits

_LIST = Path(__file__).with_name("data") / "common-passwords-local.txt"
_TAIL = string.digits + string.punctuation + " ،؛؟"


def _stem(word: str) -> str:
    """The word without its tail of digits and punctuation: "iraq2026!" -> "iraq"."""
    return word.rstrip(_TAIL)


class LocalCommonPasswordValidator:
    """Refuse passwords common in Iraq (Arabic words, places, football clubs, keyboard walks),
    on top of Django's list of 20,000 common passwords."""

    def __init__(self) -> None:
        words = _LIST.read_text(encoding="utf-8").split()
        self.words = {normalize_digits(w).casefold() for w in words}
        # A listed word with any other tail of digits ("iraq12345678", "baghdad2026!") is as weak.
        self.stems = {s for w in self.words if len(s := _stem(w)) >= 3}

    def validate(self, password: str, user: Any = None) -> None:
        candidate = normalize_digits(password).strip().casefold()
        if candidate in self.words or _stem(candidate) in self.stems:
            raise ValidationError(_("This password is too common."), code="password_too_common")

    def get_help_text(self) -> str:
        return _("Your password cannot be a commonly used password.")
