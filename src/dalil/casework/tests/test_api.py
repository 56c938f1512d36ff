"""The case-work API (CO-8): tasks and journal entries of a case, through the same services as the
pages; problems (RFC 9457) on bad input; 404 outside scope; 409 on a stale amendment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dalil.audit.testing import actions_since, last_seq
from dalil.casework import services
from dalil.casework.models import JournalVersion, Task

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _post(client, url, data):
    return client.post(url, data, content_type=JSON)


def test_tasks_are_listed_created_and_completed_through_the_api(case, lead, client_for):
    client = client_for(lead)
    base = f"/api/v1/cases/{case.number}/tasks/"
    since = last_seq()
    due = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    created = _post(
        client,
        base,
        {"title": "مطابقة البصمات", "assignee": lead.username, "due_on": due, "priority": "high"},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["title"], body["assignee"], body["due_on"], body["status"], body["overdue"]) == (
        "مطابقة البصمات",
        lead.username,
        due,
        "open",
        False,
    )
    listed = client.get(base).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [t["id"] for t in rows] == [body["id"]]
    assert client.get(f"{base}{body['id']}/").json()["case"] == case.number
    done = _post(client, f"{base}{body['id']}/complete/", {"note": "تمت المطابقة"})
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert actions_since(since) == ["casework.task_created", "casework.task_completed"]
    again = _post(client, f"{base}{body['id']}/complete/", {})
    assert again.status_code == 400 and again["Content-Type"].startswith("application/problem")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x", "due_on": "2001-01-01"}, "due_on"),
        ({"title": "x", "assignee": "nobody.here"}, "assignee"),
        ({"title": "x", "priority": "whenever"}, "priority"),
        ({"title": "x", "status": "done"}, "status"),  # not a writable field
    ],
)
def test_bad_task_input_is_a_problem_naming_the_field(case, lead, client_for, data, field):
    since = last_seq()
    response = _post(client_for(lead), f"/api/v1/cases/{case.number}/tasks/", data)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert field in response.json()["errors"]
    assert not Task.objects.exists() and actions_since(since) == []


def test_an_unknown_user_name_and_an_ineligible_user_get_the_same_answer(
    case, lead, client_for, make_user
):
    """The API must not tell which user names exist."""
    make_user("stranger.basra", role="investigator", at="BSR-POL")
    client = client_for(lead)
    for extra in ({}, {"due_on": "2001-01-01"}):  # also when another field is wrong too
        answers = [
            _post(
                client,
                f"/api/v1/cases/{case.number}/tasks/",
                {"title": "x", "assignee": name, **extra},
            )
            for name in ("nobody.here", "stranger.basra")
        ]
        assert [a.status_code for a in answers] == [400, 400]
        assert answers[0].json()["errors"] == answers[1].json()["errors"]
    assert not Task.objects.exists()


def test_an_observer_reads_through_the_api_but_cannot_write(case, lead, observer, client_for):
    task = services.task_create(actor=lead, case=case, title="مهمة")
    client = client_for(observer)
    assert client.get(f"/api/v1/cases/{case.number}/tasks/").status_code == 200
    since = last_seq()
    assert _post(client, f"/api/v1/cases/{case.number}/tasks/", {"title": "x"}).status_code == 404
    assert (
        _post(client, f"/api/v1/cases/{case.number}/tasks/{task.pk}/complete/", {}).status_code
        == 404
    )
    assert _post(client, f"/api/v1/cases/{case.number}/journal/", {"text": "x"}).status_code == 404
    assert actions_since(since) == ["access.denied"] * 3


def test_another_unit_gets_404_problems(case, lead, outsider, client_for):
    client = client_for(outsider)
    for url in [f"/api/v1/cases/{case.number}/tasks/", f"/api/v1/cases/{case.number}/journal/"]:
        response = client.get(url)
        assert response.status_code == 404 and response["Content-Type"].startswith(
            "application/problem+json"
        )


def test_the_journal_is_written_listed_and_amended_through_the_api(case, lead, client_for):
    client = client_for(lead)
    base = f"/api/v1/cases/{case.number}/journal/"
    since = last_seq()
    written = _post(
        client, base, {"text": "وصول الدورية", "occurred_at": "2026-01-02T22:50:00+03:00"}
    )
    assert written.status_code == 201, written.content
    entry = written.json()
    assert entry["version"] == 1 and entry["text"] == "وصول الدورية"
    assert entry["occurred_at"].startswith("2026-01-02T22:50:00")
    assert [v["number"] for v in entry["versions"]] == [1]
    amended = _post(
        client,
        f"{base}{entry['id']}/amend/",
        {"version": 1, "text": "وصول الدورية الثانية", "reason": "تصحيح رقم الدورية"},
    )
    assert amended.status_code == 201, amended.content
    body = amended.json()
    assert body["version"] == 2 and body["text"] == "وصول الدورية الثانية"
    assert [(v["number"], v["text"]) for v in body["versions"]] == [
        (1, "وصول الدورية"),
        (2, "وصول الدورية الثانية"),
    ]
    assert client.get(f"{base}{entry['id']}/").json()["versions"][1]["reason"] == (
        "تصحيح رقم الدورية"
    )
    listed = client.get(base).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["text"] for r in rows] == ["وصول الدورية الثانية"]
    assert actions_since(since) == ["casework.journal_written", "casework.journal_amended"]

    stale = _post(
        client,
        f"{base}{entry['id']}/amend/",
        {"version": 1, "text": "نص آخر", "reason": "تصحيح رقم الدورية"},
    )
    assert stale.status_code == 409
    same = _post(
        client,
        f"{base}{entry['id']}/amend/",
        {"version": 2, "text": "وصول الدورية الثانية", "reason": "تصحيح رقم الدورية"},
    )
    assert same.status_code == 400 and "text" in same.json()["errors"]
    empty = _post(client, base, {"text": "   "})
    assert empty.status_code == 400 and "text" in empty.json()["errors"]
    assert JournalVersion.objects.count() == 2
