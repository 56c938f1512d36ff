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
    assert "2026-08-31 09:00" in refused.value.message_dict["days"][0]
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


def test_the_court_permission_is_recorded_from_the_detainee_page(arrest, client_for, lead):
    from dalil.detention.models import CourtPermission

    d = arrest(penalty_years=4)
    client = client_for(lead)
    page = client.get(f"/detention/{d.pk}/").content.decode()
    url = f"/detention/{d.pk}/court-permissions/add/"
    assert f'href="{url}"' in page
    form = client.get(url)
    assert form.status_code == 200 and "Art. 109(ج)" in form.content.decode()
    six = clock.shown(clock.six_months_point(selectors.arrest_of(d)))
    bad = {
        "court": "محكمة جنايات الرصافة",
        "decision_number": "ج/7",
        "decided_on": dt.date.today().isoformat(),
        "permitted_until": six.replace(" ", "T"),  # the six-month point itself: too short
    }
    refused = client.post(url, bad)
    assert refused.status_code == 200 and "beyond six months" in refused.content.decode()
    assert not CourtPermission.objects.exists()
    until = clock.add_days(clock.six_months_point(selectors.arrest_of(d)), 20)
    good = {**bad, "permitted_until": clock.shown(until).replace(" ", "T")}
    assert client.post(url, good).status_code == 302
    permission = CourtPermission.objects.get()
    # The form takes minutes.
    assert permission.permitted_until == until.replace(second=0, microsecond=0)
    assert permission.recorded_by == lead
    page = client.get(f"/detention/{d.pk}/").content.decode()
    assert 'id="court-permissions"' in page and "ج/7" in page
    assert "End of the period the criminal court permitted" in page


def test_the_migration_turns_each_permitted_order_into_a_permission_ending_with_it(arrest, lead):
    """Before the court's period was recorded, an order carried a yes: after the upgrade that order
    is covered by a permission ending with it, so a lawful record does not become a breach."""
    import importlib

    from django.apps import apps

    from dalil.detention.models import CourtPermission, DetentionOrder

    d = arrest()
    old = DetentionOrder.objects.create(  # as an earlier version recorded it
        detainee=d,
        kind="detention",
        starts_at=d.arrested_at,
        days=15,
        ends_at=clock.add_days(d.arrested_at, 15),
        order_number="ت/قديم",
        judge_name="القاضي",
        court="محكمة جنايات الكرخ",
        issued_on=dt.date.today(),
        court_permission=True,
        recorded_by=lead,
    )
    migration = importlib.import_module("dalil.detention.migrations.0006_court_permission")
    migration.permissions_from_orders(apps, None)
    migration.permissions_from_orders(apps, None)  # twice: still one
    permission = CourtPermission.objects.get()
    assert permission.permitted_until == old.ends_at
    assert (permission.decision_number, permission.court) == ("ت/قديم", "محكمة جنايات الكرخ")
    from dalil.audit.models import Entry

    [entry] = Entry.objects.filter(action="detention.court_permission_recorded")
    assert entry.actor == "system:migrate" and f'"converted_from_order":{old.pk}' in entry.payload


def test_the_rules_page_lists_every_rule_with_its_source(client_for, lead):
    from dalil.detention.clock import RULES

    page = client_for(lead).get("/detention/rules/")
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count("<tr>") == len(RULES) + 1
    for text in ("CPC Art. 109(ج)", "Art. 110", "Penal Code (Law 111 of 1969) Art. 87"):
        assert text in body
    assert 'href="/detention/rules/"' in client_for(lead).get("/detention/").content.decode()
