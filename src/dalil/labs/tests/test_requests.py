"""LB-1: a laboratory request sent from a case, accepted or sent back by the laboratory. Bad input
is refused with a message and writes nothing; who sees a request is the case's readers and the
laboratory's staff, and nobody else."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dalil.audit.testing import actions_since, last_seq
from dalil.evidence import services as evidence
from dalil.labs import selectors, services
from dalil.labs.models import LabRequest

from .conftest import make_lab

pytestmark = pytest.mark.django_db


def send(lead: Any, case: Any, lab: Any, *exams: tuple[Any, str], **kwargs: Any) -> LabRequest:
    fields = {"questions": "هل المادة هيروين؟ ما وزنها الصافي؟", **kwargs}
    return services.request_submit(actor=lead, case=case, lab=lab, exams=list(exams), **fields)


def test_an_investigator_sends_items_he_holds_and_the_lab_accepts(
    client_for, case, lead, record, lab, supervisor, examiner
):
    powder, pistol = record(category="drugs", description="مسحوق أبيض"), record()
    before = last_seq()
    req = send(lead, case, lab, (powder, "drugs"), (pistol, "firearms"), (pistol, "prints"))
    assert req.number.startswith("LR-") and req.state == LabRequest.State.SUBMITTED
    assert actions_since(before) == ["labs.request_submitted"]
    assert sorted((e.item.number, e.section.kind) for e in req.exams.all()) == sorted(
        [(powder.number, "drugs"), (pistol.number, "firearms"), (pistol.number, "prints")]
    )
    # The laboratory's staff see it (and its items), not the rest of the case.
    for user in (supervisor, examiner):
        assert req in selectors.request_list(user)
        page = client_for(user).get(reverse("labs:detail", args=[req.number]))
        assert page.status_code == 200 and powder.number in page.content.decode()
        assert client_for(user).get(reverse("cases:detail", args=[case.number])).status_code == 404
    # Only the supervisor decides.
    assert not services.may_decide(examiner, req) and services.may_decide(supervisor, req)
    before = last_seq()
    ok = client_for(supervisor).post(reverse("labs:accept", args=[req.number]), {"version": 1})
    assert ok.status_code == 302
    req.refresh_from_db()
    assert req.state == LabRequest.State.ACCEPTED and req.decided_by_id == supervisor.pk
    assert actions_since(before) == ["labs.request_accepted"]
    # Decided once: a second decision is refused and writes nothing.
    before = last_seq()
    with pytest.raises(ValidationError):
        services.request_return(actor=supervisor, request=req, version=req.version, reason="x")
    assert last_seq() == before


def test_sending_back_needs_a_reason_and_the_requester_reads_it(
    client_for, case, lead, item, lab, supervisor
):
    req = send(lead, case, lab, (item, "firearms"))
    url = reverse("labs:return", args=[req.number])
    before = last_seq()
    empty = client_for(supervisor).post(url, {"version": 1, "reason": "  "})
    assert empty.status_code == 200 and last_seq() == before
    client_for(supervisor).post(url, {"version": 1, "reason": "الختم مكسور: أعيدوا التحريز"})
    req.refresh_from_db()
    assert req.state == LabRequest.State.RETURNED
    page = client_for(lead).get(reverse("labs:detail", args=[req.number])).content.decode()
    assert "الختم مكسور" in page


@pytest.mark.parametrize(
    "what, change, field",
    [
        ("no exam", {"exams": []}, "exams"),
        ("a section the lab lacks", {"section": "documents"}, "exams"),
        ("an urgent request without a reason", {"priority": "urgent"}, "priority_reason"),
        ("no questions", {"questions": "   "}, "questions"),
        ("an item not held by the requester", {"stored": True}, "exams"),
        ("an item of another case", {"other_case": True}, "exams"),
        ("a unit that is no laboratory", {"not_a_lab": True}, "lab"),
    ],
)
def test_bad_requests_say_why_and_write_nothing(
    what, change, field, tree, case, lead, custodian, record, shelf, lab
):
    from dalil.cases import services as cases

    item = record()
    if change.get("stored"):
        item = evidence.transfer_release(
            actor=lead, item=item, version=1, to_location=shelf, purpose="حفظ"
        )
        evidence.transfer_confirm(actor=custodian, item=item, version=item.version)
    if change.get("other_case"):
        other = cases.case_create(actor=lead, unit=tree["BGD-KARADA"], title="قضية أخرى", lead=lead)
        item = evidence.item_record(
            actor=lead,
            case=other,
            description="ظرف",
            category="document",
            quantity=1,
            quantity_unit="piece",
            seal_number="S-9",
        )
    exams = change.get("exams", [(item, change.get("section", "firearms"))])
    kwargs: dict[str, Any] = {"questions": change.get("questions", "ما العيار؟")}
    if "priority" in change:
        kwargs["priority"] = change["priority"]
    target = tree["BGD-KARADA"] if change.get("not_a_lab") else lab
    before = last_seq()
    with pytest.raises(ValidationError) as exc:
        services.request_submit(actor=lead, case=case, lab=target, exams=exams, **kwargs)
    assert field in exc.value.message_dict, (what, exc.value.message_dict)
    assert last_seq() == before and not LabRequest.objects.exists()


def test_outsiders_and_other_laboratories_see_nothing(
    client_for, tree, make_user, case, lead, item, lab, outsider
):
    make_lab(tree, "OTHER-LAB")
    stranger = make_user("other.sup", role="lab_supervisor", unit="OTHER-LAB", at="OTHER-LAB")
    req = send(lead, case, lab, (item, "firearms"))
    for user in (outsider, stranger):
        before = last_seq()
        assert client_for(user).get(reverse("labs:detail", args=[req.number])).status_code == 404
        assert actions_since(before) == ["access.denied"]
        assert not selectors.request_list(user).exists()
        assert (
            client_for(user)
            .post(reverse("labs:accept", args=[req.number]), {"version": 1})
            .status_code
            == 404
        )
    req.refresh_from_db()
    assert req.state == LabRequest.State.SUBMITTED


def test_the_case_page_offers_the_request_and_the_form_sends_it(client_for, case, lead, item, lab):
    client = client_for(lead)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    create = reverse("labs:create", args=[case.number])
    assert create in page
    form = client.get(create).content.decode()
    assert item.number in form
    response = client.post(
        create,
        {
            "lab": lab.pk,
            "priority": "routine",
            "questions": "ما العيار؟",
            f"item_{item.pk}": ["firearms"],
        },
    )
    req = LabRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "labs:detail", args=[req.number]
    )


def test_a_section_is_put_in_service_by_the_labs_supervisor_alone(tree, lab, supervisor, examiner):
    from dalil.access.door import Denied
    from dalil.labs.models import Section

    before = last_seq()
    with pytest.raises(Denied):
        services.section_open(actor=examiner, lab=lab, kind="documents")
    assert actions_since(before) == []  # refused inside the transaction: nothing written
    assert not Section.objects.filter(lab=lab, kind="documents").exists()
    section = services.section_open(actor=supervisor, lab=lab, kind="documents")
    assert section.is_active and actions_since(before)[-1] == "labs.section_opened"
    with pytest.raises(ValidationError):
        services.section_open(actor=supervisor, lab=lab, kind="astrology")


def test_the_api_shows_a_request_to_the_case_and_to_the_laboratory_and_to_nobody_else(
    case, lead, item, lab, supervisor, outsider
):
    from permission_matrix import api_client

    req = send(lead, case, lab, (item, "firearms"))
    detail = reverse("api:labs-request-detail", args=[req.number])
    for user in (lead, supervisor):
        client = api_client(user)
        listed = client.get(reverse("api:labs-request-list")).json()
        assert [r["number"] for r in listed["results"]] == [req.number]
        body = client.get(detail).json()
        assert body["exams"] == [{"item": item.number, "section": "firearms"}]
        assert body["state"] == "submitted" and body["case"] == case.number
    stranger = api_client(outsider)
    assert stranger.get(detail).status_code == 404
    assert stranger.get(reverse("api:labs-request-list")).json()["results"] == []
