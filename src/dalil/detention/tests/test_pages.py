"""The detainee register's pages and API: scope (404 outside it), the register sorted by the
nearest deadline, Baghdad display of UTC storage, the case panel, the statement page that shows
only that a referral exists, and the referral pages for internal affairs with the clearance."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dalil.audit.models import Entry
from dalil.cases import contributions as contrib
from dalil.cases import services as case_services
from dalil.detention import services
from dalil.detention.demo import png
from dalil.detention.models import Detainee, IntegrityReferral, Statement
from dalil.search import query as search

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


def _numbers_in(html: str) -> list[str]:
    return re.findall(r"D-BGD-KARADA-\d{4}-\d{5}", html)


def _referred(arrest, lead):
    d = arrest()
    services.injury_record(
        actor=lead,
        detainee=d,
        noted_at=timezone.now() - H,
        noted_by="المسعف",
        description="كدمة",
        body_location="الظهر",
        photo=SimpleUploadedFile("i.png", png(), "image/png"),
    )
    statement = services.statement_record(
        actor=lead,
        detainee=d,
        kind="confession",
        taken_at=timezone.now() - H / 2,
        taken_by="النقيب حيدر",
        summary="أقر المتهم بالتهمة.",
    )
    return d, statement, IntegrityReferral.objects.get(statement=statement)


# --- The register ------------------------------------------------------------------------------
@pytest.mark.usefixtures("operator")
def test_the_register_lists_the_nearest_deadline_first(
    arrest, order, lead, client_for, make_user, tree
):
    from dalil.audit.ledger import System
    from dalil.parties import services as parties

    now = timezone.now()

    def someone(name):
        return parties.person_create(
            actor=System("test"), unit=tree["BGD-KARADA"], given_name_ar=name
        )

    far = arrest(person=someone("بعيد"), now=now)  # first order due in 22 hours
    order(far, far.arrested_at + H, 15)  # …then its order ends in 15 days
    near = arrest(person=someone("قريب"), arrested_at=now - 20 * H, now=now)  # due in 4 hours
    passed = arrest(person=someone("فائت"), arrested_at=now - 30 * H, now=now)  # held 6 h too long
    gone = arrest(person=someone("مفرج"), now=now)
    services.release_record(actor=lead, detainee=gone, released_at=now, basis="bail")
    client = client_for(lead)
    page = client.get("/detention/").content.decode()
    assert _numbers_in(page) == [passed.number, near.number, far.number]
    everyone = client.get("/detention/?state=all").content.decode()
    assert _numbers_in(everyone) == [passed.number, near.number, far.number, gone.number]
    assert _numbers_in(client.get("/detention/?state=released").content.decode()) == [gone.number]
    breached = client.get("/detention/?breached=true").content.decode()
    assert _numbers_in(breached) == [passed.number]
    soon = client.get("/detention/?due_within=1").content.decode()
    assert _numbers_in(soon) == [passed.number, near.number]
    karada = client.get(f"/detention/?unit={tree['BGD-KARADA'].pk}").content.decode()
    assert _numbers_in(karada) == [passed.number, near.number, far.number]
    assert "table-danger" in page and "Breached" in page


def test_pages_of_a_detainee_outside_the_readers_scope_are_404(arrest, make_user, client_for):
    d = arrest()
    outsider = make_user("inv.mansour", unit="BGD-MANSOUR", role="investigator")
    client = client_for(outsider)
    before = Entry.objects.filter(action="access.denied").count()
    assert client.get(f"/detention/{d.pk}/").status_code == 404
    assert client.get(f"/detention/{d.pk}/orders/add/").status_code == 404
    assert client.get(f"/api/v1/detainees/{d.pk}/").status_code == 404
    assert d.number not in client.get("/detention/").content.decode()
    assert d.number not in client.get("/api/v1/detainees/").content.decode()
    assert Entry.objects.filter(action="access.denied").count() == before + 3


def test_a_reader_of_the_case_sees_the_detainee_but_may_not_record(arrest, make_user, client_for):
    d = arrest()
    analyst = make_user("an.karada", role="analyst", at="BGD-KARADA")
    client = client_for(analyst)
    page = client.get(f"/detention/{d.pk}/")
    assert page.status_code == 200 and d.number in page.content.decode()
    assert f"/detention/{d.pk}/orders/add/" not in page.content.decode()
    assert client.get(f"/detention/{d.pk}/orders/add/").status_code == 404
    assert client.post(f"/detention/{d.pk}/release/", {}).status_code == 404


@time_machine.travel(dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC), tick=False)
def test_times_are_typed_and_shown_in_baghdad_time_and_stored_in_utc(
    case, lead, person, client_for
):
    client = client_for(lead)
    response = client.post(
        f"/detention/arrest/{case.number}/",
        {
            "person": f"person:{person.pk}",
            "arrested_at": "2026-03-10T01:00",  # Baghdad: 9 March 22:00 UTC
            "arrest_place": "الكرادة",
            "arresting_unit": case.unit.pk,
            "place_of_detention": "الموقف",
            "penalty": "years",
            "penalty_years": "10",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    d = Detainee.objects.get()
    stored = Detainee.objects.values_list("arrested_at", flat=True).get()
    assert stored == dt.datetime(2026, 3, 9, 22, 0, tzinfo=dt.UTC)
    assert d.registered_at == dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    page = client.get(response["Location"]).content.decode()
    assert 'datetime="2026-03-10T01:00:00+03:00"' in page  # the arrest
    # The first order is due 24 hours later: 11 March 01:00 Baghdad.
    assert 'datetime="2026-03-11T01:00:00+03:00"' in page
    # An order typed in Baghdad time starts at that instant.
    response = client.post(
        f"/detention/{d.pk}/orders/add/",
        {
            "starts_at": "2026-03-10T10:00",
            "days": "15",
            "order_number": "101/ت",
            "judge_name": "القاضي",
            "court": "محكمة تحقيق الكرادة",
            "issued_on": "2026-03-10",
        },
    )
    assert response.status_code == 302
    o = d.orders.get()
    assert o.starts_at == dt.datetime(2026, 3, 10, 7, 0, tzinfo=dt.UTC)
    assert o.ends_at == dt.datetime(2026, 3, 25, 7, 0, tzinfo=dt.UTC)


def test_a_refused_order_is_explained_on_the_page_and_nothing_is_written(arrest, lead, client_for):
    d = arrest()
    start = timezone.localtime(d.arrested_at + H).strftime("%Y-%m-%dT%H:%M")
    before = Entry.objects.count()
    response = client_for(lead).post(
        f"/detention/{d.pk}/orders/add/",
        {
            "starts_at": start,
            "days": "20",
            "order_number": "1",
            "judge_name": "القاضي",
            "court": "المحكمة",
            "issued_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "at most 15 days; this one lasts 20 days" in response.content.decode()
    assert not d.orders.exists() and Entry.objects.count() == before


def test_the_case_page_shows_the_detainees_and_the_arrest_link(
    arrest, case, lead, client_for, make_user
):
    d = arrest()
    page = client_for(lead).get(f"/cases/{case.number}/").content.decode()
    assert d.number in page and f"/detention/arrest/{case.number}/" in page
    analyst = make_user("an.karada", role="analyst", at="BGD-KARADA")
    seen = client_for(analyst).get(f"/cases/{case.number}/").content.decode()
    assert d.number in seen and f"/detention/arrest/{case.number}/" not in seen
    case_services.case_transition(actor=lead, case=case, step="close", version=case.version)
    closed = client_for(lead).get(f"/cases/{case.number}/").content.decode()
    assert f"/detention/arrest/{case.number}/" not in closed
    assert client_for(lead).get(f"/detention/arrest/{case.number}/").status_code == 302


def test_the_timeline_and_the_dossier_carry_the_detention(arrest, order, lead, case):
    d = arrest()
    order(d, d.arrested_at + H, 5)
    services.statement_record(
        actor=lead,
        detainee=d,
        kind="statement",
        taken_at=timezone.now() - H / 2,
        taken_by="النقيب حيدر",
        summary="إفادة",
    )
    kinds = [str(e.kind) for e in contrib.timeline(lead, case)]
    assert {"Arrest", "Registration", "Detention order", "Statement"} <= set(kinds)
    sections = {str(s.title): s for s in contrib.dossier_sections(lead, case)}
    statements = sections["Statements of detainees"]
    assert statements.rows[0][1:3] == ["Statement", "النقيب حيدر"]
    assert "ت/1" in sections["Detainees and detention orders"].rows[0][2]
    from dalil.accounts.models import User

    stranger = User.objects.create(username="nobody", full_name="x", unit=case.unit)
    assert list(contrib.timeline(stranger, case)) == []
    titles = {str(s.title) for s in contrib.dossier_sections(stranger, case)}
    assert not titles & {"Statements of detainees", "Detainees and detention orders"}


# --- Photos and documents ----------------------------------------------------------------------
def test_an_intake_photo_is_downloaded_through_the_detainee(arrest, lead, client_for, make_user):
    d, _statement, _referral = _referred(arrest, lead)
    injury = d.injuries.get()
    url = f"/detention/{d.pk}/injuries/{injury.pk}/photo/"
    response = client_for(lead).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == png()
    assert response["Content-Type"] == "application/octet-stream"
    assert Entry.objects.filter(action="core.file_downloaded").count() == 1
    outsider = make_user("inv.mansour", unit="BGD-MANSOUR", role="investigator")
    assert client_for(outsider).get(url).status_code == 404


# --- Referrals ---------------------------------------------------------------------------------
def test_the_statement_page_says_only_that_a_referral_exists(arrest, lead, client_for):
    d, statement, referral = _referred(arrest, lead)
    page = client_for(lead).get(f"/detention/statements/{statement.pk}/").content.decode()
    assert "An integrity referral to internal affairs exists" in page
    assert referral.number not in page and "/detention/referrals/" not in page
    detail = client_for(lead).get(f"/detention/{d.pk}/").content.decode()
    assert "Referred to internal affairs" in detail and referral.number not in detail


def test_a_statement_without_referral_says_nothing_of_it(arrest, lead, client_for):
    d = arrest()
    statement = services.statement_record(
        actor=lead,
        detainee=d,
        kind="statement",
        taken_at=timezone.now() - H,
        taken_by="x",
        summary="y",
    )
    page = client_for(lead).get(f"/detention/statements/{statement.pk}/").content.decode()
    assert "integrity referral" not in page.lower()


def test_the_referral_is_404_unlisted_and_unfound_without_the_compartment(
    arrest, lead, client_for, make_user, ia_user
):
    _d, _statement, referral = _referred(arrest, lead)
    uncleared = make_user("ia.plain", unit="MOI-IA", role="ia_investigator", at="MOI-IA")
    commander = make_user("cmd.moi", unit="MOI", role="commander", at="MOI")
    for user in (lead, uncleared, commander):
        client = client_for(user)
        assert client.get(f"/detention/referrals/{referral.pk}/").status_code == 404
        listing = client.get("/detention/referrals/")
        assert listing.status_code in (200, 404)
        assert referral.number not in listing.content.decode()
        found = search.run(user, search.validate(referral.number))
        assert not any(g.source.key == "detention.integrityreferral" for g in found.groups)
        results = client.get("/search/", {"q": referral.number}).content.decode()
        assert f"/detention/referrals/{referral.pk}/" not in results
    # With the clearance: listed, found, opened (and the opening is on the ledger).
    client = client_for(ia_user)
    assert referral.number in client.get("/detention/referrals/").content.decode()
    found = search.run(ia_user, search.validate(referral.number))
    assert any(g.source.key == "detention.integrityreferral" for g in found.groups)
    results = client.get("/search/", {"q": referral.number}).content.decode()
    assert f"/detention/referrals/{referral.pk}/" in results
    page = client.get(f"/detention/referrals/{referral.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "أقر المتهم بالتهمة." in text and "حسين فاضل الدليمي" in text
    assert Entry.objects.filter(action="detention.referral_opened").count() == 1
    photo = referral.injuries.get().photo
    download = client.get(f"/detention/referrals/{referral.pk}/files/{photo.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == png()
    assert client.get(f"/detention/referrals/{referral.pk}/files/99999/").status_code == 404


# --- The API -----------------------------------------------------------------------------------
def _api(user):
    from django.test import Client

    from dalil.api import services as api_services

    user.is_verified = lambda: True
    _token, secret = api_services.token_create(actor=user, name="test")
    del user.is_verified
    return Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_api_lists_detainees_with_their_deadlines_and_records_an_order(arrest, lead):
    d = arrest()
    client = _api(lead)
    listed = client.get("/api/v1/detainees/").json()
    row = listed["results"][0] if "results" in listed else listed[0]
    assert row["number"] == d.number and row["person_name"] == "حسين فاضل الدليمي"
    assert row["deadlines"]["nearest"]["kind"] == "first_order"
    body = {
        "starts_at": (d.arrested_at + H).isoformat(),
        "days": 20,
        "order_number": "1/ت",
        "judge_name": "القاضي",
        "court": "المحكمة",
        "issued_on": timezone.localdate().isoformat(),
    }
    refused = client.post(
        f"/api/v1/detainees/{d.pk}/orders/", json.dumps(body), content_type="application/json"
    )
    assert refused.status_code == 400
    problem = refused.json()
    assert "at most 15 days" in problem["errors"]["days"][0]
    assert not d.orders.exists()
    body["days"] = 15
    created = client.post(
        f"/api/v1/detainees/{d.pk}/orders/", json.dumps(body), content_type="application/json"
    )
    assert created.status_code == 201 and created.json()["kind"] == "detention"
    detail = client.get(f"/api/v1/detainees/{d.pk}/").json()
    assert detail["deadlines"]["nearest"]["kind"] == "order_expiry"
    assert len(detail["orders"]) == 1


def test_the_api_records_the_criminal_courts_permission_for_a_period(arrest, lead):
    from dalil.detention import clock, selectors

    d = arrest()
    client = _api(lead)
    url = f"/api/v1/detainees/{d.pk}/court-permissions/"
    six = clock.six_months_point(selectors.arrest_of(d))
    body = {
        "court": "محكمة جنايات الرصافة",
        "decision_number": "ج/3",
        "decided_on": timezone.localdate().isoformat(),
        "permitted_until": (six - H).isoformat(),
    }
    refused = client.post(url, json.dumps(body), content_type="application/json")
    assert refused.status_code == 400
    assert "beyond six months" in refused.json()["errors"]["permitted_until"][0]
    assert not d.court_permissions.exists()
    body["permitted_until"] = clock.add_days(six, 30).isoformat()
    created = client.post(url, json.dumps(body), content_type="application/json")
    assert created.status_code == 201 and created.json()["decision_number"] == "ج/3"
    detail = client.get(f"/api/v1/detainees/{d.pk}/").json()
    assert detail["court_permissions"][0]["id"] == created.json()["id"]
    assert detail["deadlines"]["court_permitted_until"] is not None


def test_the_api_hides_a_person_the_caller_may_not_see(arrest, make_user, case, lead):
    d = arrest()
    observer = make_user("obs", unit="BGD-MANSOUR")
    case_services.member_add(actor=lead, case=case, user=observer, role="observer")
    row = _api(observer).get(f"/api/v1/detainees/{d.pk}/").json()
    assert row["number"] == d.number and row["person_name"] is None


def test_statements_are_seen_through_their_case(arrest, lead, make_user, client_for):
    d = arrest()
    statement = services.statement_record(
        actor=lead,
        detainee=d,
        kind="statement",
        taken_at=timezone.now() - H,
        taken_by="x",
        summary="y",
        document=SimpleUploadedFile("s.txt", b"text", "text/plain"),
    )
    outsider = make_user("inv.mansour", unit="BGD-MANSOUR", role="investigator")
    assert client_for(outsider).get(f"/detention/statements/{statement.pk}/").status_code == 404
    doc = client_for(lead).get(f"/detention/statements/{statement.pk}/document/")
    assert doc.status_code == 200 and b"".join(doc.streaming_content) == b"text"
    assert Statement.objects.get().document.original_name == "s.txt"


def test_the_ledger_hides_referral_entries_from_an_auditor_without_the_clearance(
    arrest, lead, make_user
):
    from dalil import access
    from dalil.access.models import Clearance, Compartment
    from dalil.audit.selectors import entry_list

    _referred(arrest, lead)
    auditor = make_user("aud", unit="MOI", role="auditor", at="MOI")
    types = set(entry_list(auditor).values_list("target_type", flat=True))
    assert "detention.detainee" in types and "detention.integrityreferral" not in types
    Clearance.objects.create(
        user=auditor, compartment=Compartment.objects.get(code="internal_affairs")
    )
    access.forget(auditor)
    types = set(entry_list(auditor).values_list("target_type", flat=True))
    assert "detention.integrityreferral" in types


def test_break_glass_on_the_case_opens_its_detainees(arrest, make_user):
    from dalil import access

    d = arrest()
    commander = make_user("cmd.mansour", unit="BGD-MANSOUR", role="commander", at="BGD-MANSOUR")
    assert not access.can(commander, "view", d)
    access.break_glass_open(
        actor=commander, obj=d.case, reason="متابعة موقوف خارج الوحدة", minutes=30
    )
    access.forget(commander)
    assert access.can(commander, "view", d)


@pytest.mark.usefixtures("operator")
def test_the_arrest_form_offers_the_case_persons_and_refuses_a_forged_one(
    case, lead, person, client_for, tree
):
    from dalil.audit.ledger import System
    from dalil.parties import services as parties

    system = System("test")
    suspect_row = case_services.case_party_add(
        actor=system, case=case, entity=person, role="suspect"
    )
    source = parties.person_create(
        actor=system, unit=tree["BGD-KARADA"], given_name_ar="مصدر", family_name_ar="سري"
    )
    case_services.case_party_add(actor=system, case=case, entity=source, role="informant")
    elsewhere = parties.person_create(
        actor=system, unit=tree["BSR-POL"], given_name_ar="غريب", family_name_ar="البصري"
    )
    client = client_for(lead)
    url = f"/detention/arrest/{case.number}/"
    form = client.get(url).content.decode()
    # The suspect is offered before anything is typed; the confidential source is not.
    assert f'value="person:{suspect_row.entity_id}"' in form
    assert f'value="person:{source.pk}"' not in form and "مصدر" not in form
    data = {
        "arrested_at": timezone.localtime(timezone.now() - H).strftime("%Y-%m-%dT%H:%M"),
        "arrest_place": "الكرادة",
        "arresting_unit": case.unit.pk,
        "place_of_detention": "الموقف",
        "penalty": "years",
        "penalty_years": "10",
    }
    before = Entry.objects.count()
    unseen, malformed = "No such record, or you may not see it.", "Search for the record, then"
    for forged, message in (
        (f"person:{elsewhere.pk}", unseen),  # exists, out of scope: told as missing
        ("person:99999", unseen),
        ("vehicle:1", malformed),  # another kind than the field takes
        ("person:١٢", malformed),
    ):
        refused = client.post(url, {**data, "person": forged})
        assert refused.status_code == 200 and message in refused.content.decode(), forged
    assert not Detainee.objects.exists() and Entry.objects.count() == before
    done = client.post(url, {**data, "person": f"person:{person.pk}"})
    assert done.status_code == 302 and Detainee.objects.get().person == person


def test_a_transfer_from_a_page_opened_before_another_transfer_is_refused(arrest, lead, client_for):
    from dalil.detention.models import Transfer

    d = arrest()
    client = client_for(lead)
    url = f"/detention/{d.pk}/transfers/add/"
    form = client.get(url).content.decode()
    seen_place = re.search(r'name="seen_place" value="([^"]*)"', form).group(1)
    moved = timezone.localtime(timezone.now() - H).strftime("%Y-%m-%dT%H:%M")
    first = {"moved_at": moved, "to_place": "سجن الرصافة", "reason": "أمر القاضي"}
    # Two officers opened the page; the first one's transfer goes through.
    assert client.post(url, {**first, "seen_place": seen_place}).status_code == 302
    second = {**first, "to_place": "سجن الكرخ", "seen_place": seen_place}
    refused = client.post(url, second)
    assert refused.status_code == 200
    assert "moved or released meanwhile" in refused.content.decode()
    d.refresh_from_db()
    assert d.place_of_detention == "سجن الرصافة" and Transfer.objects.count() == 1


@pytest.mark.usefixtures("operator")
def test_the_register_reads_all_orders_in_one_query_however_many_detainees(
    arrest, order, lead, client_for, tree
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dalil.audit.ledger import System
    from dalil.parties import services as parties

    client = client_for(lead)
    client.get("/detention/")  # warm the session and caches

    def order_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/detention/").status_code == 200
        return sum('"detention_detentionorder"' in q["sql"] for q in ctx.captured_queries)

    counts = []
    for n in (1, 4):
        while Detainee.objects.count() < n:
            who = parties.person_create(
                actor=System("test"),
                unit=tree["BGD-KARADA"],
                given_name_ar=f"موقوف{Detainee.objects.count()}",
                family_name_ar="الاختبار",
            )
            d = arrest(person=who)
            order(d, d.arrested_at + H, 5)
        counts.append(order_queries())
    assert counts == [1, 1], counts


def test_the_api_records_a_transfer_from_where_the_caller_read_and_a_release(arrest, lead, tree):
    from dalil.detention.models import Transfer

    d = arrest()
    client = _api(lead)
    url = f"/api/v1/detainees/{d.pk}/"

    def post(path: str, body: dict) -> object:
        return client.post(url + path, json.dumps(body), content_type="application/json")

    moved = (timezone.now() - H).isoformat()
    body = {
        "moved_at": moved,
        "from_place": d.place_of_detention,
        "to_place": "سجن الرصافة",
        "to_unit": "BGD-POL",
        "reason": "أمر القاضي",
    }
    before = Entry.objects.count()
    for bad, field in (
        ({"to_unit": "NO-SUCH"}, "to_unit"),
        ({"from_place": "مكان قديم"}, "to_place"),  # read before a move: refused, named
        ({"reason": ""}, "reason"),
        ({"colour": "red"}, "colour"),
    ):
        refused = post("transfers/", {**body, **bad})
        assert refused.status_code == 400, refused.content
        assert field in refused.json()["errors"], (bad, refused.json())
    assert not Transfer.objects.exists() and Entry.objects.count() == before
    moved_ok = post("transfers/", body)
    assert moved_ok.status_code == 201
    assert moved_ok.json()["place_of_detention"] == "سجن الرصافة"
    assert moved_ok.json()["place_unit"] == "BGD-POL"
    again = post("transfers/", {**body, "to_place": "سجن الكرخ"})  # the same stale read
    assert again.status_code == 400 and Transfer.objects.count() == 1
    released = post("release/", {"released_at": timezone.now().isoformat(), "basis": "bail"})
    assert released.status_code == 200 and released.json()["release_basis"] == "bail"
    twice = post("release/", {"released_at": timezone.now().isoformat(), "basis": "acquittal"})
    assert twice.status_code == 400
    assert [e.action for e in Entry.objects.filter(seq__gt=0).order_by("-seq")[:2]] == [
        "detention.released",
        "detention.transferred",
    ]
