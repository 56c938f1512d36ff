"""One rule for dates and one for invisible direction controls, on every input path (the API, the
forms, the services themselves); and any API body that cannot be parsed is a 400 problem, never a
500. Each refusal has a clear translated message and writes nothing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from dalil.audit.testing import last_seq

pytestmark = pytest.mark.django_db
JSON = "application/json"
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: makes "exe.txt" read "txt.exe"
BIDI = "This contains invisible direction-control characters, which are not allowed."
EARLY = "Enter a year from 1900 on."


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def lead(make_user: Any) -> Any:
    return make_user("lead.karada", role="investigator", at="BGD-KARADA", language="en")


@pytest.fixture
def case(tree: Any, lead: Any) -> Any:
    from dalil.cases import services

    return services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="قتل عمد", lead=lead)


def _api(client: Any, url: str, body: Any, *, raw: bool = False) -> Any:
    data = body if raw else json.dumps(body)
    return client.post(url, data, content_type=JSON, HTTP_ACCEPT_LANGUAGE="en")


# --- Dates ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "when", ["0001-01-01T10:00:00", "0001-01-01T00:00:00Z", "1899-12-31T23:59"]
)
def test_the_api_refuses_a_journal_date_before_1900_like_the_form(
    case: Any, lead: Any, client_for: Any, when: str
) -> None:
    client, since = client_for(lead), last_seq()
    url = f"/api/v1/cases/{case.number}/journal/"
    answer = _api(client, url, {"text": "وصل المحقق", "occurred_at": when})
    assert answer.status_code == 400 and answer["Content-Type"] == "application/problem+json"
    assert answer.json()["errors"]["occurred_at"] == [EARLY]
    assert last_seq() == since and not case.journal.exists()
    # The page's form answers with the same words.
    page = client.post(
        reverse("casework:journal_create", args=[case.number]),
        {"text": "وصل المحقق", "occurred_at": when[:16]},
    )
    assert page.status_code == 200 and EARLY in page.content.decode()
    assert last_seq() == since


def test_a_service_refuses_a_year_before_1900_whatever_called_it(case: Any, lead: Any) -> None:
    from dalil.casework import services

    since = last_seq()
    with pytest.raises(ValidationError) as refused:
        services.task_create(actor=lead, case=case, title="مهمة", due_on=dt.date(1, 1, 1))
    assert refused.value.message_dict == {"due_on": [EARLY]}
    with pytest.raises(ValidationError) as refused:
        services.journal_write(
            actor=lead, case=case, text="نص", occurred_at=dt.datetime(1, 1, 1, 12, 0)
        )
    assert refused.value.message_dict == {"occurred_at": [EARLY]}
    assert last_seq() == since


# --- Invisible direction controls ----------------------------------------------------------------
def test_journal_text_with_a_direction_override_is_refused_on_every_path(
    case: Any, lead: Any, client_for: Any
) -> None:
    from dalil.casework import services

    client, since = client_for(lead), last_seq()
    text = f"استلمت الملف {RLO}fdp.exe"
    answer = _api(client, f"/api/v1/cases/{case.number}/journal/", {"text": text})
    assert answer.status_code == 400 and answer.json()["errors"]["text"] == [BIDI]
    page = client.post(reverse("casework:journal_create", args=[case.number]), {"text": text})
    assert page.status_code == 200 and BIDI in page.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.journal_write(actor=lead, case=case, text=text)
    assert refused.value.message_dict == {"text": [BIDI]}
    assert last_seq() == since and not case.journal.exists()


@pytest.mark.parametrize(
    "write",
    ["case_title", "task_title", "offence_article", "request_grounds", "arrest_place"],
)
def test_every_app_refuses_direction_controls_in_free_text(
    write: str, case: Any, lead: Any, tree: Any, operator: Any
) -> None:
    from dalil.cases import services as cases
    from dalil.casework import services as casework
    from dalil.detention import services as detention
    from dalil.judicial import services as judicial
    from dalil.parties import services as parties

    person = parties.person_create(actor=operator, unit=tree["BGD-KARADA"], given_name_ar="علي")
    since = last_seq()
    bad = f"نص {RLO}مقلوب"
    calls = {
        "case_title": lambda: cases.case_update(
            actor=lead, case=case, version=case.version, title=bad
        ),
        "task_title": lambda: casework.task_create(actor=lead, case=case, title=bad),
        "offence_article": lambda: cases.offence_add(
            actor=lead, case=case, code="0101", stage="completed", article=bad
        ),
        "request_grounds": lambda: judicial.request_create(
            actor=lead, case=case, kind="arrest_warrant", grounds=bad * 5, court="محكمة"
        ),
        "arrest_place": lambda: detention.arrest_record(
            actor=lead,
            case=case,
            person=person,
            arrested_at=timezone.now() - dt.timedelta(hours=1),
            arrest_place=bad,
            arresting_unit=case.unit,
            place_of_detention="موقف",
            penalty="life",
        ),
    }
    field = {
        "case_title": "title",
        "task_title": "title",
        "offence_article": "article",
        "request_grounds": "grounds",
        "arrest_place": "arrest_place",
    }[write]
    with pytest.raises(ValidationError) as refused:
        calls[write]()
    assert refused.value.message_dict[field] == [BIDI]
    assert last_seq() == since


def test_an_api_text_field_refuses_direction_controls_before_the_service(
    case: Any, lead: Any, client_for: Any
) -> None:
    answer = _api(client_for(lead), f"/api/v1/cases/{case.number}/tasks/", {"title": f"مهمة{RLO}"})
    assert answer.status_code == 400 and answer.json()["errors"]["title"] == [BIDI]


# --- Bodies the API cannot parse -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("[" * 5000 + "]" * 5000, "The request body is not valid JSON."),
        ('{"text": ' + "[" * 5000 + "]" * 5000 + "}", "The request body is not valid JSON."),
        ("[" * 40 + "]" * 40, "The request body nests deeper than 32 levels."),
        ('{"text": "unterminated', "The request body is not valid JSON."),
        (b'{"text": "\xff\xfe"}', "The request body is not valid JSON."),
    ],
)
def test_an_unparseable_body_is_a_400_problem_and_writes_nothing(
    case: Any, lead: Any, client_for: Any, body: str | bytes, detail: str
) -> None:
    since = last_seq()
    answer = _api(client_for(lead), f"/api/v1/cases/{case.number}/journal/", body, raw=True)
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/problem+json"
    problem = answer.json()
    assert problem["type"] == "urn:dalil:problem:validation" and problem["detail"] == detail
    assert last_seq() == since and not case.journal.exists()
