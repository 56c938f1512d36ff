"""The pages and the API: scope (404 outside it), the duplicate warning, forms that refuse bad input."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils.translation import gettext as _

from dalil.api import services as api_services
from dalil.audit.models import Entry
from dalil.audit.testing import last_seq
from dalil.parties import services
from dalil.parties.models import Person, Phone

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tree: Any, operator: Any) -> dict[str, Person]:
    actor = operator
    return {
        "own": services.person_create(
            actor=actor, unit=tree["BGD-KARADA"], given_name_ar="أحمد", given_name_latin="Ahmed"
        ),
        "other": services.person_create(
            actor=actor, unit=tree["BGD-MANSOUR"], given_name_ar="سالم", given_name_latin="Salim"
        ),
    }


def token_client(user: Any) -> Client:
    user.is_verified = lambda: True
    _token, secret = api_services.token_create(actor=user, name="t", days=30)
    return Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_person_page_shows_own_unit_persons_and_404s_another_units(
    investigator: Any, client_for: Any, people: dict[str, Person]
) -> None:
    client = client_for(investigator)
    page = client.get(f"/parties/persons/{people['own'].pk}/")
    assert page.status_code == 200
    assert "<bdi>أحمد</bdi>" in page.content.decode()
    seq = last_seq()
    assert client.get(f"/parties/persons/{people['other'].pk}/").status_code == 404
    assert list(Entry.objects.filter(seq__gt=seq).values_list("action", flat=True)) == [
        "access.denied"
    ]
    listing = client.get("/parties/").content.decode()
    assert "أحمد" in listing and "سالم" not in listing


def test_the_api_lists_only_persons_in_scope_and_404s_the_others(
    investigator: Any, people: dict[str, Person]
) -> None:
    api = token_client(investigator)
    listing = api.get("/api/v1/persons/").json()
    assert [p["id"] for p in listing["results"]] == [people["own"].pk]
    assert api.get(f"/api/v1/persons/{people['own'].pk}/").json()["name_ar"] == "أحمد"
    assert api.get(f"/api/v1/persons/{people['other'].pk}/").status_code == 404


def test_the_api_records_a_person_and_refuses_a_duplicate_without_confirmation(
    investigator: Any, people: dict[str, Person]
) -> None:
    api = token_client(investigator)
    body = {
        "unit": "BGD-KARADA",
        "given_name_ar": "مازن",
        "birth_year": 1990,
        "aliases": ["أبو زيد"],
    }
    created = api.post("/api/v1/persons/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["aliases"] == ["أبو زيد"]
    again = api.post("/api/v1/persons/", body, content_type="application/json")
    assert again.status_code == 400
    assert Person.objects.filter(given_name_ar="مازن").count() == 1
    body["confirm_duplicate"] = True
    assert api.post("/api/v1/persons/", body, content_type="application/json").status_code == 201


def test_the_phone_api_lists_numbers_in_e164(investigator: Any, tree: Any, operator: Any) -> None:
    services.entity_create(
        actor=investigator, entity_type="phone", unit=tree["BGD-KARADA"], number="0770 123 4567"
    )
    services.entity_create(
        actor=operator, entity_type="phone", unit=tree["BGD-MANSOUR"], number="07801234567"
    )
    rows = token_client(investigator).get("/api/v1/phones/").json()["results"]
    assert [r["number"] for r in rows] == ["+9647701234567"]


def test_the_person_form_warns_of_a_duplicate_and_records_only_when_confirmed(
    investigator: Any, client_for: Any, tree: Any, people: dict[str, Person]
) -> None:
    client = client_for(investigator)
    form = {"unit": tree["BGD-KARADA"].pk, "given_name_ar": "أَحمد", "sex": "m", "nationality": "IQ"}
    warned = client.post("/parties/persons/new/", form)
    assert warned.status_code == 200
    text = warned.content.decode()
    assert f"/parties/persons/{people['own'].pk}/" in text
    assert Person.objects.filter(unit=tree["BGD-KARADA"]).count() == 1
    done = client.post("/parties/persons/new/", {**form, "confirm_duplicate": "on"})
    assert done.status_code == 302
    assert Person.objects.filter(unit=tree["BGD-KARADA"]).count() == 2


def test_the_person_form_shows_the_date_message_and_writes_nothing(
    investigator: Any, client_for: Any, tree: Any
) -> None:
    seq = last_seq()
    page = client_for(investigator).post(
        "/parties/persons/new/",
        {
            "unit": tree["BGD-KARADA"].pk,
            "given_name_ar": "حسين",
            "sex": "m",
            "nationality": "IQ",
            "birth_year": "1999",
            "birth_month": "2",
            "birth_day": "30",
        },
    )
    assert page.status_code == 200
    assert _("This date does not exist.") in page.content.decode()
    assert Person.objects.count() == 0 and last_seq() == seq


def test_the_phone_form_explains_an_invalid_number_and_writes_nothing(
    investigator: Any, client_for: Any, tree: Any
) -> None:
    seq = last_seq()
    page = client_for(investigator).post(
        "/parties/phone/new/", {"unit": tree["BGD-KARADA"].pk, "number": "0770 12"}
    )
    assert page.status_code == 200
    expected = _(
        "“%(value)s” is not a valid phone number. Write it as 0770 123 4567 or +964 770 123 4567."
    ) % {"value": "0770 12"}
    assert expected in page.content.decode()
    assert Phone.objects.count() == 0 and last_seq() == seq


def test_a_link_shows_on_both_pages_with_its_grading(
    investigator: Any, client_for: Any, tree: Any, people: dict[str, Person]
) -> None:
    client = client_for(investigator)
    phone = services.entity_create(
        actor=investigator, entity_type="phone", unit=tree["BGD-KARADA"], number="07701234567"
    )
    response = client.post(
        f"/parties/person/{people['own'].pk}/links/new/",
        {
            "link_type": "uses_phone",
            "target": f"phone:{phone.pk}",
            "source": "سجل المشترك",
            "reliability": "B",
            "credibility": "2",
        },
    )
    assert response.status_code == 302
    person_page = client.get(f"/parties/persons/{people['own'].pk}/").content.decode()
    assert "+9647701234567" in person_page and "B2" in person_page
    assert "B2" in client.get(f"/parties/phone/{phone.pk}/").content.decode()


def test_a_link_to_a_record_out_of_scope_is_refused_as_if_it_did_not_exist(
    investigator: Any, client_for: Any, people: dict[str, Person]
) -> None:
    page = client_for(investigator).post(
        f"/parties/person/{people['own'].pk}/links/new/",
        {
            "link_type": "associate",
            "target": f"person:{people['other'].pk}",
            "source": "مصدر",
            "reliability": "C",
            "credibility": "3",
        },
    )
    assert page.status_code == 200
    assert _("No such record, or you may not see it.") in page.content.decode()


@pytest.mark.usefixtures("demo_operator")
def test_the_demo_loads_persons_with_links_and_is_idempotent(tree: Any, make_user: Any) -> None:
    from dalil.parties import demo
    from dalil.parties.models import Link

    assert demo.load()["persons"] == 15
    assert Link.objects.count() > 10
    assert demo.load()["persons"] == 0
    assert json.loads(Entry.objects.filter(action="parties.person_created").first().payload)["unit"]


def test_the_picker_finds_across_scripts_and_only_what_the_user_may_see(
    investigator: Any, client_for: Any, people: dict[str, Person]
) -> None:
    client = client_for(investigator)
    own, other = people["own"], people["other"]
    found = client.get("/parties/pick/", {"q": own.given_name_ar, "kinds": "person", "field": "x"})
    html = found.content.decode()
    assert f'name="x" value="person:{own.pk}"' in html
    assert f"person:{other.pk}" not in html
    hidden = client.get("/parties/pick/", {"q": other.given_name_ar, "kinds": "person"})
    assert f"person:{other.pk}" not in hidden.content.decode()
    assert (
        _(
            "No record you may see matches. Check the spelling, or record the person or entity "
            "first."
        )
        in hidden.content.decode()
    )
    latin = client.get("/parties/pick/", {"q": "Ahmed", "kinds": "person"}).content.decode()
    assert f"person:{own.pk}" in latin
    # One letter is not a search; a field name that is not an identifier falls back.
    short = client.get("/parties/pick/", {"q": "a", "field": '"><b>'}).content.decode()
    assert "radio" not in short and "<b>" not in short
