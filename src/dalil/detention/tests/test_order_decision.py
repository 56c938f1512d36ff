"""A detention order names the judge's decision it carries out (IN-5 ↔ IN-6): the number, judge,
court and date come from the decision; what is typed must agree with it; only a granted, current
decision of the same case on a request that can lead to detention may be named; the page, the API,
the detainee's page and the request's page all show the link, and the ledger keeps it."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from dalil.audit.models import Entry
from dalil.cases import services as case_services
from dalil.detention import services
from dalil.detention.models import DetentionOrder
from dalil.judicial import services as judicial

from .test_pages import _api

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)
GROUNDS = "انتهاء مدة التوقيف والتحقيق لم يكتمل بعد، ويلزم استجواب المتهم مرة أخرى."
COURT = "محكمة تحقيق الكرادة"


def _decision(lead: Any, case: Any, kind: str = "detention_extension", **kw: Any) -> Any:
    req = judicial.request_create(actor=lead, case=case, kind=kind, grounds=GROUNDS, court=COURT)
    judicial.request_submit(actor=lead, req=req)
    args: dict[str, Any] = {
        "order_number": "77/ت/2026",
        "decided_on": timezone.localdate(),
        "judge_name": "القاضي حيدر الموسوي",
        "outcome": "granted",
        "text": "تقرر توقيف المتهم خمسة عشر يوماً.",
    }
    args.update(kw)
    return judicial.decision_record(actor=lead, req=req, **args)


def test_an_order_takes_its_particulars_from_the_decision_and_the_ledger_keeps_the_link(
    arrest, lead, case
):
    d = arrest()
    decision = _decision(lead, case)
    order = services.order_record(
        actor=lead, detainee=d, starts_at=d.arrested_at + H, days=15, decision=decision
    )
    assert (order.order_number, order.judge_name, order.court, order.issued_on) == (
        "77/ت/2026",
        "القاضي حيدر الموسوي",
        COURT,
        timezone.localdate(),
    )
    assert order.decision == decision
    payload = json.loads(Entry.objects.get(action="detention.order_recorded").payload)
    assert payload["decision"] == decision.pk and payload["request"] == decision.request.number


def test_a_typed_particular_that_differs_from_the_decision_is_refused(arrest, lead, case):
    d = arrest()
    decision = _decision(lead, case)
    before = Entry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.order_record(
            actor=lead,
            detainee=d,
            starts_at=d.arrested_at + H,
            days=15,
            decision=decision,
            order_number="78/ت/2026",
            judge_name="القاضي حيدر الموسوي",  # agrees: accepted
        )
    assert set(exc.value.message_dict) == {"order_number"}
    assert "77/ت/2026" in exc.value.message_dict["order_number"][0]
    assert not DetentionOrder.objects.exists() and Entry.objects.count() == before


@pytest.mark.parametrize("why", ["refused", "arrest_warrant", "superseded", "other_case"])
def test_only_a_granted_current_decision_of_this_case_may_be_named(arrest, lead, case, tree, why):
    d = arrest()
    if why == "refused":
        decision = _decision(lead, case, outcome="refused")
    elif why == "arrest_warrant":
        decision = _decision(lead, case, kind="arrest_warrant")
    elif why == "superseded":
        old = _decision(lead, case)
        judicial.decision_correct(
            actor=lead,
            decision=old,
            reason="رقم الأمر مكتوب خطأ في النسخة الأولى",
            order_number="79/ت/2026",
            decided_on=timezone.localdate(),
            judge_name="القاضي حيدر الموسوي",
            outcome="granted",
            text="تصحيح",
        )
        decision = old
    else:
        other = case_services.case_create(
            actor=lead, unit=tree["BGD-KARADA"], title="قضية أخرى", lead=lead
        )
        decision = _decision(lead, other)
    before = Entry.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.order_record(
            actor=lead, detainee=d, starts_at=d.arrested_at + H, days=15, decision=decision
        )
    assert "decision" in exc.value.message_dict
    assert not DetentionOrder.objects.exists() and Entry.objects.count() == before


def test_without_a_decision_every_particular_must_be_typed(arrest, lead):
    d = arrest()
    with pytest.raises(ValidationError) as exc:
        services.order_record(actor=lead, detainee=d, starts_at=d.arrested_at + H, days=15)
    assert set(exc.value.message_dict) == {"order_number", "judge_name", "court", "issued_on"}


def test_the_order_page_offers_the_decisions_and_both_pages_show_the_link(
    arrest, lead, case, client_for
):
    d = arrest()
    client = client_for(lead)
    # No decision recorded yet: the form asks for the particulars, with today's date.
    blank = client.get(f"/detention/{d.pk}/orders/add/").content.decode()
    assert 'name="decision"' not in blank and 'name="order_number"' in blank
    decision = _decision(lead, case)
    _decision(lead, case, outcome="refused", order_number="80/ت/2026")
    page = client.get(f"/detention/{d.pk}/orders/add/").content.decode()
    assert 'name="decision"' in page and "77/ت/2026" in page and "80/ت/2026" not in page
    start = timezone.localtime(d.arrested_at + H).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/detention/{d.pk}/orders/add/",
        {"decision": decision.pk, "starts_at": start, "days": "15"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    order = DetentionOrder.objects.get()
    assert order.decision == decision and order.court == COURT
    detail = client.get(f"/detention/{d.pk}/").content.decode()
    assert f"/judicial/requests/{decision.request.number}/#decision-{decision.pk}" in detail
    request_page = client.get(f"/judicial/requests/{decision.request.number}/").content.decode()
    assert f'id="decision-{decision.pk}"' in request_page
    assert f"/detention/{d.pk}/" in request_page and d.number in request_page


def test_the_api_names_the_decision_by_its_id(arrest, lead, case):
    d = arrest()
    decision = _decision(lead, case)
    client = _api(lead)
    url = f"/api/v1/detainees/{d.pk}/orders/"
    body: dict[str, Any] = {"starts_at": (d.arrested_at + H).isoformat(), "days": 15}
    refused = client.post(
        url, json.dumps({**body, "decision": decision.pk + 1000}), content_type="application/json"
    )
    assert refused.status_code == 400 and "decision" in refused.json()["errors"]
    assert not DetentionOrder.objects.exists()
    created = client.post(
        url, json.dumps({**body, "decision": decision.pk}), content_type="application/json"
    )
    assert created.status_code == 201
    assert created.json()["decision"] == decision.pk
    assert created.json()["order_number"] == "77/ت/2026"


@pytest.mark.django_db(transaction=True)
def test_migration_0004_keeps_the_orders_append_only_both_ways():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from dalil.audit import triggers

    def migrate(target: str) -> None:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([("detention", target)])

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("detention")[0][1]
    try:
        migrate("0003_append_only")
        assert "detention_detentionorder" in triggers.installed_tables()
        migrate("0004_order_decision")
        assert "detention_detentionorder" in triggers.installed_tables()
    finally:
        migrate(latest)  # the other tests of this database expect every migration
    assert "detention_detentionorder" in triggers.installed_tables()


@pytest.mark.usefixtures("operator")
def test_a_decision_serves_the_detainee_it_names_and_only_once(arrest, lead, case, tree):
    from dalil.audit.ledger import System
    from dalil.parties import services as parties

    d = arrest()
    other = parties.person_create(
        actor=System("test"), unit=tree["BGD-KARADA"], given_name_ar="سالم", family_name_ar="الكعبي"
    )
    other_row = case_services.case_party_add(
        actor=System("test"), case=case, entity=other, role="suspect"
    )
    # A request naming another suspect: its decision is not this detainee's.
    req = judicial.request_create(
        actor=lead,
        case=case,
        kind="detention_extension",
        grounds=GROUNDS,
        court=COURT,
        persons=[other_row],
    )
    judicial.request_submit(actor=lead, req=req)
    theirs = judicial.decision_record(
        actor=lead,
        req=req,
        order_number="90/ت/2026",
        decided_on=timezone.localdate(),
        judge_name="القاضي",
        outcome="granted",
        text="تمديد",
    )
    with pytest.raises(ValidationError) as exc:
        services.order_record(
            actor=lead, detainee=d, starts_at=d.arrested_at + H, days=15, decision=theirs
        )
    assert "decision" in exc.value.message_dict
    # A decision naming no one serves once: a second order under it is refused.
    mine = _decision(lead, case)
    first = services.order_record(
        actor=lead, detainee=d, starts_at=d.arrested_at + H, days=5, decision=mine
    )
    with pytest.raises(ValidationError) as exc:
        services.order_record(
            actor=lead, detainee=d, starts_at=first.ends_at, days=5, decision=mine
        )
    assert "decision" in exc.value.message_dict
    assert DetentionOrder.objects.count() == 1


def test_a_decision_dated_before_the_arrest_is_refused_on_the_decision_field(arrest, lead, case):
    with time_machine.travel(timezone.now() - dt.timedelta(days=5)):
        decision = _decision(lead, case)  # five days before the arrest
    d = arrest()
    with pytest.raises(ValidationError) as exc:
        services.order_record(
            actor=lead, detainee=d, starts_at=d.arrested_at + H, days=15, decision=decision
        )
    assert set(exc.value.message_dict) == {"decision"}  # not offered, and refused alone
    assert "Choose a granted decision" in exc.value.message_dict["decision"][0]


def test_a_long_court_name_or_order_number_from_the_decision_fits_the_order(arrest, lead, case):
    d = arrest()
    named = case_services.case_party_add(actor=lead, case=case, entity=d.person, role="suspect")
    req = judicial.request_create(
        actor=lead, case=case, kind="other", grounds=GROUNDS, court="م" * 250, persons=[named]
    )
    judicial.request_submit(actor=lead, req=req)
    decision = judicial.decision_record(
        actor=lead,
        req=req,
        order_number="٩" * 100,
        decided_on=timezone.localdate(),
        judge_name="القاضي",
        outcome="granted",
        text="توقيف",
    )
    order = services.order_record(
        actor=lead, detainee=d, starts_at=d.arrested_at + H, days=15, decision=decision
    )
    order.refresh_from_db()
    assert len(order.court) == 250 and len(order.order_number) == 100


def test_the_detainee_page_points_to_a_decision_awaiting_its_order(
    arrest, lead, case, client_for, make_user
):
    d = arrest()
    decision = _decision(lead, case)
    client = client_for(lead)
    page = client.get(f"/detention/{d.pk}/").content.decode()
    link = f"/detention/{d.pk}/orders/add/?decision={decision.pk}"
    assert 'id="awaiting-decisions"' in page and link in page
    form = client.get(link).content.decode()
    assert re.search(rf'<option value="{decision.pk}" selected>', form), form[:3000]
    for junk in ("999999", "abc", "٣"):  # not one to choose: nothing preselected, no error
        other = client.get(f"/detention/{d.pk}/orders/add/?decision={junk}")
        assert other.status_code == 200
        assert f'<option value="{decision.pk}" selected>' not in other.content.decode()
    start = timezone.localtime(d.arrested_at + H).strftime("%Y-%m-%dT%H:%M")
    client.post(link, {"decision": decision.pk, "starts_at": start, "days": "15"})
    after = client.get(f"/detention/{d.pk}/").content.decode()
    assert 'id="awaiting-decisions"' not in after
    # A reader who may not work on the case is not prompted.
    second = _decision(lead, case, order_number="91/ت/2026")
    observer = make_user("obs.karada", unit="BGD-MANSOUR")
    case_services.member_add(actor=lead, case=case, user=observer, role="observer")
    assert f"decision={second.pk}" in client.get(f"/detention/{d.pk}/").content.decode()
    assert (
        'id="awaiting-decisions"'
        not in client_for(observer).get(f"/detention/{d.pk}/").content.decode()
    )


def test_a_correction_of_a_decision_already_carried_out_is_not_a_second_ruling(arrest, lead, case):
    d = arrest()
    decision = _decision(lead, case)
    first = services.order_record(
        actor=lead, detainee=d, starts_at=d.arrested_at + H, days=15, decision=decision
    )
    correction = judicial.decision_correct(
        actor=lead,
        decision=decision,
        reason="رقم الأمر مكتوب خطأ في النسخة الأولى",
        order_number="77/ت/2026-م",
        decided_on=timezone.localdate(),
        judge_name="القاضي حيدر الموسوي",
        outcome="granted",
        text="تصحيح",
    )
    from dalil.judicial import selectors as judicial_selectors

    assert not judicial_selectors.detention_decisions(lead, case, d).exists()
    with pytest.raises(ValidationError) as exc:
        services.order_record(
            actor=lead, detainee=d, starts_at=first.ends_at, days=15, decision=correction
        )
    assert set(exc.value.message_dict) == {"decision"}


def test_a_request_of_another_kind_must_name_the_detainee(arrest, lead, case):
    d = arrest()
    unnamed = _decision(lead, case, kind="other")
    with pytest.raises(ValidationError) as exc:
        services.order_record(
            actor=lead, detainee=d, starts_at=d.arrested_at + H, days=15, decision=unnamed
        )
    assert set(exc.value.message_dict) == {"decision"}
