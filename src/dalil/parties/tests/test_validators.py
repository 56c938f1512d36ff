"""The value checks, without the database: phones, IBANs, VINs, partial dates, coordinates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dalil.parties import validators as v

# The example Iraqi IBAN of the SWIFT IBAN registry (23 characters).
REGISTRY_IBAN = "IQ98NBIQ850123456789012"


@pytest.mark.parametrize(
    "raw", ["07701234567", "+964 770 123 4567", "٠٧٧٠١٢٣٤٥٦٧", "00964 770-123-4567", "۰۷۷۰۱۲۳۴۵۶۷"]
)
def test_every_way_of_writing_an_iraqi_mobile_number_gives_the_same_e164(raw: str) -> None:
    e164, national = v.clean_phone(raw)
    assert e164 == "+9647701234567"
    assert national.replace(" ", "") == "07701234567"


@pytest.mark.parametrize("raw", ["12", "0770", "+964 770 123", "abcdefg", "+999 1234567", ""])
def test_an_invalid_phone_number_is_refused_with_a_message(raw: str) -> None:
    with pytest.raises(ValidationError):
        v.clean_phone(raw)


def test_a_phone_number_with_a_direction_control_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        v.clean_phone("0770\u202e1234567")
    assert exc.value.code == "bidi"


def test_a_foreign_number_keeps_its_own_country_code() -> None:
    assert v.clean_phone("+44 20 7946 0958")[0] == "+442079460958"


def test_the_registry_iban_passes_its_mod97_check_and_is_normalised() -> None:
    assert v.iban_check_ok(REGISTRY_IBAN)
    assert v.clean_iban("iq98 nbiq 8501 2345 6789 012") == REGISTRY_IBAN


def test_changing_any_digit_of_an_iban_breaks_its_check_digits() -> None:
    for i in range(4, len(REGISTRY_IBAN)):
        ch = REGISTRY_IBAN[i]
        if not ch.isdigit():
            continue
        bad = REGISTRY_IBAN[:i] + str((int(ch) + 1) % 10) + REGISTRY_IBAN[i + 1 :]
        assert not v.iban_check_ok(bad)
        with pytest.raises(ValidationError) as exc:
            v.clean_iban(bad)
        assert exc.value.code == "iban_check"


def test_the_check_digits_of_a_demo_iban_are_computed_correctly() -> None:
    from dalil.parties.demo import _iban

    iban = _iban("RAFB", "850123456789012")
    assert len(iban) == 23 and v.clean_iban(iban) == iban


def test_an_iraqi_iban_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        v.clean_iban(REGISTRY_IBAN + "3")
    assert exc.value.code == "iban_length"


def test_a_vin_must_have_seventeen_characters_without_i_o_or_q() -> None:
    assert v.clean_vin("jtmhv05j604123456") == "JTMHV05J604123456"
    assert v.clean_vin("") == ""
    for bad in ["JTMHV05J60412345", "JTMHV05J6041234567", "JTMHV05J60412345O"]:
        with pytest.raises(ValidationError):
            v.clean_vin(bad)


TODAY = dt.date(2026, 6, 15)


@pytest.mark.parametrize(
    "ymd", [(1990, None, None), (1990, 2, None), (2000, 2, 29), (2026, 6, 15), (2026, 6, None)]
)
def test_a_known_part_of_a_birth_date_is_accepted(ymd: tuple) -> None:
    v.check_partial_date(*ymd, today=TODAY)


@pytest.mark.parametrize(
    ("ymd", "code"),
    [
        ((2027, None, None), "date_year"),
        ((2026, 7, None), "date_future"),
        ((2026, 6, 16), "date_future"),
        ((1999, 2, 29), "date_impossible"),
        ((1990, 4, 31), "date_impossible"),
        ((1990, 13, None), "date_month"),
        ((1990, None, 5), "date_no_month"),
        ((None, 5, None), "date_no_year"),
        ((1700, None, None), "date_year"),
    ],
)
def test_a_future_or_impossible_partial_date_is_refused(ymd: tuple, code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        v.check_partial_date(*ymd, today=TODAY)
    assert exc.value.code == code


def test_a_document_number_is_folded_to_ascii_digits_and_refuses_direction_controls() -> None:
    assert v.clean_document_number(" ١٩٩٠١٢٣٤٥ ") == "199012345"
    with pytest.raises(ValidationError) as exc:
        v.clean_document_number("1990\u200f12345")
    assert exc.value.code == "bidi"


def test_coordinates_must_lie_in_iraq() -> None:
    v.check_coordinates(Decimal("33.3152"), Decimal("44.3661"))  # Baghdad
    v.check_coordinates(None, None)
    for lat, lon in [
        (Decimal("44.3661"), Decimal("33.3152")),  # swapped
        (Decimal("24.7136"), Decimal("46.6753")),  # Riyadh
        (Decimal("33.3"), None),
    ]:
        with pytest.raises(ValidationError):
            v.check_coordinates(lat, lon)


def test_a_plate_key_ignores_spaces_dashes_letter_variants_and_digit_forms() -> None:
    assert v.plate_key("بغداد أ ٤١٨٣٧") == v.plate_key("بغداد-ا 41837")
