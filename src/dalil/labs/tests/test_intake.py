"""LB-2: an item goes to the laboratory under custody. The holder hands it to the laboratory's
intake store (in transit), the laboratory's custodian receives it stating the seal, and the receipt
gives it the laboratory's own number in the same transaction. The chain of custody stays unbroken;
bad input writes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dalil.audit.testing import actions_since, last_seq
from dalil.evidence import services as evidence
from dalil.evidence.models import Item
from dalil.labs import services
from dalil.labs.models import LabItem

pytestmark = pytest.mark.django_db


def said(response: Any) -> str:
    from django.contrib.messages import get_messages

    return " ".join(str(m) for m in get_messages(response.wsgi_request))


@pytest.fixture
def intake(lab: Any, supervisor: Any) -> Any:
    return evidence.location_create(
        actor=supervisor, unit=lab, code=services.INTAKE, name="قاعة الاستلام", kind="room"
    )


@pytest.fixture
def accepted(case: Any, lead: Any, record: Any, lab: Any, supervisor: Any, intake: Any) -> Any:
    pistol, powder = record(), record(category="drugs", description="مسحوق", seal_number="S-2")
    req = services.request_submit(
        actor=lead,
        case=case,
        lab=lab,
        exams=[(pistol, "firearms"), (pistol, "prints"), (powder, "drugs")],
        questions="ما العيار؟ ما المادة؟",
    )
    return services.request_accept(actor=supervisor, request=req, version=1)


def test_items_go_to_the_laboratory_under_custody_and_get_its_numbers(
    client_for, accepted, lead, supervisor, intake
):
    pistol, powder = sorted({e.item for e in accepted.exams.all()}, key=lambda i: i.number)
    lead_client, lab_client = client_for(lead), client_for(supervisor)
    detail = reverse("labs:detail", args=[accepted.number])
    assert "Hand to the laboratory" in lead_client.get(detail).content.decode()
    for it in (pistol, powder):
        send = reverse("labs:item_send", args=[accepted.number, it.number])
        sent = lead_client.post(send, {"version": it.version})
        assert sent.status_code == 302 and "in transit" in said(sent), said(sent)
        it.refresh_from_db()
        assert it.state == Item.State.IN_TRANSIT and it.transit_to_location_id == intake.pk
    assert "Receive at the laboratory" in lab_client.get(detail).content.decode()
    before = last_seq()
    receive = reverse("labs:item_receive", args=[accepted.number, pistol.number])
    ok = lab_client.post(receive, {"seal_state": "intact", "version": pistol.version})
    assert ok.status_code == 302, ok.content.decode()[:2000]
    assert actions_since(before) == ["evidence.custody_received", "labs.item_received"]
    lab_client.post(
        reverse("labs:item_receive", args=[accepted.number, powder.number]),
        {"seal_state": "intact", "version": Item.objects.get(pk=powder.pk).version},
    )
    numbers = list(LabItem.objects.order_by("pk").values_list("lab_number", flat=True))
    year = timezone.localtime().year
    assert numbers == [f"FOR-LAB-{year}-000001", f"FOR-LAB-{year}-000002"]
    pistol.refresh_from_db()
    assert pistol.holder_location_id == intake.pk and pistol.state == Item.State.HELD
    kinds = list(pistol.custody.order_by("seq").values_list("kind", flat=True))
    assert kinds == ["collected", "released", "received"]  # unbroken, one holder at a time
    lab_item = LabItem.objects.get(item=pistol)
    assert lab_item.receipt.kind == "received" and lab_item.received_by_id == supervisor.pk
    page = lab_client.get(detail).content.decode()
    assert lab_item.lab_number in page


def test_an_item_goes_only_for_an_accepted_request_and_is_received_only_by_the_laboratory(
    client_for, case, lead, record, lab, supervisor, examiner, intake
):
    item = record()
    req = services.request_submit(
        actor=lead, case=case, lab=lab, exams=[(item, "firearms")], questions="ما العيار؟"
    )
    before = last_seq()
    with pytest.raises(ValidationError, match="not accepted"):
        services.item_send(actor=lead, request=req, item=item, version=item.version)
    assert last_seq() == before
    req = services.request_accept(actor=supervisor, request=req, version=1)
    item = services.item_send(actor=lead, request=req, item=item, version=item.version)
    # The examiner sees the request but keeps no store: the receipt page is not theirs.
    receive = reverse("labs:item_receive", args=[req.number, item.number])
    assert client_for(examiner).get(receive).status_code == 404
    before = last_seq()
    # A resealed item without its new seal number: refused, nothing written.
    bad = client_for(supervisor).post(
        receive, {"seal_state": "resealed", "seal_number": "", "version": item.version}
    )
    assert bad.status_code == 200 and last_seq() == before and not LabItem.objects.exists()
    item.refresh_from_db()
    assert item.state == Item.State.IN_TRANSIT


def test_an_item_not_named_in_the_request_cannot_be_sent_with_it(
    case, lead, record, lab, supervisor, intake
):
    named, other = record(), record(seal_number="S-7")
    req = services.request_submit(
        actor=lead, case=case, lab=lab, exams=[(named, "firearms")], questions="ما العيار؟"
    )
    req = services.request_accept(actor=supervisor, request=req, version=1)
    before = last_seq()
    with pytest.raises(ValidationError, match="not named in this request"):
        services.item_send(actor=lead, request=req, item=other, version=other.version)
    assert last_seq() == before


def test_a_custodian_elsewhere_cannot_receive_for_the_laboratory(accepted, lead, custodian):
    from dalil.access.door import Denied

    item = next(iter({e.item for e in accepted.exams.all()}))
    item = services.item_send(actor=lead, request=accepted, item=item, version=item.version)
    before = last_seq()
    with pytest.raises(Denied):
        services.item_receive(actor=custodian, request=accepted, item=item, version=item.version)
    assert last_seq() == before and not LabItem.objects.exists()
