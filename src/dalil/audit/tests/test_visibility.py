"""`dalil.audit.visibility`: what a reader may read of a ledger entry (issue #9 §2).

The home page's "recent activity" once named every record a user had been refused: an investigator
of one station read other stations' persons' names by requesting /parties/persons/1/, /2/, /3/.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dalil.access.models import Clearance, Compartment
from dalil.audit import selectors, visibility
from dalil.audit.models import Entry
from dalil.parties import services as parties

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def persons(tree, operator):
    return [
        parties.person_create(
            actor=operator,
            unit=tree["BGD-MANSOUR"],
            given_name_ar=name,
            family_name_ar="الحلي",
        )
        for name in ("عباس", "زينب", "حيدر")
    ]


def test_a_refused_user_reads_type_and_id_not_the_names_of_what_was_refused(
    make_user, persons, client_for
):
    investigator = make_user("investigator.karada", role="investigator")
    client = client_for(investigator)
    for person in persons:
        assert client.get(person.get_absolute_url()).status_code == 404
    home = client.get(reverse("ui:home"))
    body = home.content.decode()
    for person in persons:
        assert person.given_name_ar not in body
        assert f"parties.person #{person.pk}" in body
    refused = [e for e in home.context["activity"] if e.action == "access.denied"]
    assert len(refused) == 3
    assert all(e.label_withheld and e.target_label == "" and e.payload == "{}" for e in refused)
    # The rows themselves are untouched: the ledger still verifies and keeps the names.
    stored = Entry.objects.filter(action="access.denied", actor_id=investigator.pk)
    assert {e.target_label for e in stored} == {str(p) for p in persons}


def test_a_user_reads_the_labels_of_what_they_may_see(make_user, tree, client_for):
    investigator = make_user("investigator.karada", role="investigator")
    own = parties.person_create(actor=investigator, unit=tree["BGD-KARADA"], given_name_ar="سلمان")
    [entry] = Entry.objects.filter(action="parties.person_created")
    assert visibility.decide(investigator, entry) == visibility.SHOWN
    body = client_for(investigator).get(reverse("ui:home")).content.decode()
    assert own.given_name_ar in body


def test_the_three_decisions(make_user, tree, persons):
    from dalil.cases import services as cases

    ia = Compartment.objects.get(code="internal_affairs")
    lead = make_user("lead.karada", role="investigator")
    Clearance.objects.create(user=lead, compartment=ia)
    secret = cases.case_create(
        actor=lead, unit=tree["BGD-KARADA"], title="سري", lead=lead, compartment=ia
    )
    opened = Entry.objects.get(action="cases.case_opened", target_id=str(secret.pk))
    person_entry = Entry.objects.get(action="parties.person_created", target_id=str(persons[0].pk))
    auditor = make_user("auditor.moi", unit="MOI", role="auditor")
    outsider = make_user("officer.mansour", unit="BGD-MANSOUR", role="investigator")
    assert visibility.decide(auditor, opened) == visibility.HIDDEN
    assert visibility.decide(outsider, opened) == visibility.HIDDEN
    assert visibility.decide(lead, opened) == visibility.SHOWN
    # A ledger reader reads the labels of every record they are cleared for; anyone else only
    # of the records they may see.
    assert visibility.decide(auditor, person_entry) == visibility.SHOWN
    assert visibility.decide(lead, person_entry) == visibility.WITHHELD
    assert visibility.decide(outsider, person_entry) == visibility.SHOWN
    assert not Entry.objects.filter(visibility.hidden_q(lead)).filter(seq=opened.seq).exists()
    assert Entry.objects.filter(visibility.hidden_q(auditor)).filter(seq=opened.seq).exists()


def test_a_file_follows_its_compartmented_document_in_the_ledger(make_user, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dalil.cases import services as cases
    from dalil.casework import services as casework

    ia = Compartment.objects.get(code="internal_affairs")
    lead = make_user("lead.karada", role="investigator")
    Clearance.objects.create(user=lead, compartment=ia)
    secret = cases.case_create(
        actor=lead, unit=tree["BGD-KARADA"], title="سري", lead=lead, compartment=ia
    )
    casework.document_add(
        actor=lead,
        case=secret,
        title="محضر",
        kind="report",
        upload=SimpleUploadedFile("informant-abbas.txt", b"text", content_type="text/plain"),
    )
    [uploaded] = Entry.objects.filter(action="core.file_uploaded")
    assert uploaded.target_label == "informant-abbas.txt"
    auditor = make_user("auditor.moi", unit="MOI", role="auditor")
    assert not selectors.entry_list(auditor).filter(seq=uploaded.seq).exists()
    Clearance.objects.create(user=auditor, compartment=ia)
    auditor = type(auditor).objects.get(pk=auditor.pk)
    assert selectors.entry_list(auditor).filter(seq=uploaded.seq).exists()


def test_the_ledger_api_applies_the_same_rule(make_user, tree, client_for):
    from dalil.api import services as api

    ia = Compartment.objects.get(code="internal_affairs")
    lead = make_user("lead.karada", role="investigator")
    Clearance.objects.create(user=lead, compartment=ia)
    from dalil.cases import services as cases

    secret = cases.case_create(
        actor=lead, unit=tree["BGD-KARADA"], title="سري", lead=lead, compartment=ia
    )
    auditor = make_user("auditor.moi", unit="MOI", role="auditor")
    auditor.is_verified = lambda: True
    _token, secret_key = api.token_create(actor=auditor, name="t", days=1)
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret_key}")
    listed = client.get("/api/v1/ledger/", {"target_type": "cases.case"}).json()["results"]
    assert str(secret.pk) not in {e["target_id"] for e in listed}
    opened = Entry.objects.get(action="cases.case_opened", target_id=str(secret.pk))
    assert client.get(f"/api/v1/ledger/{opened.seq}/").status_code == 404
