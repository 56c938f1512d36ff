"""Every period of detention for the same case counts (Art. 109(ج) CPC, «مجموع مدد التوقيف»):
a person released and arrested again in the same case starts with what was already used."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dalil.detention import clock, selectors, services

pytestmark = pytest.mark.django_db


def bgd(y: int, mo: int, d: int, h: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, tzinfo=clock.BAGHDAD)


@pytest.fixture
def rearrested(arrest, lead):
    """Held 10 January – 10 March 2026 (59 days), released on bail, arrested again 1 May."""
    first = arrest(arrested_at=bgd(2026, 1, 10, 9), now=bgd(2026, 1, 10, 11))
    services.release_record(
        actor=lead,
        detainee=first,
        released_at=bgd(2026, 3, 10, 9),
        basis="bail",
        now=bgd(2026, 3, 10, 10),
    )
    second = arrest(arrested_at=bgd(2026, 5, 1, 9), now=bgd(2026, 5, 1, 11))
    return first, second


def test_the_new_arrest_counts_the_earlier_period_towards_six_months_and_the_cap(rearrested, order):
    first, second = rearrested
    arrest = selectors.arrest_of(second)
    assert arrest.earlier == (clock.Period(first.arrested_at, first.released_at),)
    state = selectors.clock_of(second, bgd(2026, 5, 2))
    # 181 days from 10 January, less 59 used: 31 August (not 1 November).
    assert state.six_months_at == bgd(2026, 8, 31, 9)
    # Ten years: 30 months from 10 January 2026 are 912 days; less 59 leaves 853 days from
    # 1 May 2026 (365 to 1 May 2027, 366 to 1 May 2028, 122 more): 31 August 2028.
    assert state.quarter_cap_at == bgd(2028, 8, 31, 9)
    # The first record's own clock is unchanged: nothing came before it.
    assert selectors.arrest_of(first).earlier == ()

    start = second.arrested_at
    for n in range(8):  # eight orders of 15 days: up to 29 August
        order(second, start, 15, now=bgd(2026, 8, 30), issued_on=dt.date(2026, 5, 1))
        start = clock.add_days(start, 15)
    with pytest.raises(ValidationError) as refused:
        order(second, start, 3, now=bgd(2026, 8, 30), issued_on=dt.date(2026, 8, 29))
    assert "2026-08-31 09:00" in refused.value.message_dict["court_permission"][0]
    second.refresh_from_db()
    assert second.orders.count() == 8


def test_a_new_arrest_cannot_begin_before_the_earlier_release(arrest, lead):
    first = arrest(arrested_at=bgd(2026, 1, 10, 9), now=bgd(2026, 1, 10, 11))
    services.release_record(
        actor=lead,
        detainee=first,
        released_at=bgd(2026, 3, 10, 9),
        basis="bail",
        now=bgd(2026, 3, 10, 10),
    )
    with pytest.raises(ValidationError) as refused:
        arrest(arrested_at=bgd(2026, 3, 9, 9), now=bgd(2026, 3, 11))
    assert "2026-03-10 09:00" in refused.value.message_dict["arrested_at"][0]


def test_the_page_lists_every_period_and_what_was_used_before(rearrested, client_for, lead):
    first, second = rearrested
    page = client_for(lead).get(f"/detention/{second.pk}/").content.decode()
    assert 'id="periods"' in page and f'href="/detention/{first.pk}/"' in page
    assert "59 days before this arrest" in page
    # The first record shows the two periods too, without counting the later one.
    page = client_for(lead).get(f"/detention/{first.pk}/").content.decode()
    assert f'href="/detention/{second.pk}/"' in page and "0 days before this arrest" in page
