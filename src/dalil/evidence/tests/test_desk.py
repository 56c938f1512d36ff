"""EV-4: the store's desk, where items are checked in and out by scanning their labels. Each scan
is an ordinary custody transfer (same checks, same ledger entry, two people); a scan that cannot
be done says why and writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from dalil.audit.testing import actions_since, last_seq
from dalil.evidence import services
from dalil.evidence.models import Item

pytestmark = pytest.mark.django_db


def desk(location: Any, mode: str = "in") -> str:
    return reverse("evidence:desk", args=[location.pk]) + f"?mode={mode}"


def said(response: Any) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def handed_to_store(item: Item, lead: Any, shelf: Any) -> Item:
    return services.transfer_release(
        actor=lead, item=item, version=item.version, to_location=shelf, purpose="إلى المخزن"
    )


def test_a_custodian_checks_in_scanned_items_and_sees_them_in_todays_work(
    client_for, record, lead, custodian, shelf
):
    first, second = record(), record(seal_number="S-0002")
    for it in (first, second):
        handed_to_store(it, lead, shelf)
    client = client_for(custodian)
    before = last_seq()
    ok = client.post(desk(shelf), {"mode": "in", "code": first.number}, follow=False)
    assert ok.status_code == 302 and "received here" in said(ok)
    # A label's QR code carries the item's address: the scanner types that.
    label = f"http://testserver/evidence/items/{second.number}/"
    client.post(desk(shelf), {"mode": "in", "code": label})
    for it in (first, second):
        it.refresh_from_db()
        assert it.state == Item.State.HELD and it.holder_location_id == shelf.pk
    assert actions_since(before) == ["evidence.custody_received"] * 2
    page = client.get(desk(shelf)).content.decode()
    assert first.number in page and second.number in page


def test_a_scan_that_cannot_be_received_here_says_why_and_writes_nothing(
    client_for, record, lead, custodian, shelf, drugs_safe
):
    kept_by_lead = record()
    elsewhere = handed_to_store(record(seal_number="S-0003"), lead, shelf)
    client = client_for(custodian)
    before = last_seq()
    for code, reason in [
        (kept_by_lead.number, "not being handed to this location"),
        (elsewhere.number, "not being handed to this location"),  # on its way to the shelf
        ("EV-1999-999999", "No item you may see"),
        ("", "Scan or type an item number"),
    ]:
        location = drugs_safe if code == elsewhere.number else shelf
        response = client.post(desk(location), {"mode": "in", "code": code})
        assert response.status_code == 302 and reason in said(response), code
    assert last_seq() == before
    kept_by_lead.refresh_from_db()
    assert kept_by_lead.state == Item.State.HELD and kept_by_lead.holder_user_id == lead.pk


def test_checking_out_hands_each_scanned_item_to_the_same_person_who_then_confirms(
    client_for, record, lead, custodian, shelf
):
    items = [record(seal_number=f"S-00{n}") for n in (11, 12)]
    for it in items:
        handed_to_store(it, lead, shelf)
        it.refresh_from_db()
        services.transfer_confirm(actor=custodian, item=it, version=it.version)
    client = client_for(custodian)
    before = last_seq()
    first = client.post(
        desk(shelf, "out"),
        {"mode": "out", "to_user": lead.pk, "purpose": "إلى المختبر", "code": items[0].number},
    )
    assert "in transit until they confirm" in said(first)
    # The person and the purpose stay filled in for the next scan.
    page = client.get(desk(shelf, "out")).content.decode()
    assert "إلى المختبر" in page and f'value="{lead.pk}" selected' in page
    client.post(
        desk(shelf, "out"),
        {"mode": "out", "to_user": lead.pk, "purpose": "إلى المختبر", "code": items[1].number},
    )
    assert actions_since(before) == ["evidence.custody_released"] * 2
    for it in items:
        it.refresh_from_db()
        assert it.state == Item.State.IN_TRANSIT and it.transit_to_user_id == lead.pk
    # The same item again: it is on its way already, nothing written.
    before = last_seq()
    again = client.post(
        desk(shelf, "out"),
        {"mode": "out", "to_user": lead.pk, "purpose": "إلى المختبر", "code": items[0].number},
    )
    assert "already being handed over" in said(again) and last_seq() == before
    # An item the lead holds himself is not kept here.
    held = record(seal_number="S-0013")
    elsewhere = client.post(
        desk(shelf, "out"),
        {"mode": "out", "to_user": lead.pk, "purpose": "إلى المختبر", "code": held.number},
    )
    assert "not kept in this location" in said(elsewhere)
    before = last_seq()
    # Without a person: refused, nothing written.
    nobody = client.post(desk(shelf, "out"), {"mode": "out", "purpose": "x", "code": "EV-1"})
    assert "Choose who takes the items" in said(nobody) and last_seq() == before


def test_the_desk_is_the_custodians_alone(client_for, lead, outsider, custodian, shelf):
    assert client_for(custodian).get(desk(shelf)).status_code == 200
    for user in (lead, outsider):  # the lead sees the store, but does not keep it
        before = last_seq()
        response = client_for(user).post(desk(shelf), {"mode": "in", "code": "EV-1"})
        assert response.status_code == 404
        assert actions_since(before) == ["access.denied"]
