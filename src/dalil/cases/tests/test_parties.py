"""Persons and entities in a case (IN-3) and where else they appear (IN-7)."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from dalil import access
from dalil.access.models import Clearance, Compartment
from dalil.audit.ledger import System
from dalil.audit.models import Entry
from dalil.audit.testing import entry_count
from dalil.cases import selectors, services
from dalil.cases.models import CaseParty
from dalil.parties import services as parties

pytestmark = pytest.mark.django_db
SYSTEM = System("test")


@pytest.fixture(autouse=True)
def _operator(operator):
    """SYSTEM is the operator's command line (ADR 0006) in these tests."""


@pytest.fixture
def lead(make_user):
    return make_user("lead.karada", role="investigator", at="BGD-KARADA")


@pytest.fixture
def case(tree, lead):
    return services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="سرقة", lead=lead)


@pytest.fixture
def person(tree):
    return parties.person_create(actor=SYSTEM, unit=tree["BGD-KARADA"], given_name_ar="كريم")


@pytest.fixture
def mansour_case(tree, make_user):
    boss = make_user("lead.mansour", unit="BGD-MANSOUR", role="investigator")
    return services.case_create(
        actor=SYSTEM, unit=tree["BGD-MANSOUR"], title="ملف سري للمنصور", lead=boss
    )


# --- Adding and removing ------------------------------------------------------------------------------
def test_adding_a_person_to_a_case_records_the_role_and_one_ledger_entry(case, lead, person):
    party = services.case_party_add(
        actor=lead, case=case, entity=person, role="suspect", note=" شوهد قرب المحل "
    )
    assert (party.entity_type, party.entity_id, party.role) == ("person", person.pk, "suspect")
    assert party.note == "شوهد قرب المحل" and party.added_by == lead
    payload = json.loads(Entry.objects.get(action="cases.party_added").payload)
    assert payload["type"] == "person" and payload["id"] == person.pk
    assert payload["role"] == "suspect" and payload["case"] == case.number


def test_removing_a_party_deletes_the_row_and_writes_one_ledger_entry(case, lead, person):
    party = services.case_party_add(actor=lead, case=case, entity=person, role="witness")
    services.case_party_remove(actor=lead, party=party)
    assert not CaseParty.objects.exists()
    assert entry_count("cases.party_removed") == 1
    assert json.loads(Entry.objects.get(action="cases.party_removed").payload)["role"] == "witness"


def test_the_same_entity_may_take_two_roles_but_not_the_same_role_twice(case, lead, person):
    services.case_party_add(actor=lead, case=case, entity=person, role="victim")
    services.case_party_add(actor=lead, case=case, entity=person, role="complainant")
    with pytest.raises(services.ValidationError):
        services.case_party_add(actor=lead, case=case, entity=person, role="victim")
    assert CaseParty.objects.count() == 2 and entry_count("cases.party_added") == 2


def test_an_unknown_role_is_refused_and_nothing_is_written(case, lead, person):
    with pytest.raises(services.ValidationError):
        services.case_party_add(actor=lead, case=case, entity=person, role="mastermind")
    assert not CaseParty.objects.exists() and entry_count("cases.party_added") == 0


def test_an_entity_the_actor_may_not_see_is_refused(tree, case, lead):
    foreign = parties.person_create(actor=SYSTEM, unit=tree["BGD-MANSOUR"], given_name_ar="مجهول")
    with pytest.raises(access.Denied):
        services.case_party_add(actor=lead, case=case, entity=foreign, role="suspect")
    assert not CaseParty.objects.exists() and entry_count("cases.party_added") == 0


def test_a_user_who_cannot_manage_the_case_is_refused(case, person, make_user):
    colleague = make_user("colleague", role="investigator", at="BGD-KARADA")
    assert access.can(colleague, "view", case) and not access.can(colleague, "manage", case)
    with pytest.raises(access.Denied):
        services.case_party_add(actor=colleague, case=case, entity=person, role="witness")
    party = services.case_party_add(actor=SYSTEM, case=case, entity=person, role="witness")
    with pytest.raises(access.Denied):
        services.case_party_remove(actor=colleague, party=party)
    assert CaseParty.objects.count() == 1


def test_a_closed_case_refuses_parties_in_both_directions(case, lead, person):
    party = services.case_party_add(actor=lead, case=case, entity=person, role="witness")
    services.case_transition(actor=lead, case=case, step="close", version=case.version)
    with pytest.raises(services.ValidationError):
        services.case_party_add(actor=lead, case=case, entity=person, role="suspect")
    with pytest.raises(services.ValidationError):
        services.case_party_remove(actor=lead, party=party)
    assert list(CaseParty.objects.values_list("role", flat=True)) == ["witness"]


# --- Pages --------------------------------------------------------------------------------------------
def test_the_case_page_lists_parties_and_adds_one_through_the_form(case, lead, person, client_for):
    client = client_for(lead)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert reverse("parties:pick") in page  # the search-as-you-type picker
    picked = client.get(reverse("parties:pick"), {"q": "كريم", "field": "entity"})
    assert f'name="entity" value="person:{person.pk}"' in picked.content.decode()
    response = client.post(
        reverse("cases:party_add", args=[case.number]),
        {"entity": f"person:{person.pk}", "role": "suspect", "note": ""},
    )
    assert response.status_code == 302
    assert CaseParty.objects.get().role == "suspect"
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert person.get_absolute_url() in page
    assert reverse("cases:party_remove", args=[case.number, CaseParty.objects.get().pk]) in page


def test_the_form_does_not_offer_or_accept_an_entity_the_user_may_not_see(
    tree, case, lead, client_for
):
    foreign = parties.person_create(actor=SYSTEM, unit=tree["BGD-MANSOUR"], given_name_ar="مجهول")
    client = client_for(lead)
    picked = client.get(reverse("parties:pick"), {"q": "مجهول"}).content.decode()
    assert f"person:{foreign.pk}" not in picked
    response = client.post(
        reverse("cases:party_add", args=[case.number]),
        {"entity": f"person:{foreign.pk}", "role": "suspect"},
    )
    assert response.status_code == 200 and response.context["form"].errors["entity"]
    assert not CaseParty.objects.exists()


def test_adding_through_a_case_the_user_cannot_manage_answers_404(
    case, person, make_user, client_for
):
    colleague = make_user("colleague", role="investigator", at="BGD-KARADA")
    client = client_for(colleague)
    response = client.post(
        reverse("cases:party_add", args=[case.number]),
        {"entity": f"person:{person.pk}", "role": "suspect"},
    )
    assert response.status_code == 404
    party = services.case_party_add(actor=SYSTEM, case=case, entity=person, role="witness")
    response = client.post(reverse("cases:party_remove", args=[case.number, party.pk]))
    assert response.status_code == 404
    assert CaseParty.objects.count() == 1 and entry_count("cases.party_removed") == 0


# --- Other cases (IN-7) -------------------------------------------------------------------------------
def _hidden_block(html: str) -> str:
    found = re.search(r'data-testid="hidden-cases">(.*?)</ul>', html, re.S)
    return found.group(1) if found else ""


def test_the_person_page_shows_visible_cases_and_only_counts_the_others(
    tree, case, lead, person, mansour_case, make_user, client_for
):
    services.case_party_add(actor=lead, case=case, entity=person, role="suspect")
    services.case_party_add(actor=SYSTEM, case=mansour_case, entity=person, role="witness")
    viewer = make_user("viewer.karada", role="investigator", at="BGD-KARADA")

    seen = selectors.appearances(viewer, person)
    assert [p.case_id for p in seen.visible] == [case.pk]
    assert seen.hidden_count == 1
    assert [u.code for u in seen.hidden_units] == ["BGD-MANSOUR"]

    html = client_for(viewer).get(person.get_absolute_url()).content.decode()
    assert case.number in html
    assert mansour_case.number not in html and mansour_case.title not in html
    block = _hidden_block(html)
    assert str(tree["BGD-MANSOUR"]) in block and "1" in block
    assert str(tree["BGD-KARADA"]) not in block


def test_the_count_never_includes_cases_the_user_can_see(
    tree, person, mansour_case, make_user, client_for
):
    services.case_party_add(actor=SYSTEM, case=mansour_case, entity=person, role="victim")
    regional = make_user("viewer.bgd", role="investigator", at="BGD-POL")  # sees both stations
    seen = selectors.appearances(regional, person)
    assert [p.case_id for p in seen.visible] == [mansour_case.pk]
    assert seen.hidden_count == 0 and seen.hidden_units == []
    html = client_for(regional).get(person.get_absolute_url()).content.decode()
    assert mansour_case.number in html and 'data-testid="hidden-cases"' not in html


def test_a_compartmented_case_out_of_reach_is_not_even_counted(tree, person, make_user):
    secret = Compartment.objects.create(code="SECRET-OP", name_ar="عملية")
    boss = make_user("lead.secret", unit="BGD-MANSOUR", role="investigator")
    Clearance.objects.create(user=boss, compartment=secret)
    hidden = services.case_create(
        actor=SYSTEM, unit=tree["BGD-MANSOUR"], title="س", lead=boss, compartment=secret
    )
    services.case_party_add(actor=SYSTEM, case=hidden, entity=person, role="suspect")
    viewer = make_user("viewer.karada", role="investigator", at="BGD-KARADA")
    seen = selectors.appearances(viewer, person)
    assert seen.visible == [] and seen.hidden_count == 0


def test_a_phone_page_shows_the_cases_of_the_phone(tree, case, lead, mansour_case, client_for):
    phone = parties.entity_create(
        actor=SYSTEM, entity_type="phone", unit=tree["BGD-KARADA"], number="07701234567"
    )
    services.case_party_add(actor=lead, case=case, entity=phone, role="other")
    services.case_party_add(actor=SYSTEM, case=mansour_case, entity=phone, role="other")
    html = client_for(lead).get(phone.get_absolute_url()).content.decode()
    assert case.number in html and mansour_case.number not in html
    assert str(tree["BGD-MANSOUR"]) in _hidden_block(html)


# --- Who may work on a case; entities seen through cases -------------------------------------------
def test_an_investigator_member_works_on_the_file_but_an_observer_only_reads(
    case, lead, person, make_user
):
    worker = make_user("worker", role="investigator", at="BGD-MANSOUR")
    observer = make_user("observer", role="investigator", at="BGD-MANSOUR")
    services.member_add(actor=lead, case=case, user=worker, role="investigator")
    services.member_add(actor=lead, case=case, user=observer, role="observer")
    assert access.can(worker, "work", case) and not access.can(worker, "manage", case)
    services.offence_add(actor=worker, case=case, code="0101", stage="completed")
    assert access.can(observer, "view", case) and not access.can(observer, "work", case)
    with pytest.raises(access.Denied):
        services.offence_add(actor=observer, case=case, code="0101", stage="attempted")
    assert case.offences.count() == 1 and entry_count("cases.offence_added") == 1


def test_an_entity_of_another_unit_opens_once_it_takes_part_in_a_case_the_reader_sees(
    tree, case, lead, client_for
):
    foreign = parties.person_create(actor=SYSTEM, unit=tree["BGD-MANSOUR"], given_name_ar="وافد")
    assert client_for(lead).get(foreign.get_absolute_url()).status_code == 404
    services.case_party_add(actor=SYSTEM, case=case, entity=foreign, role="suspect")
    assert client_for(lead).get(foreign.get_absolute_url()).status_code == 200
    # By the case's id only: whoever asks why may not see the case.
    assert any(f"#{case.pk}" in r for r in access.explain(lead, "view", foreign))


def test_an_informant_is_never_opened_or_shown_through_a_case(tree, case, lead, client_for):
    source = parties.person_create(actor=SYSTEM, unit=tree["BGD-MANSOUR"], given_name_ar="زاهر")
    services.case_party_add(actor=SYSTEM, case=case, entity=source, role="informant")
    assert client_for(lead).get(source.get_absolute_url()).status_code == 404
    html = client_for(lead).get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "زاهر" not in html and selectors.case_parties(lead, case) == []
    assert selectors.hidden_informants(lead, case) == 1
    cleared = Compartment.objects.get_or_create(code="informants", defaults={"name_ar": "م"})[0]
    Clearance.objects.create(user=lead, compartment=cleared)
    access.forget(lead)
    assert [p.party.role for p in selectors.case_parties(lead, case)] == ["informant"]


def test_the_api_codes_an_offence_and_adds_a_party_and_refuses_bad_input(
    case, lead, person, client_for
):
    client = client_for(lead)
    url = f"/api/v1/cases/{case.number}/"
    made = client.post(
        url + "offences/",
        {"iccs": "060111", "stage": "completed", "governorate": "IQ-BA"},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["iccs"] == "060111" and made.json()["governorate"] == "IQ-BA"
    bad = client.post(
        url + "offences/", {"iccs": "999999", "stage": "completed"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "ICCS" in bad.content.decode()
    assert case.offences.count() == 1

    added = client.post(
        url + "parties/",
        {"type": "person", "id": person.pk, "role": "suspect"},
        content_type="application/json",
    )
    assert added.status_code == 201, added.content
    assert client.get(url + "parties/").json()[0] == {**added.json()}
    twice = client.post(
        url + "parties/",
        {"type": "person", "id": person.pk, "role": "suspect"},
        content_type="application/json",
    )
    assert twice.status_code == 400 and CaseParty.objects.count() == 1
    assert entry_count("cases.party_added") == 1 and entry_count("cases.offence_added") == 1


def test_an_informant_row_is_404_by_number_and_cannot_be_added_or_removed_uncleared(
    tree, case, lead, client_for, make_user
):
    source = parties.person_create(actor=SYSTEM, unit=tree["BGD-KARADA"], given_name_ar="ثامر")
    row = services.case_party_add(actor=SYSTEM, case=case, entity=source, role="informant")
    client = client_for(lead)
    extract = f"/documents/ledger-extract/cases.caseparty/{row.pk}/"
    assert client.get(extract).status_code == 404
    removal = reverse("cases:party_remove", args=[case.number, row.pk])
    assert client.post(removal).status_code == 404
    assert CaseParty.objects.filter(pk=row.pk).exists()
    # Nor can an uncleared user record one (nor test whether someone already is one).
    other = parties.person_create(actor=SYSTEM, unit=tree["BGD-KARADA"], given_name_ar="نزار")
    for who in (source, other):
        with pytest.raises(services.ValidationError) as refused:
            services.case_party_add(actor=lead, case=case, entity=who, role="informant")
        assert "role" in refused.value.message_dict
    form_roles = dict(
        client.get(reverse("cases:party_add", args=[case.number]))
        .context["form"]
        .fields["role"]
        .choices
    )
    assert "informant" not in form_roles and "suspect" in form_roles
    # An informant's part is not even counted as "a case outside your access".
    seen = selectors.appearances(lead, source)
    assert seen.visible == [] and seen.hidden_count == 0 and seen.hidden_units == []
    cleared = Compartment.objects.get_or_create(code="informants", defaults={"name_ar": "م"})[0]
    Clearance.objects.create(user=lead, compartment=cleared)
    access.forget(lead)
    assert client.get(extract).status_code == 200
    services.case_party_add(actor=lead, case=case, entity=other, role="informant")
    assert entry_count("cases.party_added") == 2
