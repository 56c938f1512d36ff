"""Checks for the values an entity carries: phone numbers, IBANs, VINs, partial dates, places.

Each returns the normalised value or raises a translated ValidationError; nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dalil.core.text import fold, has_bidi_control, normalize_digits

DEFAULT_REGION = "IQ"
COUNTRIES = frozenset(phonenumbers.SUPPORTED_REGIONS) | {"IQ"}
IBAN_LENGTHS = {"IQ": 23}
_VIN = re.compile(r"[A-HJ-NPR-Z0-9]{17}")
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
# Iraq's extent, with a small margin (latitude 29.0–37.4 N, longitude 38.7–48.8 E).
IRAQ_LAT = (Decimal("29.0"), Decimal("37.4"))
IRAQ_LON = (Decimal("38.7"), Decimal("48.8"))


def _refuse_bidi(value: str) -> None:
    if has_bidi_control(value):
        raise ValidationError(
            _("This contains invisible direction-control characters, which are not allowed."),
            code="bidi",
        )


def clean_phone(raw: str, region: str = DEFAULT_REGION) -> tuple[str, str]:
    """(E.164, national format) of a phone number as typed; Iraq is the default region."""
    _refuse_bidi(raw)
    text = normalize_digits(unicodedata.normalize("NFKC", raw)).strip()
    if not text or len(text) > 40:
        raise ValidationError(_("Enter a phone number."), code="phone_empty")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _(
                "“%(value)s” is not a valid phone number. Write it as 0770 123 4567 or +964 770 123 4567."
            )
            % {"value": raw.strip()[:40]},
            code="phone_invalid",
        )
    return (
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL),
    )


def iban_check_ok(iban: str) -> bool:
    """ISO 13616 / ISO 7064 mod 97-10: move the first four characters to the end, letters to
    numbers (A=10 … Z=35); the remainder by 97 must be 1."""
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def clean_iban(raw: str) -> str:
    _refuse_bidi(raw)
    iban = normalize_digits(unicodedata.normalize("NFKC", raw)).replace(" ", "").replace("-", "")
    iban = iban.upper()
    if not _IBAN.fullmatch(iban):
        raise ValidationError(
            _("An IBAN is two letters, two check digits and up to 30 letters or digits."),
            code="iban_format",
        )
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected and len(iban) != expected:
        raise ValidationError(
            _("An IBAN of %(country)s has %(n)d characters; this one has %(got)d.")
            % {"country": iban[:2], "n": expected, "got": len(iban)},
            code="iban_length",
        )
    if not iban_check_ok(iban):
        raise ValidationError(
            _("The check digits of this IBAN do not match: a character is probably mistyped."),
            code="iban_check",
        )
    return iban


def clean_vin(raw: str) -> str:
    _refuse_bidi(raw)
    vin = normalize_digits(raw).replace(" ", "").upper()
    if not vin:
        return ""
    if not _VIN.fullmatch(vin):
        raise ValidationError(
            _("A VIN has exactly 17 letters and digits (never I, O or Q)."), code="vin"
        )
    return vin


def plate_key(plate: str) -> str:
    """A plate's search key: folded, digits ASCII, only letters and digits."""
    return "".join(ch for ch in fold(plate) if ch.isalnum())


def clean_document_number(raw: str) -> str:
    _refuse_bidi(raw)
    number = normalize_digits(unicodedata.normalize("NFKC", raw)).strip().upper()
    number = " ".join(number.split())
    if not number:
        raise ValidationError(_("Enter the document number."), code="document_empty")
    if len(number) > 40:
        raise ValidationError(_("This is too long."), code="too_long")
    return number


def clean_country(value: str) -> str:
    value = (value or "").strip().upper()
    if value not in COUNTRIES:
        raise ValidationError(
            _("Use a two-letter ISO 3166-1 country code, such as IQ."), code="country"
        )
    return value


def check_partial_date(
    year: int | None, month: int | None, day: int | None, today: dt.date | None = None
) -> None:
    """A date that may be known only to the year or the month: never in the future, never
    impossible (30 February), a day only with its month."""
    today = today or dt.date.today()
    if year is None:
        if month or day:
            raise ValidationError(
                _("Give the year of birth when you give a month or a day."), code="date_no_year"
            )
        return
    if not 1880 <= year <= today.year:
        raise ValidationError(
            _("The year of birth must be between 1880 and %(year)d.") % {"year": today.year},
            code="date_year",
        )
    if day and not month:
        raise ValidationError(_("Give the month when you give the day."), code="date_no_month")
    if month is not None and not 1 <= month <= 12:
        raise ValidationError(_("The month must be between 1 and 12."), code="date_month")
    if month and day:
        try:
            date = dt.date(year, month, day)
        except ValueError:
            raise ValidationError(_("This date does not exist."), code="date_impossible") from None
        if date > today:
            raise ValidationError(
                _("The date of birth cannot be in the future."), code="date_future"
            )
    elif month and (year, month) > (today.year, today.month):
        raise ValidationError(_("The date of birth cannot be in the future."), code="date_future")


def check_coordinates(lat: Decimal | None, lon: Decimal | None) -> None:
    if lat is None and lon is None:
        return
    if lat is None or lon is None:
        raise ValidationError(
            _("Give both latitude and longitude, or neither."), code="coordinates_half"
        )
    if not (IRAQ_LAT[0] <= lat <= IRAQ_LAT[1] and IRAQ_LON[0] <= lon <= IRAQ_LON[1]):
        raise ValidationError(
            _(
                "These coordinates are outside Iraq. Check the order: latitude first (about 29–37), then longitude (about 39–48)."
            ),
            code="coordinates_outside",
        )
