"""The detention clock, against hand-computed dates (docs/adr/0011-detention-clock.md).

Times are written on the Baghdad wall clock (``bgd``) because that is how the law and the register
count them; the module must hand back the same instants in UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from hypothesis import given, settings
from hypothesis import strategies as st

from dalil.detention import clock
from dalil.detention.clock import (
    BAGHDAD,
    Arrest,
    Kind,
    Level,
    Offence,
    Order,
    OrderKind,
    add_months,
    alerts,
    deadlines,
    registration_delay,
    registration_late,
    validate_arrest,
    validate_order,
)


def bgd(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=BAGHDAD)


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=UTC)


def codes(error: ValidationError) -> list[str]:
    return [e.code for e in error.error_list]


def chain(arrest: Arrest, offence: Offence, lengths: list[int], permission_from: int = 10**6):
    """Accept back-to-back orders of the given lengths, starting at the arrest; orders from index
    ``permission_from`` on are judged with the criminal court's permission (``ALWAYS``)."""
    orders: list[Order] = []
    start = arrest.arrested_at
    for i, days in enumerate(lengths):
        order = Order(start, days, kind=OrderKind.DETENTION if i == 0 else OrderKind.EXTENSION)
        permissions = ALWAYS if i >= permission_from else ()
        validate_order(orders, order, offence, arrest=arrest, permissions=permissions)
        orders.append(order)
        start = order.ends_at
    return orders


TEN_YEARS = Offence(10)
# A permission of the criminal court whose period outlasts any test (the cap still applies).
ALWAYS = (clock.Permission(datetime(2100, 1, 1, tzinfo=BAGHDAD)),)
ARREST = Arrest(bgd(2026, 1, 10, 9, 0), registered_at=bgd(2026, 1, 10, 12, 0))


# --- time and the Baghdad calendar -------------------------------------------------------------


def test_baghdad_wall_clock_maps_to_utc_three_hours_earlier_all_year():
    assert bgd(2026, 1, 15, 12, 0) == utc(2026, 1, 15, 9, 0)
    assert bgd(2026, 7, 15, 12, 0) == utc(2026, 7, 15, 9, 0)
    assert bgd(2026, 1, 15).utcoffset() == bgd(2026, 7, 15).utcoffset() == timedelta(hours=3)


def test_an_order_across_the_old_spring_change_date_lasts_exactly_fifteen_times_24_hours():
    # Until 2008 Baghdad moved its clocks on 1 April; today it does not.
    order = Order(bgd(2026, 3, 25, 10, 0), 15)
    assert order.ends_at == bgd(2026, 4, 9, 10, 0) == utc(2026, 4, 9, 7, 0)
    assert order.ends_at - order.starts_at == timedelta(days=15)


def test_day_arithmetic_follows_the_baghdad_wall_clock_even_in_the_dst_years():
    # 2007 still had daylight saving (1 April): 15 calendar days are then 15 × 24 h minus one hour,
    # which proves the arithmetic is done on the Baghdad calendar and not on UTC.
    order = Order(bgd(2007, 3, 25, 10, 0), 15)
    assert clock.baghdad(order.ends_at).replace(tzinfo=None) == datetime(2007, 4, 9, 10, 0)
    assert order.ends_at - order.starts_at == timedelta(days=15) - timedelta(hours=1)


def test_results_come_back_in_utc():
    assert Order(bgd(2026, 3, 1, 10, 0), 15).ends_at.tzinfo is UTC
    assert add_months(bgd(2026, 3, 1, 10, 0), 6).tzinfo is UTC


def test_six_months_from_31_august_ends_on_28_february():
    arrest = Arrest(bgd(2026, 8, 31, 10, 15))
    assert clock.six_months_point(arrest) == bgd(2027, 2, 28, 10, 15)


def test_six_months_from_31_august_2027_ends_on_29_february_2028_a_leap_year():
    arrest = Arrest(bgd(2027, 8, 31, 10, 15))
    assert clock.six_months_point(arrest) == bgd(2028, 2, 29, 10, 15)


def test_months_are_counted_on_the_baghdad_date_not_the_utc_date():
    # 1 October 01:00 in Baghdad is still 30 September (22:00) in UTC.
    arrest = Arrest(bgd(2026, 10, 1, 1, 0))
    assert arrest.arrested_at == utc(2026, 9, 30, 22, 0)
    assert clock.six_months_point(arrest) == bgd(2027, 4, 1, 1, 0)
    # Counting on the UTC date would have given 30 March 22:00 UTC (31 March in Baghdad).
    assert clock.six_months_point(arrest) != utc(2027, 3, 30, 22, 0)


def test_months_cross_the_year_end():
    assert add_months(bgd(2026, 11, 30, 8, 0), 3) == bgd(2027, 2, 28, 8, 0)
    assert add_months(bgd(2026, 1, 31, 8, 0), 30) == bgd(2028, 7, 31, 8, 0)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        Arrest(datetime(2026, 1, 1, 10, 0))
    with pytest.raises(ValueError):
        Order(datetime(2026, 1, 1, 10, 0), 15)
    with pytest.raises(ValueError):
        deadlines(ARREST, [], TEN_YEARS, datetime(2026, 1, 1, 10, 0))


# --- registration within 24 hours --------------------------------------------------------------


def test_arrest_at_2330_baghdad_is_2030_utc():
    assert bgd(2026, 5, 3, 23, 30) == utc(2026, 5, 3, 20, 30)


def test_registration_24_hours_and_one_minute_after_arrest_is_late():
    arrest = Arrest(bgd(2026, 5, 3, 23, 30), registered_at=bgd(2026, 5, 4, 23, 31))
    assert registration_delay(arrest) == timedelta(hours=24, minutes=1)
    assert registration_late(arrest) is True


def test_registration_one_minute_inside_24_hours_is_not_late():
    arrest = Arrest(bgd(2026, 5, 3, 23, 30), registered_at=bgd(2026, 5, 4, 23, 29))
    assert registration_delay(arrest) == timedelta(hours=23, minutes=59)
    assert registration_late(arrest) is False


def test_registration_exactly_24_hours_after_arrest_is_not_late():
    arrest = Arrest(bgd(2026, 5, 3, 23, 30), registered_at=bgd(2026, 5, 4, 23, 30))
    assert registration_late(arrest) is False


def test_no_registration_yet_has_no_delay_and_is_pending_then_breached():
    arrest = Arrest(bgd(2026, 5, 3, 23, 30))
    assert registration_delay(arrest) is None
    assert registration_late(arrest) is False
    early = deadlines(arrest, [], TEN_YEARS, bgd(2026, 5, 4, 10, 0))
    assert clock.Deadline(Kind.REGISTRATION, bgd(2026, 5, 4, 23, 30)) in early.pending
    assert not early.breached
    late = deadlines(arrest, [], TEN_YEARS, bgd(2026, 5, 4, 23, 31))
    assert clock.Deadline(Kind.REGISTRATION, bgd(2026, 5, 4, 23, 30)) in late.breaches


def test_a_late_registration_stays_a_breach_afterwards():
    arrest = Arrest(bgd(2026, 5, 3, 23, 30), registered_at=bgd(2026, 5, 4, 23, 31))
    orders = [Order(bgd(2026, 5, 4, 9, 0), 15, kind=OrderKind.DETENTION)]
    state = deadlines(arrest, orders, TEN_YEARS, bgd(2026, 5, 10, 9, 0))
    assert state.registered_late
    assert [b.kind for b in state.breaches] == [Kind.REGISTRATION]


def test_impossible_arrest_records_are_refused_with_a_message():
    now = bgd(2026, 5, 10, 9, 0)
    with pytest.raises(ValidationError) as caught:
        validate_arrest(Arrest(bgd(2026, 5, 3, 23, 30), registered_at=bgd(2026, 5, 3, 22, 0)), now)
    assert codes(caught.value) == ["registered_before_arrest"]
    assert caught.value.messages == [
        gettext("The registration time cannot be before the arrest time.")
    ]
    with pytest.raises(ValidationError) as caught:
        validate_arrest(Arrest(bgd(2026, 5, 11, 9, 0)), now)
    assert codes(caught.value) == ["future"]
    with pytest.raises(ValidationError) as caught:
        validate_arrest(Arrest(bgd(2026, 5, 3, 9, 0), released_at=bgd(2026, 5, 2, 9, 0)), now)
    assert codes(caught.value) == ["released_before_arrest"]
    validate_arrest(Arrest(bgd(2026, 5, 3, 9, 0), registered_at=bgd(2026, 5, 3, 10, 0)), now)


# --- orders of at most 15 days -----------------------------------------------------------------


def test_fifteen_day_orders_chain_back_to_back():
    orders = chain(ARREST, TEN_YEARS, [15, 15, 15, 15])
    assert [o.ends_at for o in orders] == [
        bgd(2026, 1, 25, 9, 0),
        bgd(2026, 2, 9, 9, 0),
        bgd(2026, 2, 24, 9, 0),
        bgd(2026, 3, 11, 9, 0),
    ]
    state = deadlines(ARREST, orders, TEN_YEARS, bgd(2026, 2, 20, 9, 0))
    assert state.order_expires_at == bgd(2026, 3, 11, 9, 0)  # the recorded extensions count
    assert state.held_lawfully_until == bgd(2026, 3, 11, 9, 0)
    assert not state.breached
    assert state.nearest == clock.Deadline(Kind.ORDER_EXPIRY, bgd(2026, 3, 11, 9, 0))


def test_a_sixteen_day_order_is_refused_with_a_translated_message():
    with pytest.raises(ValidationError) as caught:
        validate_order(
            [], Order(ARREST.arrested_at, 16, kind=OrderKind.DETENTION), TEN_YEARS, arrest=ARREST
        )
    assert codes(caught.value) == ["too_long"]
    expected = gettext(
        "A detention order may last at most %(max)s days; this one lasts %(days)s days."
    ) % {"max": 15, "days": 16}
    assert caught.value.messages == [expected]


def test_an_order_of_zero_days_or_of_part_days_is_refused():
    with pytest.raises(ValidationError) as caught:
        validate_order(
            [], Order(ARREST.arrested_at, 0, kind=OrderKind.DETENTION), TEN_YEARS, arrest=ARREST
        )
    assert codes(caught.value) == ["too_short"]
    with pytest.raises(ValidationError) as caught:
        validate_order(
            [], Order(ARREST.arrested_at, 1.5, kind=OrderKind.DETENTION), TEN_YEARS, arrest=ARREST
        )
    assert codes(caught.value) == ["not_whole_days"]


def test_a_gap_between_orders_is_refused():
    orders = chain(ARREST, TEN_YEARS, [15])
    late = Order(orders[-1].ends_at + timedelta(hours=1), 10)
    with pytest.raises(ValidationError) as caught:
        validate_order(orders, late, TEN_YEARS, arrest=ARREST)
    assert codes(caught.value) == ["gap"]


def test_an_overlapping_order_is_refused():
    orders = chain(ARREST, TEN_YEARS, [15])
    early = Order(orders[-1].ends_at - timedelta(days=2), 10)
    with pytest.raises(ValidationError) as caught:
        validate_order(orders, early, TEN_YEARS, arrest=ARREST)
    assert codes(caught.value) == ["overlap"]
    assert caught.value.messages == [
        gettext(
            "This order overlaps the previous order, which runs until %(at)s. An extension starts when the previous order expires."
        )
        % {"at": "2026-01-25 09:00"}
    ]


def test_the_first_order_is_a_detention_order_and_later_ones_are_extensions():
    with pytest.raises(ValidationError) as caught:
        validate_order(
            [], Order(ARREST.arrested_at, 15, kind=OrderKind.EXTENSION), TEN_YEARS, arrest=ARREST
        )
    assert codes(caught.value) == ["kind"]
    orders = chain(ARREST, TEN_YEARS, [15])
    with pytest.raises(ValidationError) as caught:
        validate_order(
            orders,
            Order(orders[-1].ends_at, 15, kind=OrderKind.DETENTION),
            TEN_YEARS,
            arrest=ARREST,
        )
    assert codes(caught.value) == ["kind"]


def test_an_order_cannot_start_before_the_arrest_or_after_the_release():
    with pytest.raises(ValidationError) as caught:
        validate_order(
            [],
            Order(ARREST.arrested_at - timedelta(minutes=1), 15, kind=OrderKind.DETENTION),
            TEN_YEARS,
            arrest=ARREST,
        )
    assert codes(caught.value) == ["before_arrest"]
    released = Arrest(ARREST.arrested_at, ARREST.registered_at, released_at=bgd(2026, 1, 12))
    with pytest.raises(ValidationError) as caught:
        validate_order(
            [],
            Order(ARREST.arrested_at, 15, kind=OrderKind.DETENTION),
            TEN_YEARS,
            arrest=released,
        )
    assert codes(caught.value) == ["after_release"]


def test_every_reason_is_reported_at_once():
    four = Offence(4)  # cap 10 January 2027
    orders = chain(ARREST, four, [15] * 24 + [5], permission_from=12)  # ends at the cap exactly
    with pytest.raises(ValidationError) as caught:
        validate_order(
            orders, Order(orders[-1].ends_at + timedelta(days=1), 16), four, arrest=ARREST
        )
    assert codes(caught.value) == ["too_long", "gap", "six_months", "quarter_cap"]


def test_an_offence_of_three_years_or_less_is_not_detained_under_article_109():
    """Art. 109(أ) is for offences punishable by more than three years; at three years or less
    Art. 110 applies (release on a pledge or bail): the order is refused with that reason."""
    for years in (1, 3):
        with pytest.raises(ValidationError) as caught:
            validate_order(
                [],
                Order(ARREST.arrested_at, 5, kind=OrderKind.DETENTION),
                Offence(years),
                arrest=ARREST,
            )
        assert codes(caught.value) == ["art_110"]
        assert "Art. 110" in caught.value.messages[0]
    validate_order(
        [], Order(ARREST.arrested_at, 5, kind=OrderKind.DETENTION), Offence(4), arrest=ARREST
    )


# --- the quarter cap and the six-month point ---------------------------------------------------


def test_quarter_of_four_years_caps_detention_at_twelve_months_even_with_the_court():
    four = Offence(4)
    assert four.quarter_cap_months == 12
    # 10 January + 24 × 15 days + 5 days = 10 January 2027 = 10 January + 12 months.
    orders = chain(ARREST, four, [15] * 24 + [5], permission_from=12)
    assert orders[-1].ends_at == bgd(2027, 1, 10, 9, 0) == clock.quarter_cap_point(ARREST, four)
    more = Order(orders[-1].ends_at, 1)
    with pytest.raises(ValidationError) as caught:
        validate_order(orders, more, four, arrest=ARREST, permissions=ALWAYS)
    assert codes(caught.value) == ["quarter_cap"]  # even with the court's permission
    state = deadlines(ARREST, orders, four, bgd(2027, 1, 8, 12, 0), ALWAYS)
    assert state.quarter_cap_at == bgd(2027, 1, 10, 9, 0)
    assert state.six_months_at == bgd(2026, 7, 10, 9, 0)
    assert state.nearest == clock.Deadline(Kind.QUARTER_CAP, bgd(2027, 1, 10, 9, 0))


def test_quarter_of_ten_years_is_thirty_months_so_six_months_governs():
    assert TEN_YEARS.quarter_cap_months == 30
    assert clock.quarter_cap_point(ARREST, TEN_YEARS) == bgd(2028, 7, 10, 9, 0)
    # 10 January + 180 days = 9 July; six months = 10 July (181 days).
    orders = chain(ARREST, TEN_YEARS, [15] * 12)
    assert orders[-1].ends_at == bgd(2026, 7, 9, 9, 0)
    with pytest.raises(ValidationError) as caught:
        validate_order(orders, Order(orders[-1].ends_at, 15), TEN_YEARS, arrest=ARREST)
    assert codes(caught.value) == ["six_months"]
    assert caught.value.messages == [
        gettext(
            "This order would keep the detainee beyond six months of detention (%(at)s) without the criminal court's permission."
        )
        % {"at": "2026-07-10 09:00"}
    ]
    # Up to the six-month point exactly needs no permission; beyond it, with permission, is fine.
    validate_order(orders, Order(orders[-1].ends_at, 1), TEN_YEARS, arrest=ARREST)
    validate_order(
        orders, Order(orders[-1].ends_at, 15), TEN_YEARS, arrest=ARREST, permissions=ALWAYS
    )


def test_the_court_permits_a_period_and_an_order_one_day_past_it_is_refused():
    """Art. 109(ج): the criminal court permits «مدة مناسبة», a period. The court allows detention
    until 1 August 09:00; orders reach 24 July; an order to 2 August is refused, one to 1 August
    is lawful, and the deadlines name the end of the court's period."""
    court = (clock.Permission(bgd(2026, 8, 1, 9, 0)),)
    orders = chain(ARREST, TEN_YEARS, [15] * 12)
    validate_order(
        orders, Order(orders[-1].ends_at, 15), TEN_YEARS, arrest=ARREST, permissions=court
    )
    orders.append(Order(orders[-1].ends_at, 15))  # 9 July – 24 July
    with pytest.raises(ValidationError) as caught:
        validate_order(
            orders, Order(orders[-1].ends_at, 9), TEN_YEARS, arrest=ARREST, permissions=court
        )
    assert codes(caught.value) == ["court_period"]
    assert "until 2026-08-01 09:00" in caught.value.messages[0]
    validate_order(
        orders, Order(orders[-1].ends_at, 8), TEN_YEARS, arrest=ARREST, permissions=court
    )
    state = deadlines(ARREST, orders, TEN_YEARS, bgd(2026, 7, 20, 9, 0), court)
    assert state.court_permitted_until == state.six_months_permitted_until == bgd(2026, 8, 1, 9, 0)
    assert [d.kind for d in state.pending][:2] == [Kind.ORDER_EXPIRY, Kind.COURT_PERIOD]
    # Held past the court's period (an order recorded from paper), it is a breach of that period.
    late = [*orders, Order(orders[-1].ends_at, 15)]
    state = deadlines(ARREST, late, TEN_YEARS, bgd(2026, 8, 2, 9, 0), court)
    assert state.breaches == (clock.Deadline(Kind.COURT_PERIOD, bgd(2026, 8, 1, 9, 0)),)


def test_a_permission_must_reach_past_six_months_stay_within_the_cap_and_extend_the_last():
    four = Offence(4)  # six months 10 July 2026, cap 10 January 2027
    with pytest.raises(ValidationError) as caught:
        clock.validate_permission(clock.Permission(bgd(2026, 7, 10, 9, 0)), four, arrest=ARREST)
    assert codes(caught.value) == ["before_six_months"]
    with pytest.raises(ValidationError) as caught:
        clock.validate_permission(clock.Permission(bgd(2027, 1, 10, 9, 1)), four, arrest=ARREST)
    assert codes(caught.value) == ["quarter_cap"]
    first = clock.Permission(bgd(2026, 9, 1, 9, 0))
    clock.validate_permission(first, four, arrest=ARREST)
    clock.validate_permission(
        clock.Permission(bgd(2027, 1, 10, 9, 0)), four, arrest=ARREST, earlier=[first]
    )
    with pytest.raises(ValidationError) as caught:
        clock.validate_permission(
            clock.Permission(bgd(2026, 8, 1)), four, arrest=ARREST, earlier=[first]
        )
    assert codes(caught.value) == ["not_longer"]


def test_life_imprisonment_counts_as_twenty_years_so_the_cap_is_five_years():
    life = Offence("life")
    assert life.quarter_cap_months == 60
    assert clock.quarter_cap_point(ARREST, life) == bgd(2031, 1, 10, 9, 0)


def test_death_penalty_offence_has_no_quarter_cap_but_still_needs_the_court_after_six_months():
    death = Offence("death")
    assert death.quarter_cap_months is None
    assert clock.quarter_cap_point(ARREST, death) is None
    orders = chain(ARREST, death, [15] * 12)
    # Detention is mandatory (Art. 109(ب)): never refused; the missing permission is a question.
    questions = validate_order(orders, Order(orders[-1].ends_at, 15), death, arrest=ARREST)
    assert [q.code for q in questions] == ["six_months"]
    held = [*orders, Order(orders[-1].ends_at, 15)]
    state = deadlines(ARREST, held, death, bgd(2026, 7, 12))
    assert clock.Deadline(Kind.SIX_MONTHS, bgd(2026, 7, 10, 9, 0)) in state.breaches
    # Read the other way (configured): the six months do not apply to death-penalty offences.
    assert validate_order(orders, held[-1], death, arrest=ARREST, death_needs_court=False) == []
    state = deadlines(ARREST, held, death, bgd(2026, 7, 12), death_needs_court=False)
    assert state.breaches == () and Kind.SIX_MONTHS not in {d.kind for d in state.pending}
    # Other offences are refused as before, whatever the setting.
    with pytest.raises(ValidationError):
        validate_order(orders, held[-1], TEN_YEARS, arrest=ARREST, death_needs_court=False)
    # With permission, detention may go on past any finite cap (here: past 30 months, 10 years' cap).
    orders = chain(ARREST, death, [15] * 70, permission_from=12)
    assert orders[-1].ends_at > clock.quarter_cap_point(ARREST, TEN_YEARS)
    state = deadlines(ARREST, orders, death, orders[-1].ends_at - timedelta(days=3), ALWAYS)
    assert state.quarter_cap_at is None
    assert Kind.QUARTER_CAP not in {d.kind for d in state.pending}
    assert not state.breached
    assert state.nearest == clock.Deadline(Kind.ORDER_EXPIRY, orders[-1].ends_at)


@pytest.mark.parametrize("penalty", [0, -3, True, 2.5, "forever", None])
def test_an_offence_needs_whole_years_or_life_or_death(penalty):
    with pytest.raises(ValueError):
        Offence(penalty)


# --- deadlines ---------------------------------------------------------------------------------


def test_before_the_first_order_the_arrest_covers_24_hours():
    state = deadlines(ARREST, [], TEN_YEARS, bgd(2026, 1, 10, 20, 0))
    assert state.order_expires_at is None
    assert state.nearest == clock.Deadline(Kind.FIRST_ORDER, bgd(2026, 1, 11, 9, 0))
    late = deadlines(ARREST, [], TEN_YEARS, bgd(2026, 1, 11, 9, 1))
    assert late.breaches == (clock.Deadline(Kind.FIRST_ORDER, bgd(2026, 1, 11, 9, 0)),)


def test_a_first_order_made_after_24_hours_leaves_a_recorded_breach():
    orders = [Order(bgd(2026, 1, 12, 9, 0), 15, kind=OrderKind.DETENTION)]
    validate_order([], orders[0], TEN_YEARS, arrest=ARREST)  # the order itself is lawful
    state = deadlines(ARREST, orders, TEN_YEARS, bgd(2026, 1, 20, 9, 0))
    assert state.breaches == (clock.Deadline(Kind.FIRST_ORDER, bgd(2026, 1, 11, 9, 0)),)
    assert state.order_expires_at == bgd(2026, 1, 27, 9, 0)


def test_when_the_order_expires_at_six_months_the_six_month_point_is_named():
    orders = chain(ARREST, TEN_YEARS, [15] * 12 + [1])
    state = deadlines(ARREST, orders, TEN_YEARS, bgd(2026, 7, 9, 12, 0))
    assert state.order_expires_at == state.six_months_at == bgd(2026, 7, 10, 9, 0)
    assert state.nearest == clock.Deadline(Kind.SIX_MONTHS, bgd(2026, 7, 10, 9, 0))


def test_after_the_court_permission_the_six_month_point_is_no_longer_pending():
    orders = chain(ARREST, TEN_YEARS, [15] * 13, permission_from=12)
    court = (clock.Permission(orders[-1].ends_at),)
    state = deadlines(ARREST, orders, TEN_YEARS, bgd(2026, 7, 8, 9, 0), court)
    assert state.six_months_permitted_until == orders[-1].ends_at
    assert Kind.SIX_MONTHS not in {d.kind for d in state.pending}
    assert clock.Deadline(Kind.COURT_PERIOD, orders[-1].ends_at) in state.pending


def test_detention_past_six_months_without_permission_is_a_breach():
    # An order the validator would refuse, as if imported from paper records.
    orders = [
        *chain(ARREST, TEN_YEARS, [15] * 12),
        Order(bgd(2026, 7, 9, 9, 0), 15),
    ]
    state = deadlines(ARREST, orders, TEN_YEARS, bgd(2026, 7, 11, 9, 0))
    assert state.breaches == (clock.Deadline(Kind.SIX_MONTHS, bgd(2026, 7, 10, 9, 0)),)


def test_detention_past_the_quarter_cap_is_a_breach_alongside_the_expired_order():
    four = Offence(4)
    orders = chain(ARREST, four, [15] * 24 + [5], permission_from=12)
    state = deadlines(ARREST, orders, four, bgd(2027, 1, 10, 9, 1), ALWAYS)
    assert [b.kind for b in state.breaches] == [Kind.QUARTER_CAP, Kind.ORDER_EXPIRY]


def test_a_released_detainee_has_nothing_pending_and_breaches_are_judged_at_release():
    orders = chain(ARREST, TEN_YEARS, [15])
    released = Arrest(ARREST.arrested_at, ARREST.registered_at, released_at=bgd(2026, 1, 24, 9, 0))
    state = deadlines(released, orders, TEN_YEARS, bgd(2026, 6, 1))
    assert state.released
    assert state.pending == ()
    assert state.nearest is None
    assert not state.breached  # released before the order ran out
    late_release = Arrest(ARREST.arrested_at, ARREST.registered_at, released_at=bgd(2026, 1, 26))
    state = deadlines(late_release, orders, TEN_YEARS, bgd(2026, 6, 1))
    assert state.breaches == (clock.Deadline(Kind.ORDER_EXPIRY, bgd(2026, 1, 25, 9, 0)),)


# --- alerts ------------------------------------------------------------------------------------


def test_an_alert_is_raised_48_hours_before_the_order_expires():
    orders = chain(ARREST, TEN_YEARS, [15])  # expires 25 January 09:00
    lead = timedelta(hours=48)
    quiet_at = bgd(2026, 1, 23, 8, 59)
    assert alerts(deadlines(ARREST, orders, TEN_YEARS, quiet_at), quiet_at, lead) == []
    now = bgd(2026, 1, 23, 9, 0)
    found = alerts(deadlines(ARREST, orders, TEN_YEARS, now), now, lead)
    assert found == [
        clock.Alert(
            Level.DUE_SOON,
            Kind.ORDER_EXPIRY,
            bgd(2026, 1, 25, 9, 0),
            gettext(
                "The detention order expires at %(at)s: obtain an extension or release the detainee."
            )
            % {"at": "2026-01-25 09:00"},
        )
    ]


def test_the_lead_time_is_configurable():
    orders = chain(ARREST, TEN_YEARS, [15])
    now = bgd(2026, 1, 23, 9, 0)  # 48 h before expiry
    state = deadlines(ARREST, orders, TEN_YEARS, now)
    assert alerts(state, now, timedelta(hours=24)) == []
    assert [a.kind for a in alerts(state, now, timedelta(hours=72))] == [Kind.ORDER_EXPIRY]
    with pytest.raises(ValueError):
        alerts(state, now, timedelta(hours=-1))


def test_no_alert_at_the_expiry_instant_and_a_breach_alert_one_minute_later():
    orders = chain(ARREST, TEN_YEARS, [15])
    at_expiry = bgd(2026, 1, 25, 9, 0)
    assert alerts(deadlines(ARREST, orders, TEN_YEARS, at_expiry), at_expiry) == []
    after = bgd(2026, 1, 25, 9, 1)
    found = alerts(deadlines(ARREST, orders, TEN_YEARS, after), after)
    assert [(a.level, a.kind, a.at) for a in found] == [
        (Level.BREACHED, Kind.ORDER_EXPIRY, bgd(2026, 1, 25, 9, 0))
    ]
    assert found[0].message == gettext(
        "Detention continued after %(at)s without a valid detention order."
    ) % {"at": "2026-01-25 09:00"}


def test_alerts_warn_of_the_six_month_point_and_the_quarter_cap():
    orders = chain(ARREST, TEN_YEARS, [15] * 12)  # ends 9 July; six months 10 July
    now = bgd(2026, 7, 8, 12, 0)
    found = alerts(deadlines(ARREST, orders, TEN_YEARS, now), now)
    assert [(a.level, a.kind) for a in found] == [
        (Level.DUE_SOON, Kind.ORDER_EXPIRY),
        (Level.DUE_SOON, Kind.SIX_MONTHS),
    ]
    four = Offence(4)
    orders = chain(ARREST, four, [15] * 24 + [5], permission_from=12)
    now = bgd(2027, 1, 9, 9, 0)
    found = alerts(deadlines(ARREST, orders, four, now, ALWAYS), now)
    # Same instant: the harder limit is named first.
    assert [(a.level, a.kind) for a in found] == [
        (Level.DUE_SOON, Kind.QUARTER_CAP),
        (Level.DUE_SOON, Kind.ORDER_EXPIRY),
    ]


def test_breach_alerts_come_before_due_soon_alerts():
    unregistered = Arrest(ARREST.arrested_at)
    orders = chain(unregistered, TEN_YEARS, [15])
    now = bgd(2026, 1, 24, 9, 0)
    found = alerts(deadlines(unregistered, orders, TEN_YEARS, now), now)
    assert [(a.level, a.kind) for a in found] == [
        (Level.BREACHED, Kind.REGISTRATION),
        (Level.DUE_SOON, Kind.ORDER_EXPIRY),
    ]


# --- properties --------------------------------------------------------------------------------

offences = st.one_of(
    st.integers(min_value=1, max_value=3),  # caps of 3 to 9 months: reached within a run
    st.integers(min_value=4, max_value=30),
    st.sampled_from(["life", "death"]),
)
arrest_times = st.datetimes(
    min_value=datetime(2009, 1, 1), max_value=datetime(2060, 12, 31), timezones=st.just(BAGHDAD)
)
proposals = st.lists(
    st.tuples(
        st.one_of(st.just(15), st.integers(min_value=0, max_value=20)),  # days
        st.booleans(),  # the court's permission, for 40 days past six months
        st.sampled_from([timedelta(0)] * 6 + [timedelta(hours=-1), timedelta(hours=1)]),  # shift
    ),
    min_size=15,
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(arrested_at=arrest_times, penalty=offences, steps=proposals)
def test_orders_that_pass_validation_never_exceed_the_permitted_limits(arrested_at, penalty, steps):
    offence = Offence(penalty)
    arrest = Arrest(arrested_at, registered_at=arrested_at)
    accepted: list[Order] = []
    six = clock.six_months_point(arrest)
    court: tuple[clock.Permission, ...] = ()
    for days, permission, shift in steps:
        if permission and not court:
            court = (clock.Permission(six + timedelta(days=40)),)
        start = (accepted[-1].ends_at if accepted else arrested_at) + shift
        order = Order(start, days, kind=OrderKind.EXTENSION if accepted else OrderKind.DETENTION)
        try:
            validate_order(accepted, order, offence, arrest=arrest, permissions=court)
        except ValidationError:
            continue
        accepted.append(order)

    cap = clock.quarter_cap_point(arrest, offence)
    permitted = clock.court_permitted_until(court)
    for previous, order in zip([None, *accepted], accepted, strict=False):
        assert 1 <= order.days <= 15
        assert order.starts_at == (previous.ends_at if previous else order.starts_at)
        assert order.starts_at >= arrested_at
        assert (
            order.ends_at <= six
            or (permitted is not None and order.ends_at <= permitted)
            or penalty == "death"  # mandatory detention: a question, never a refusal
        )
        if cap is not None:
            assert order.ends_at <= cap
    if accepted:
        end = accepted[-1].ends_at
        for now in (accepted[0].starts_at, end - (end - accepted[0].starts_at) / 2, end):
            state = deadlines(arrest, accepted, offence, now, court, death_needs_court=False)
            assert state.breaches == ()
            assert state.held_lawfully_until == end


@settings(max_examples=300, deadline=None)
@given(moment=arrest_times, months=st.integers(min_value=0, max_value=120))
def test_adding_months_keeps_the_baghdad_time_of_day_and_clamps_the_day(moment, months):
    result = clock.baghdad(add_months(moment, months))
    local = clock.baghdad(moment)
    assert (result.year * 12 + result.month) - (local.year * 12 + local.month) == months
    assert result.time() == local.time()
    assert result.day == local.day or (
        result.day < local.day and (result + timedelta(days=1)).day == 1
    )
    assert add_months(moment, months) >= moment


# --- every period of detention for the case counts (Art. 109(ج): «مجموع مدد التوقيف») ---------


def test_a_re_arrest_starts_with_the_detention_already_used_for_the_case():
    """Held 10 January – 10 March (59 days), released, re-arrested 1 May. Six months from the
    first arrest are 181 days, so 122 remain: the court's permission is needed from 31 August.
    The cap of a 5-year offence (15 months = 455 days) leaves 396 days: 1 June 2027."""
    five = Offence(5)
    earlier = clock.Period(bgd(2026, 1, 10, 9, 0), bgd(2026, 3, 10, 9, 0))
    again = Arrest(bgd(2026, 5, 1, 9, 0), bgd(2026, 5, 1, 10, 0), earlier=(earlier,))
    assert again.used_before == timedelta(days=59)
    assert clock.six_months_point(again) == bgd(2026, 8, 31, 9, 0)
    assert clock.quarter_cap_point(again, five) == bgd(2027, 6, 1, 9, 0)
    # Without the earlier period the same arrest would reach six months on 1 November.
    assert clock.six_months_point(Arrest(again.arrested_at)) == bgd(2026, 11, 1, 9, 0)
    # Eight orders of 15 days reach 29 August; an order to 1 September needs the court.
    orders = chain(again, five, [15] * 8)
    assert orders[-1].ends_at == bgd(2026, 8, 29, 9, 0)
    with pytest.raises(ValidationError) as caught:
        validate_order(orders, Order(orders[-1].ends_at, 3), five, arrest=again)
    assert codes(caught.value) == ["six_months"]
    assert "2026-08-31 09:00" in caught.value.messages[0]
    validate_order(orders, Order(orders[-1].ends_at, 2), five, arrest=again)  # to the day
    state = deadlines(again, orders, five, bgd(2026, 8, 28, 12, 0))
    assert state.six_months_at == bgd(2026, 8, 31, 9, 0)
    assert [d.kind for d in state.pending] == [Kind.ORDER_EXPIRY, Kind.SIX_MONTHS, Kind.QUARTER_CAP]


def test_a_limit_used_up_before_the_re_arrest_is_passed_from_the_arrest_itself():
    """Seven months held before: any further detention is beyond six months at once, and held
    a day without the court's permission it is a breach dated at the re-arrest."""
    earlier = clock.Period(bgd(2025, 1, 1, 9, 0), bgd(2025, 8, 1, 9, 0))
    again = Arrest(bgd(2026, 2, 1, 9, 0), bgd(2026, 2, 1, 9, 30), earlier=(earlier,))
    assert clock.six_months_point(again) == again.arrested_at
    with pytest.raises(ValidationError) as caught:
        validate_order(
            [], Order(again.arrested_at, 5, kind=OrderKind.DETENTION), TEN_YEARS, arrest=again
        )
    assert codes(caught.value) == ["six_months"]
    state = deadlines(again, [], TEN_YEARS, bgd(2026, 2, 1, 20, 0))
    assert clock.Deadline(Kind.SIX_MONTHS, again.arrested_at) in state.breaches


def test_several_earlier_periods_add_up_and_a_period_cannot_overlap_the_new_arrest():
    periods = (
        clock.Period(bgd(2026, 1, 1), bgd(2026, 1, 11)),  # 10 days
        clock.Period(bgd(2026, 2, 1), bgd(2026, 2, 21)),  # 20 days
    )
    again = Arrest(bgd(2026, 3, 1), earlier=periods)
    assert again.used_before == timedelta(days=30)
    # Six months from 1 January are 181 days: 151 remain from 1 March = 30 July.
    assert clock.six_months_point(again) == bgd(2026, 7, 30)
    with pytest.raises(ValueError):
        Arrest(bgd(2026, 2, 10), earlier=periods)


# --- the 24-hour rules (Constitution Art. 19(13), CPC Art. 123) -------------------------------


def test_a_30_hour_hold_is_lawful_with_the_one_extension_and_a_breach_without_it():
    """Arrested 10 January 09:00, first order 11 January 15:00 (30 hours). Without the judge's
    extension the hold passed 24 hours: a breach from 11 January 09:00. With it, the arrest
    covers 48 hours and the same order is on time."""
    first = [Order(bgd(2026, 1, 11, 15, 0), 15, kind=OrderKind.DETENTION)]
    now = bgd(2026, 1, 12, 9, 0)
    plain = deadlines(ARREST, first, TEN_YEARS, now)
    assert plain.breaches == (clock.Deadline(Kind.FIRST_ORDER, bgd(2026, 1, 11, 9, 0)),)
    extended = Arrest(ARREST.arrested_at, ARREST.registered_at, extended_once=True)
    state = deadlines(extended, first, TEN_YEARS, now)
    assert state.breaches == () and state.first_order_due_at == bgd(2026, 1, 12, 9, 0)
    # Still without an order at 48 hours and a minute: a breach at the extended limit.
    late = deadlines(extended, [], TEN_YEARS, bgd(2026, 1, 12, 9, 1))
    assert late.breaches == (clock.Deadline(Kind.FIRST_ORDER, bgd(2026, 1, 12, 9, 0)),)


def test_the_judge_questions_the_accused_within_24_hours_of_the_appearance():
    presented = Arrest(
        ARREST.arrested_at, ARREST.registered_at, presented_at=bgd(2026, 1, 10, 15, 0)
    )
    orders = chain(presented, TEN_YEARS, [15])
    state = deadlines(presented, orders, TEN_YEARS, bgd(2026, 1, 11, 9, 0))
    assert clock.Deadline(Kind.QUESTIONING, bgd(2026, 1, 11, 15, 0)) in state.pending
    assert deadlines(presented, orders, TEN_YEARS, bgd(2026, 1, 11, 15, 1)).breaches == (
        clock.Deadline(Kind.QUESTIONING, bgd(2026, 1, 11, 15, 0)),
    )
    on_time = Arrest(
        ARREST.arrested_at,
        ARREST.registered_at,
        presented_at=bgd(2026, 1, 10, 15, 0),
        questioned_at=bgd(2026, 1, 11, 15, 0),  # exactly 24 hours: lawful
    )
    state = deadlines(on_time, orders, TEN_YEARS, bgd(2026, 1, 12))
    assert state.breaches == () and Kind.QUESTIONING not in {d.kind for d in state.pending}
    with pytest.raises(ValidationError) as caught:
        validate_arrest(
            Arrest(ARREST.arrested_at, questioned_at=bgd(2026, 1, 10, 12, 0)), bgd(2026, 1, 12)
        )
    assert codes(caught.value) == ["questioned"]


def test_held_past_six_months_before_the_court_decided_stays_a_breach():
    """Six months on 10 July 09:00; the court decides on 15 July and permits until 1 August. The
    permission covers what follows its decision, not the five days before it."""
    orders = chain(ARREST, TEN_YEARS, [15] * 12)
    orders.append(Order(orders[-1].ends_at, 15))  # 9 July – 24 July, recorded from paper
    late = (clock.Permission(bgd(2026, 8, 1, 9, 0), granted_at=bgd(2026, 7, 15)),)
    state = deadlines(ARREST, orders, TEN_YEARS, bgd(2026, 7, 20), late)
    assert state.breaches == (clock.Deadline(Kind.SIX_MONTHS, bgd(2026, 7, 10, 9, 0)),)
    on_time = (clock.Permission(bgd(2026, 8, 1, 9, 0), granted_at=bgd(2026, 7, 8)),)
    assert deadlines(ARREST, orders, TEN_YEARS, bgd(2026, 7, 20), on_time).breaches == ()
