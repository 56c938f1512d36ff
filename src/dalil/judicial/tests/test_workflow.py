"""IN-5: requests to the judge, decisions, corrections and deadlines — the services."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from dalil import access
from dalil.audit.models import Entry
from dalil.audit.testing import entry_count
from dalil.cases import services as case_services
from dalil.cases.models import CaseParty
from dalil.judicial import services
from dalil.judicial.models import Deadline, Decision, JudicialRequest

from .conftest import GROUNDS, decide

pytestmark = pytest.mark.django_db

COURT = "محكمة تحقيق الكرادة"


# --- Drafting and numbering ----------------------------------------------------------------------
def test_requests_are_numbered_per_case_and_each_draft_writes_one_entry(tree, case, lead):
    before = entry_count()
    first = services.request_create(
        actor=lead, case=case, kind="search_warrant", grounds=GROUNDS, court=COURT
    )
    second = services.request_create(
        actor=lead, case=case, kind="travel_ban", grounds=GROUNDS, court=COURT
    )
    other = case_services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="ب", lead=lead)
    third = services.request_create(
        actor=lead, case=other, kind="other", grounds=GROUNDS, court=COURT
    )
    assert first.number == f"{case.number}-R-001"
    assert second.number == f"{case.number}-R-002"
    assert third.number == f"{other.number}-R-001"
    assert first.status == "draft" and first.requested_by == lead
    assert entry_count("judicial.request_created") == 3
    assert entry_count() == before + 3 + 1  # + the second case's opening
    payload = json.loads(Entry.objects.filter(action="judicial.request_created").first().payload)
    # The ledger keeps the digest of the grounds, not the narrative (ADR 0013).
    assert payload["number"] == first.number and "grounds" not in payload
    assert payload["grounds_sha256"] == hashlib.sha256(GROUNDS.encode()).hexdigest()
    assert GROUNDS not in Entry.objects.filter(action="judicial.request_created").first().payload


@pytest.mark.usefixtures("operator")
def test_persons_concerned_are_parties_of_this_case_only(tree, case, lead):
    from dalil.audit.ledger import System
    from dalil.parties import services as parties

    person = parties.person_create(
        actor=System("t"), unit=tree["BGD-KARADA"], given_name_ar="مشتبه"
    )
    party = case_services.case_party_add(actor=lead, case=case, entity=person, role="suspect")
    other = case_services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="ب", lead=lead)
    foreign = CaseParty.objects.create(
        case=other, entity_type="person", entity_id=person.pk, role="witness"
    )
    req = services.request_create(
        actor=lead, case=case, kind="arrest_warrant", grounds=GROUNDS, court=COURT, persons=[party]
    )
    assert list(req.persons.all()) == [party]
    before = entry_count()
    with pytest.raises(ValidationError) as err:
        services.request_create(
            actor=lead,
            case=case,
            kind="arrest_warrant",
            grounds=GROUNDS,
            court=COURT,
            persons=[foreign],
        )
    assert "persons" in err.value.message_dict and entry_count() == before


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"grounds": ""}, "grounds"),
        ({"grounds": "قصير جداً"}, "grounds"),
        ({"court": "  "}, "court"),
        ({"kind": "pardon"}, "kind"),
    ],
)
def test_bad_request_input_gets_a_clear_message_and_writes_nothing(case, lead, kwargs, field):
    args = {"kind": "search_warrant", "grounds": GROUNDS, "court": COURT, **kwargs}
    before = entry_count()
    with pytest.raises(ValidationError) as err:
        services.request_create(actor=lead, case=case, **args)
    assert field in err.value.message_dict
    assert not JudicialRequest.objects.exists() and entry_count() == before


def test_a_closed_case_refuses_new_requests_and_their_steps(case, lead, draft):
    case_services.case_transition(actor=lead, case=case, step="close", version=case.version)
    before = entry_count()
    with pytest.raises(ValidationError) as err:
        services.request_create(actor=lead, case=case, kind="release", grounds=GROUNDS, court=COURT)
    assert "closed" in err.value.messages[0]
    with pytest.raises(ValidationError):
        services.request_submit(actor=lead, req=draft)
    assert entry_count() == before and JudicialRequest.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_drafts_never_share_a_number(case, lead):
    n = 6
    start = threading.Barrier(n)
    errors: list[BaseException] = []

    def draft_one(i: int) -> None:
        try:
            start.wait(timeout=30)
            services.request_create(
                actor=lead, case=case, kind="other", grounds=f"{GROUNDS} {i}", court=COURT
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=draft_one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(JudicialRequest.objects.values_list("serial", flat=True)) == list(range(1, n + 1))
    assert JudicialRequest.objects.values("number").distinct().count() == n


# --- The workflow --------------------------------------------------------------------------------
def test_draft_submit_decide_with_a_deadline_one_entry_per_step(case, lead, draft):
    before = entry_count()
    services.request_submit(actor=lead, req=draft)
    assert entry_count() == before + 1 and entry_count("judicial.request_submitted") == 1
    draft.refresh_from_db()
    assert draft.status == "submitted" and draft.submitted_at is not None

    before = entry_count()
    decision = decide(lead, draft)
    assert entry_count() == before + 1 and entry_count("judicial.decision_recorded") == 1
    draft.refresh_from_db()
    assert draft.status == "decided" and draft.outcome == "granted"
    deadline = decision.deadlines.get()
    assert deadline.kind == "warrant_valid_until" and deadline.state == "open"
    assert deadline.case == case
    payload = json.loads(Entry.objects.get(action="judicial.decision_recorded").payload)
    assert payload["order_number"] == "412/ت/2026"
    assert payload["deadlines"][0]["kind"] == "warrant_valid_until"
    assert "text" not in payload
    assert payload["text_sha256"] == hashlib.sha256(decision.text.encode()).hexdigest()


def test_a_draft_can_be_changed_but_a_submitted_request_cannot(case, lead, draft):
    services.request_update(
        actor=lead, req=draft, kind="arrest_warrant", grounds=GROUNDS + " إضافة", court=COURT
    )
    draft.refresh_from_db()
    assert draft.kind == "arrest_warrant" and entry_count("judicial.request_changed") == 1
    changed = json.loads(Entry.objects.get(action="judicial.request_changed").payload)["changed"]
    assert changed["grounds"] == [
        hashlib.sha256(t.encode()).hexdigest() for t in (GROUNDS, GROUNDS + " إضافة")
    ]
    before = entry_count()
    services.request_update(  # unchanged: nothing to record
        actor=lead, req=draft, kind="arrest_warrant", grounds=GROUNDS + " إضافة", court=COURT
    )
    assert entry_count() == before
    services.request_submit(actor=lead, req=draft)
    with pytest.raises(ValidationError) as err:
        services.request_update(actor=lead, req=draft, kind="release", grounds=GROUNDS, court=COURT)
    assert "draft" in err.value.messages[0]
    draft.refresh_from_db()
    assert draft.kind == "arrest_warrant"


def test_deciding_a_draft_is_refused_with_a_clear_message(lead, draft):
    before = entry_count()
    with pytest.raises(ValidationError) as err:
        decide(lead, draft)
    assert "submit it to the judge" in err.value.messages[0]
    assert not Decision.objects.exists() and not Deadline.objects.exists()
    assert entry_count() == before


def test_deciding_twice_is_refused_and_points_to_a_correction(lead, submitted):
    decide(lead, submitted)
    before = entry_count()
    with pytest.raises(ValidationError) as err:
        decide(lead, submitted, order_number="413/ت/2026")
    assert "412/ت/2026" in err.value.messages[0] and "correction" in err.value.messages[0]
    assert Decision.objects.count() == 1 and entry_count() == before


def test_withdrawing_a_decided_request_is_refused(lead, submitted):
    decide(lead, submitted)
    before = entry_count()
    with pytest.raises(ValidationError) as err:
        services.request_withdraw(actor=lead, req=submitted, reason="لم تعد هناك حاجة للطلب")
    assert "already decided" in err.value.messages[0]
    submitted.refresh_from_db()
    assert submitted.status == "decided" and entry_count() == before


def test_withdrawing_needs_a_reason_and_then_ends_the_request(lead, submitted):
    with pytest.raises(ValidationError) as err:
        services.request_withdraw(actor=lead, req=submitted, reason="لا")
    assert "reason" in err.value.message_dict
    before = entry_count()
    services.request_withdraw(actor=lead, req=submitted, reason="أُلقي القبض على المتهم متلبساً")
    submitted.refresh_from_db()
    assert submitted.status == "withdrawn" and entry_count() == before + 1
    with pytest.raises(ValidationError):
        decide(lead, submitted)
    with pytest.raises(ValidationError):
        services.request_withdraw(actor=lead, req=submitted, reason="مرة أخرى للتجربة")
    assert entry_count() == before + 1


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"decided_on": None}, "decided_on"),
        ({"order_number": " "}, "order_number"),
        ({"judge_name": ""}, "judge_name"),
        ({"text": ""}, "text"),
        ({"outcome": "maybe"}, "outcome"),
    ],
)
def test_bad_decision_input_gets_a_message_and_writes_nothing(lead, submitted, kwargs, field):
    before = entry_count()
    with pytest.raises(ValidationError) as err:
        decide(lead, submitted, **kwargs)
    assert field in err.value.message_dict
    submitted.refresh_from_db()
    assert submitted.status == "submitted" and not Decision.objects.exists()
    assert entry_count() == before


def test_a_decision_date_in_the_future_is_refused(lead, submitted):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as err:
        decide(lead, submitted, decided_on=tomorrow)
    assert err.value.message_dict["decided_on"] == ["The decision date cannot be in the future."]
    assert not Decision.objects.exists()


def test_a_decision_before_the_submission_is_refused(lead, submitted):
    with pytest.raises(ValidationError) as err:
        decide(lead, submitted, decided_on=timezone.localdate() - dt.timedelta(days=3))
    assert "before the request was submitted" in err.value.message_dict["decided_on"][0]


def test_deadlines_must_follow_the_decision_and_a_refusal_sets_no_warrant(lead, submitted):
    past = timezone.now() - dt.timedelta(days=5)
    with pytest.raises(ValidationError) as err:
        decide(lead, submitted, deadlines=[services.DeadlineInput("hearing", past)])
    assert "before the date of the decision" in err.value.message_dict["due_hearing"][0]
    with pytest.raises(ValidationError) as err:
        decide(lead, submitted, outcome="refused")  # with the default warrant deadline
    assert "due_warrant_valid_until" in err.value.message_dict
    assert not Decision.objects.exists() and not Deadline.objects.exists()
    decide(lead, submitted, outcome="refused", deadlines=[])
    submitted.refresh_from_db()
    assert submitted.outcome == "refused"


def test_a_scanned_order_goes_to_the_vault_beside_the_decision(lead, submitted):
    scan = SimpleUploadedFile("order.pdf", b"%PDF-1.4 order", content_type="application/pdf")
    decision = decide(lead, submitted, scan=scan)
    assert decision.scan is not None and decision.scan.unit == submitted.case.unit
    payload = json.loads(Entry.objects.get(action="judicial.decision_recorded").payload)
    assert payload["scan_sha256"] == decision.scan.blob_id
    assert entry_count("core.file_uploaded") == 1


# --- Corrections -----------------------------------------------------------------------------------
def test_a_correction_is_a_new_decision_and_supersedes_the_old_with_its_deadlines(lead, submitted):
    old = decide(lead, submitted)
    before = entry_count()
    later = timezone.now() + dt.timedelta(days=3)
    new = services.decision_correct(
        actor=lead,
        decision=old,
        reason="خطأ في رقم الأمر ومدة النفاذ",
        order_number="412/ب/2026",
        decided_on=old.decided_on,
        judge_name=old.judge_name,
        outcome="partly_granted",
        text="تقرر الإذن بتفتيش الدار دون المحل.",
        deadlines=[services.DeadlineInput("warrant_valid_until", later)],
    )
    assert entry_count() == before + 1 and entry_count("judicial.decision_corrected") == 1
    old.refresh_from_db()
    assert new.corrects == old and old.superseded and not new.superseded
    assert old.order_number == "412/ت/2026"  # the recorded decision itself never changes
    assert old.deadlines.get().state == "superseded" and new.deadlines.get().state == "open"
    submitted.refresh_from_db()
    assert submitted.outcome == "partly_granted"
    payload = json.loads(Entry.objects.get(action="judicial.decision_corrected").payload)
    assert payload["corrects"] == old.pk and payload["superseded_deadlines"] == [
        old.deadlines.get().pk
    ]
    # Both are on the ledger, and the superseded one cannot be corrected again.
    assert entry_count("judicial.decision_recorded") == 1
    with pytest.raises(ValidationError) as err:
        services.decision_correct(
            actor=lead,
            decision=old,
            reason="تصحيح آخر للتجربة",
            order_number="x",
            decided_on=old.decided_on,
            judge_name="y",
            outcome="granted",
            text="z",
        )
    assert "412/ب/2026" in err.value.messages[0]
    assert Decision.objects.count() == 2


def test_a_correction_needs_a_reason(lead, submitted):
    old = decide(lead, submitted)
    with pytest.raises(ValidationError) as err:
        services.decision_correct(
            actor=lead,
            decision=old,
            reason="",
            order_number="1",
            decided_on=old.decided_on,
            judge_name="ق",
            outcome="granted",
            text="ن",
        )
    assert "reason" in err.value.message_dict and Decision.objects.count() == 1


# --- Deadlines -------------------------------------------------------------------------------------
def test_a_deadline_is_marked_done_once(lead, submitted):
    deadline = decide(lead, submitted).deadlines.get()
    before = entry_count()
    services.deadline_done(actor=lead, deadline=deadline)
    deadline.refresh_from_db()
    assert deadline.state == "done" and deadline.done_by == lead
    assert entry_count() == before + 1
    with pytest.raises(ValidationError):
        services.deadline_done(actor=lead, deadline=deadline)
    assert entry_count() == before + 1


# --- Who may -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "who,allowed",
    [
        ("lead", True),
        ("investigator_member", True),
        ("observer_member", False),
        ("analyst_member", False),
        ("commander", True),
        ("unit_investigator", False),  # sees the case (unit grant) but does not work on it
        ("other_unit", False),
    ],
)
def test_who_may_draft_submit_decide_and_withdraw(
    who, allowed, case, lead, member, make_user, submitted
):
    actor = {
        "lead": lambda: lead,
        "investigator_member": lambda: member("m.inv", "investigator"),
        "observer_member": lambda: member("m.obs", "observer"),
        "analyst_member": lambda: member("m.an", "analyst"),
        "commander": lambda: make_user("cmd", role="commander", at="BGD-KARADA"),
        "unit_investigator": lambda: make_user("inv2", role="investigator", at="BGD-KARADA"),
        "other_unit": lambda: make_user(
            "mansour", unit="BGD-MANSOUR", role="investigator", at="BGD-MANSOUR"
        ),
    }[who]()
    calls = [
        lambda: services.request_create(
            actor=actor, case=case, kind="release", grounds=GROUNDS, court=COURT
        ),
        lambda: services.request_submit(
            actor=actor,
            req=services.request_create(
                actor=lead, case=case, kind="other", grounds=GROUNDS, court=COURT
            ),
        ),
        lambda: decide(actor, submitted),
        lambda: services.request_withdraw(
            actor=actor,
            req=services.request_create(
                actor=lead, case=case, kind="other", grounds=GROUNDS, court=COURT
            ),
            reason="سبب كاف للسحب",
        ),
    ]
    for call in calls:
        if allowed:
            call()
        else:
            before = entry_count()
            with pytest.raises(access.Denied):
                call()
            # Only the lead's own setup draft (if the call made one) is on the ledger.
            assert entry_count() - before <= 1
    if not allowed:
        assert not Decision.objects.exists()
        assert not JudicialRequest.objects.filter(requested_by=actor).exists()
    # Viewing goes through the case: members and the unit see the request, the other unit not.
    assert access.can(actor, "view", submitted) == (who != "other_unit")


def test_a_recorded_decision_cannot_be_changed_even_in_the_database(lead, submitted):
    from django.db import DatabaseError, transaction

    from dalil.audit import triggers

    decision = decide(lead, submitted)
    assert "judicial_decision" in triggers.installed_tables()
    assert "judicial_decision" in triggers.registered_tables()
    with pytest.raises(DatabaseError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(order_number="تلاعب")
    with pytest.raises(DatabaseError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).delete()
    decision.refresh_from_db()
    assert decision.order_number == "412/ت/2026"


@pytest.mark.usefixtures("operator")
def test_a_confidential_source_named_in_a_request_stays_hidden_from_the_uncleared(
    tree, case, lead, make_user, client_for
):
    from dalil.access.models import Clearance, Compartment
    from dalil.audit.ledger import System
    from dalil.parties import services as parties

    Clearance.objects.create(user=lead, compartment=Compartment.objects.get(code="informants"))
    access.forget(lead)
    source = parties.person_create(
        actor=System("t"), unit=tree["BGD-KARADA"], given_name_ar="مصدرسري"
    )
    informant = case_services.case_party_add(actor=lead, case=case, entity=source, role="informant")
    req = services.request_create(
        actor=lead,
        case=case,
        kind="arrest_warrant",
        grounds=GROUNDS,
        court=COURT,
        persons=[informant],
    )
    boss = make_user("boss.uncleared", role="commander", at="BGD-KARADA")
    with pytest.raises(ValidationError):  # cannot name what they may not see
        services.request_create(
            actor=boss,
            case=case,
            kind="release",
            grounds=GROUNDS,
            court=COURT,
            persons=[informant],
        )
    client = client_for(boss)
    assert "مصدرسري" not in client.get(f"/judicial/requests/{req.number}/").content.decode()
    assert client.get(f"/api/v1/judicial-requests/{req.number}/").json()["persons"] == []
    # Changing the draft without seeing the source keeps the source on it.
    services.request_update(
        actor=boss, req=req, kind="travel_ban", grounds=GROUNDS, court=COURT, persons=[]
    )
    assert list(req.persons.all()) == [informant]
    assert "مصدرسري" in client_for(lead).get(f"/judicial/requests/{req.number}/").content.decode()
