"""IN-5 in the web interface and the API: the case panel, the lists, the forms, the problems."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from dalil.audit.models import Entry
from dalil.audit.testing import entry_count
from dalil.cases import contributions as contrib
from dalil.judicial import services
from dalil.judicial.models import Deadline, Decision, JudicialRequest

from .conftest import GROUNDS, decide

pytestmark = pytest.mark.django_db


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", html.decode())


# --- The case page -------------------------------------------------------------------------------
def test_the_case_panel_shows_pending_decisions_deadlines_and_the_buttons(
    case, lead, submitted, client_for
):
    decide(lead, submitted)
    pending = services.request_create(
        actor=lead, case=case, kind="travel_ban", grounds=GROUNDS, court="محكمة"
    )
    page = _text(client_for(lead).get(f"/cases/{case.number}/").content)
    assert 'id="judicial-h"' in page
    assert pending.number in page and "412/ت/2026" in page
    assert f"/judicial/cases/{case.number}/requests/new/" in page
    assert f"/judicial/cases/{case.number}/dossier/" in page
    assert f"/judicial/deadlines/{Deadline.objects.get().pk}/done/" in page


def test_an_observer_sees_the_panel_without_buttons(case, member, submitted, client_for):
    observer = member("obs", "observer")
    page = _text(client_for(observer).get(f"/cases/{case.number}/").content)
    assert submitted.number in page
    assert "/requests/new/" not in page and "/dossier/" not in page
    assert "/decisions/new/" not in page


def test_the_timeline_has_submissions_decisions_and_deadlines(case, lead, submitted):
    decide(lead, submitted)
    kinds = {str(e.kind) for e in contrib.timeline(lead, case) if "judicial" in e.url}
    assert kinds == {"Request to the judge", "Decision of the judge", "Judicial deadline"}


# --- Forms ---------------------------------------------------------------------------------------
def test_drafting_submitting_and_deciding_through_the_pages(case, lead, client_for):
    client = client_for(lead)
    response = client.post(
        f"/judicial/cases/{case.number}/requests/new/",
        {"kind": "search_warrant", "court": "محكمة تحقيق الكرادة", "grounds": GROUNDS},
    )
    assert response.status_code == 302, response.content
    req = JudicialRequest.objects.get()
    assert response["Location"] == f"/judicial/requests/{req.number}/"
    assert client.get(f"/judicial/requests/{req.number}/submit/").status_code == 200
    assert client.post(f"/judicial/requests/{req.number}/submit/").status_code == 302
    req.refresh_from_db()
    assert req.status == "submitted"
    form = client.get(f"/judicial/cases/{case.number}/decisions/new/?request={req.number}")
    assert req.number in form.content.decode()
    due = (timezone.localtime() + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/judicial/cases/{case.number}/decisions/new/",
        {
            "request": req.number,
            "order_number": "77/ت/2026",
            "decided_on": timezone.localdate().isoformat(),
            "judge_name": "القاضي",
            "outcome": "granted",
            "text": "تقرر الإذن.",
            "due_warrant_valid_until": due,
        },
    )
    assert response.status_code == 302, response.content
    req.refresh_from_db()
    assert req.status == "decided"
    assert Deadline.objects.get().kind == "warrant_valid_until"
    page = client.get(f"/judicial/requests/{req.number}/").content.decode()
    assert (
        "77/ت/2026" in page and f"/judicial/decisions/{Decision.objects.get().pk}/correct/" in page
    )


def test_no_grounds_is_explained_on_the_form_and_nothing_is_written(case, lead, client_for):
    before = entry_count()
    response = client_for(lead).post(
        f"/judicial/cases/{case.number}/requests/new/",
        {"kind": "search_warrant", "court": "محكمة", "grounds": "قصير"},
    )
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
    assert not JudicialRequest.objects.exists() and entry_count() == before


def test_a_decision_dated_tomorrow_is_explained_on_the_form(case, lead, submitted, client_for):
    response = client_for(lead).post(
        f"/judicial/cases/{case.number}/decisions/new/",
        {
            "request": submitted.number,
            "order_number": "1",
            "decided_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat(),
            "judge_name": "ق",
            "outcome": "granted",
            "text": "ن",
        },
    )
    assert response.status_code == 200 and 'id="error-summary"' in response.content.decode()
    assert not Decision.objects.exists()


def test_a_draft_is_not_offered_for_a_decision(case, lead, draft, client_for):
    response = client_for(lead).post(
        f"/judicial/cases/{case.number}/decisions/new/",
        {
            "request": draft.number,
            "order_number": "1",
            "decided_on": timezone.localdate().isoformat(),
            "judge_name": "ق",
            "outcome": "granted",
            "text": "ن",
        },
    )
    assert response.status_code == 200 and 'id="error-summary"' in response.content.decode()
    assert not Decision.objects.exists()


def test_another_unit_gets_404_everywhere_and_it_is_on_the_ledger(
    case, submitted, make_user, client_for
):
    outsider = make_user("out", unit="BGD-MANSOUR", role="investigator", at="BGD-MANSOUR")
    client = client_for(outsider)
    before = entry_count("access.denied")
    for url in [
        f"/judicial/requests/{submitted.number}/",
        f"/judicial/cases/{case.number}/requests/new/",
        f"/judicial/cases/{case.number}/dossier/",
        f"/api/v1/judicial-requests/{submitted.number}/",
    ]:
        assert client.get(url).status_code == 404, url
    assert entry_count("access.denied") == before + 4
    assert submitted.number not in client.get("/judicial/").content.decode()


# --- Lists ---------------------------------------------------------------------------------------
def test_the_list_puts_pending_first_and_filters_by_kind_status_and_unit(
    tree, case, lead, submitted, client_for, make_user
):
    decided = services.request_create(
        actor=lead, case=case, kind="release", grounds=GROUNDS, court="محكمة"
    )
    services.request_submit(actor=lead, req=decided)
    decide(lead, decided, deadlines=[])
    draft = services.request_create(
        actor=lead, case=case, kind="travel_ban", grounds=GROUNDS, court="محكمة"
    )
    client = client_for(lead)
    page = client.get("/judicial/").content.decode()
    order = [page.index(r.number) for r in (submitted, draft, decided)]
    assert order == sorted(order)
    page = client.get("/judicial/", {"kind": "travel_ban"}).content.decode()
    assert draft.number in page and submitted.number not in page
    page = client.get("/judicial/", {"status": "decided"}).content.decode()
    assert decided.number in page and draft.number not in page
    # A commander over both stations narrows the list to one of them.
    from dalil.cases import services as case_services

    boss = make_user("boss", unit="BGD-POL", role="commander", at="BGD-POL")
    other_lead = make_user("m.lead", unit="BGD-MANSOUR", role="investigator", at="BGD-MANSOUR")
    other = case_services.case_create(
        actor=other_lead, unit=tree["BGD-MANSOUR"], title="أخرى", lead=other_lead
    )
    theirs = services.request_create(
        actor=other_lead, case=other, kind="release", grounds=GROUNDS, court="محكمة"
    )
    boss_client = client_for(boss)
    page = boss_client.get("/judicial/").content.decode()
    assert theirs.number in page and submitted.number in page
    page = boss_client.get("/judicial/", {"unit": tree["BGD-MANSOUR"].pk}).content.decode()
    assert theirs.number in page and submitted.number not in page


def test_deadlines_are_ordered_by_due_date_and_the_overdue_is_red(case, lead, client_for, draft):
    now = timezone.now()
    with time_machine.travel(now - dt.timedelta(days=4), tick=False):  # the order came 4 days ago
        services.request_submit(actor=lead, req=draft)
        decide(
            lead,
            draft,
            deadlines=[
                services.DeadlineInput("return_to_judge", now + dt.timedelta(days=6)),
                services.DeadlineInput("warrant_valid_until", now - dt.timedelta(days=2)),
            ],
        )
    client = client_for(lead)
    page = client.get("/judicial/deadlines/").content.decode()
    rows = re.findall(r"<tr( class=\"table-danger\")?><td>(.*?)</tr>", page, re.S)
    warrant = Deadline.objects.get(kind="warrant_valid_until")
    back = Deadline.objects.get(kind="return_to_judge")
    assert [cls for cls, _row in rows] == [' class="table-danger"', ""]  # overdue first, red
    assert f"/deadlines/{warrant.pk}/done/" in rows[0][1]
    assert f"/deadlines/{back.pk}/done/" in rows[1][1]
    assert rows[0][1].count("badge text-bg-danger") == 1  # colour and a word, never colour alone
    done = warrant
    response = client.post(f"/judicial/deadlines/{done.pk}/done/", {"next": "/judicial/deadlines/"})
    assert response.status_code == 302 and response["Location"] == "/judicial/deadlines/"
    page = client.get("/judicial/deadlines/").content.decode()
    assert f"/judicial/deadlines/{done.pk}/done/" not in page  # done: off the to-do list
    page = client.get("/judicial/deadlines/", {"state": "done"}).content.decode()
    assert "412/ت/2026" in page


def test_the_navigation_leads_case_readers_to_the_requests_and_from_there_the_deadlines(
    lead, client_for
):
    client = client_for(lead)
    assert 'href="/judicial/"' in client.get("/").content.decode()
    assert 'href="/judicial/deadlines/"' in client.get("/judicial/").content.decode()


# --- API -------------------------------------------------------------------------------------------
def test_the_api_drafts_submits_and_decides_and_refuses_with_problems(
    case, lead, client_for, make_user
):
    client = client_for(lead)
    created = client.post(
        "/api/v1/judicial-requests/",
        {"case": case.number, "kind": "arrest_warrant", "court": "محكمة", "grounds": GROUNDS},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert number == f"{case.number}-R-001"
    early = client.post(
        "/api/v1/judicial-decisions/",
        {
            "request": number,
            "order_number": "5",
            "decided_on": timezone.localdate().isoformat(),
            "judge_name": "ق",
            "outcome": "granted",
            "text": "ن",
        },
        content_type="application/json",
    )
    assert early.status_code == 400 and early["Content-Type"] == "application/problem+json"
    assert not Decision.objects.exists()
    submitted = client.post(f"/api/v1/judicial-requests/{number}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    due = (timezone.now() + dt.timedelta(days=3)).isoformat()
    body = {
        "request": number,
        "order_number": "5/ت/2026",
        "decided_on": timezone.localdate().isoformat(),
        "judge_name": "القاضي",
        "outcome": "granted",
        "text": "تقرر القبض.",
        "deadlines": [{"kind": "return_to_judge", "due_at": due}],
    }
    decided = client.post("/api/v1/judicial-decisions/", body, content_type="application/json")
    assert decided.status_code == 201, decided.content
    assert decided.json()["deadlines"][0]["kind"] == "return_to_judge"
    twice = client.post("/api/v1/judicial-decisions/", body, content_type="application/json")
    assert twice.status_code == 400 and "5/ت/2026" in str(twice.json()["errors"])
    corrected = client.post(
        "/api/v1/judicial-decisions/",
        {
            **body,
            "order_number": "6/ت/2026",
            "corrects": decided.json()["id"],
            "reason": "خطأ في الرقم",
        },
        content_type="application/json",
    )
    assert corrected.status_code == 201 and corrected.json()["corrects"] == decided.json()["id"]
    listed = client.get("/api/v1/judicial-requests/", {"case": case.number}).json()
    assert number in str(listed)
    assert Entry.objects.filter(action__startswith="judicial.").count() == 4
    outsider = make_user("api.out", unit="BGD-MANSOUR", role="investigator", at="BGD-MANSOUR")
    refused = client_for(outsider).post(
        "/api/v1/judicial-requests/",
        {"case": case.number, "kind": "release", "court": "محكمة", "grounds": GROUNDS},
        content_type="application/json",
    )
    assert refused.status_code == 404
    assert JudicialRequest.objects.count() == 1


# --- Demo ----------------------------------------------------------------------------------------
@pytest.mark.usefixtures("demo_operator")
def test_the_demo_loads_requests_once(make_user):
    from dalil.cases import demo as case_demo
    from dalil.judicial import demo

    make_user("investigator.karada", unit="BGD-KARADA", role="investigator")
    make_user("investigator.basra", unit="BSR-ASHAR", role="investigator")
    assert case_demo.load() == 2
    assert demo.load() == 4
    statuses = sorted(JudicialRequest.objects.values_list("status", flat=True))
    assert statuses == ["decided", "decided", "draft", "submitted"]
    kinds = set(Decision.objects.values_list("request__kind", flat=True))
    assert kinds == {"search_warrant", "detention_extension"}
    assert Deadline.objects.filter(state="open").count() == 4
    before = entry_count()
    assert demo.load() == 0 and entry_count() == before
