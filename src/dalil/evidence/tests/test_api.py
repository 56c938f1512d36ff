"""The evidence API refuses and allows what the pages do, with the same messages: record, hand
over, receive, a lost race (409), bad input (400, nothing written), out of scope (404)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from dalil.audit.models import Entry
from dalil.evidence.models import Item

pytestmark = pytest.mark.django_db


def api_for(user: Any) -> Any:
    from permission_matrix import api_client

    return api_client(user)


def post(client: Any, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


URL = "/api/v1/evidence/items/"


def test_record_hand_over_and_receive_through_the_api(case, lead, custodian, shelf):
    client = api_for(lead)
    created = post(
        client,
        URL,
        {
            "case": case.number,
            "description": "بندقية كلاشنكوف",
            "category": "weapon",
            "quantity": "1",
            "quantity_unit": "piece",
            "seal_number": "SL-1",
        },
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert created.json()["holder"] == {"user": lead.username, "name": lead.full_name}
    assert [e["kind"] for e in created.json()["custody"]] == ["collected"]

    released = post(
        client,
        f"{URL}{number}/hand-over/",
        {"version": 1, "to_location": shelf.pk, "purpose": "حفظ"},
    )
    assert released.status_code == 200 and released.json()["state"] == "in_transit"

    lost = post(
        client, f"{URL}{number}/hand-over/", {"version": 1, "to_location": shelf.pk, "purpose": "x"}
    )
    assert lost.status_code == 409 and "someone else" in lost.json()["detail"]

    received = post(api_for(custodian), f"{URL}{number}/receive/", {"version": 2})
    assert received.status_code == 200
    body = received.json()
    assert body["holder"]["location"] == "R1-S1"
    assert [e["kind"] for e in body["custody"]] == ["collected", "released", "received"]
    assert all(isinstance(e["ledger_seq"], int) for e in body["custody"])


def test_bad_input_is_refused_with_the_field_named_and_nothing_written(item, lead):
    before = (Item.objects.count(), Entry.objects.count())
    client = api_for(lead)
    unknown = post(
        client,
        f"{URL}{item.number}/hand-over/",
        {"version": 1, "to_user": "nobody.here", "purpose": "x"},
    )
    assert unknown.status_code == 400
    resealed = post(
        client,
        f"{URL}{item.number}/hand-over/",
        {"version": 1, "to_user": "nobody.here", "purpose": "x", "seal_state": "resealed"},
    )
    assert resealed.status_code == 400
    extra = post(
        client, f"{URL}{item.number}/hand-over/", {"version": 1, "purpose": "x", "hack": 1}
    )
    assert extra.status_code == 400
    assert (Item.objects.count(), Entry.objects.count() - 0) == (before[0], before[1] + 1)
    # The one entry is the API token made above; no custody entry was written.
    assert (
        not Entry.objects.filter(action__startswith="evidence.", seq__gt=0)
        .exclude(action="evidence.item_recorded")
        .exists()
    )


def test_an_outsider_gets_404_and_a_receiver_who_declines_gets_204(item, lead, outsider, custodian):
    assert api_for(outsider).get(f"{URL}{item.number}/").status_code == 404
    assert item.number not in api_for(outsider).get(URL).content.decode()
    post(
        api_for(lead),
        f"{URL}{item.number}/hand-over/",
        {"version": 1, "to_user": custodian.username, "purpose": "تسليم"},
    )
    declined = post(
        api_for(custodian), f"{URL}{item.number}/withdraw/", {"version": 2, "reason": "ليس لي"}
    )
    # The custodian sees the unit's items anyway (evidence.item.view): the item, back with its holder.
    assert declined.status_code == 200 and declined.json()["holder"]["user"] == lead.username
