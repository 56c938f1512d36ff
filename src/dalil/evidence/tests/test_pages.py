"""The evidence pages: record an item from its case, hand it over, the receiver confirms on the
same screen with their own credential (or later from their own session), the register, the scan
box and the stores. Refusals show a message and write nothing."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import PASSWORD
from django.urls import reverse

from dalil.accounts.auth import current_code
from dalil.audit.models import Entry
from dalil.evidence.models import CustodyEvent, Item

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_an_investigator_records_an_item_from_the_case_page(client_for, case, lead):
    client = client_for(lead)
    assert reverse("evidence:item_create", args=[case.number]) in page(
        client, reverse("cases:detail", args=[case.number])
    )
    response = client.post(
        reverse("evidence:item_create", args=[case.number]),
        {
            "description": "هاتف نقال سامسونج",
            "category": "digital",
            "quantity": "1",
            "quantity_unit": "piece",
            "seal_number": "sl-24-00001",
            "hazards": ["sharp"],
        },
    )
    item = Item.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "evidence:item_detail", args=[item.number]
    )
    assert item.seal_number == "SL-24-00001" and item.holder_user == lead
    detail = page(client, response.url)
    assert "هاتف نقال سامسونج" in detail and "Sharp" in detail
    assert reverse("evidence:release", args=[item.number]) in detail  # the holder may hand over
    assert item.number in page(client, reverse("cases:detail", args=[case.number]))


def test_a_form_with_a_missing_seal_number_says_so_and_writes_nothing(client_for, case, lead):
    before = Entry.objects.count()
    response = client_for(lead).post(
        reverse("evidence:item_create", args=[case.number]),
        {"description": "سكين", "category": "weapon", "quantity": "1", "quantity_unit": "piece"},
    )
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert not Item.objects.exists() and Entry.objects.count() == before


def test_hand_over_then_the_receiver_confirms_on_the_same_screen(client_for, item, lead, custodian):
    client = client_for(lead)
    response = client.post(
        reverse("evidence:release", args=[item.number]),
        {"to_user": custodian.pk, "purpose": "إلى المخزن", "seal_state": "intact", "version": 1},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == "in_transit" and item.transit_to_user == custodian
    here = reverse("evidence:receive_here", args=[item.number])
    assert here in page(client, reverse("evidence:item_detail", args=[item.number]))

    # A wrong password is refused, and counted like a failed sign-in of that account.
    refused = client.post(
        here,
        {"username": custodian.username, "secret": "wrong", "seal_state": "intact", "version": 2},
    )
    assert refused.status_code == 200 and "do not match" in refused.content.decode()
    assert Entry.objects.filter(action="accounts.sign_in_failed").count() == 1
    item.refresh_from_db()
    assert item.state == "in_transit"

    # Someone other than the receiver, with their right password, gets the very same answer as
    # a wrong password: this screen never tells whether a colleague's password is right.
    other = client.post(
        here, {"username": lead.username, "secret": PASSWORD, "seal_state": "intact", "version": 2}
    )
    assert other.status_code == 200 and "do not match" in other.content.decode()
    item.refresh_from_db()
    assert item.state == "in_transit"

    done = client.post(
        here,
        {
            "username": custodian.username,
            "secret": current_code(custodian),
            "seal_state": "intact",
            "version": 2,
        },
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.holder_user == custodian and item.state == "held"
    last = CustodyEvent.objects.filter(item=item).latest("seq")
    assert last.recorded_by == custodian and last.confirmed_on_session_of == lead
    assert Entry.objects.get(seq=last.ledger_seq).actor_id == custodian.pk


def test_the_receiver_confirms_later_from_their_own_session(
    client_for, item, lead, custodian, shelf
):
    client_for(lead).post(
        reverse("evidence:release", args=[item.number]),
        {"to_location": shelf.pk, "purpose": "حفظ", "seal_state": "intact", "version": 1},
    )
    mine = client_for(custodian)
    awaiting = page(mine, reverse("evidence:awaiting"))
    assert item.number in awaiting
    response = mine.post(
        reverse("evidence:receive", args=[item.number]),
        {"seal_state": "resealed", "seal_number": "SL-NEW-1", "version": 2},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.holder_location == shelf and item.seal_number == "SL-NEW-1"
    assert item.number in page(mine, reverse("evidence:location_detail", args=[shelf.pk]))


def test_a_stale_form_shows_the_conflict_and_writes_nothing(client_for, item, lead, custodian):
    client = client_for(lead)
    data = {"to_user": custodian.pk, "purpose": "إلى المخزن", "seal_state": "intact", "version": 1}
    assert client.post(reverse("evidence:release", args=[item.number]), data).status_code == 302
    before = Entry.objects.count()
    again = client.post(reverse("evidence:release", args=[item.number]), data)
    assert again.status_code == 200
    assert "someone else" in again.content.decode()
    assert Entry.objects.count() == before


def test_the_register_and_the_scan_box(client_for, item, custodian, outsider):
    mine = client_for(custodian)
    assert item.number in page(mine, reverse("evidence:list"))
    assert item.number in page(mine, reverse("evidence:list") + "?q=s-0001")
    found = mine.get(reverse("evidence:find") + f"?code={item.number.lower()}")
    assert found.status_code == 302 and found.url == reverse(
        "evidence:item_detail", args=[item.number]
    )
    theirs = client_for(outsider).get(reverse("evidence:find") + f"?code={item.number}")
    assert theirs.status_code == 302 and theirs.url == reverse("evidence:awaiting")
    assert (
        client_for(outsider).get(reverse("evidence:item_detail", args=[item.number])).status_code
        == 404
    )


def test_a_custodian_sets_up_a_store(client_for, custodian, tree):
    client = client_for(custodian)
    response = client.post(
        reverse("evidence:location_create"),
        {
            "unit": tree["BGD-KARADA"].pk,
            "code": "cab-w",
            "name": "خزانة الأسلحة",
            "kind": "bin",
            "categories": ["weapon"],
        },
    )
    assert response.status_code == 302
    listing = page(client, reverse("evidence:location_list"))
    assert "CAB-W" in listing and "خزانة الأسلحة" in listing


def test_the_scan_box_never_sends_the_reader_to_another_site(client_for, lead):
    response = client_for(lead).get(
        reverse("evidence:find"), {"code": "EV-1999-000001", "next": "https://evil.example/"}
    )
    assert response.status_code == 302 and response.url == reverse("evidence:awaiting")
