"""CO-8: the REST API. Tokens, the access door, problem details, pagination, writes through services."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from dalil.api import services
from dalil.api.models import ApiToken
from dalil.audit.models import Entry
from dalil.audit.testing import actions_since, last_seq

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def issue(user: Any, days: int = 90, name: str = "test") -> str:
    """A token as the "My API tokens" page makes it: the actor is a session that passed the second factor."""
    user.is_verified = lambda: True
    _token, secret = services.token_create(actor=user, name=name, days=days)
    return secret


def api(secret: str | None = None, **headers: Any) -> Client:
    if secret:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return Client(HTTP_HOST="127.0.0.1", **headers)


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:dalil:problem:")
    assert body["title"] and body["detail"]
    return body


@pytest.fixture
def admin(make_user):
    return make_user("admin.moi", unit="MOI", role="system_admin")


@pytest.fixture
def karada(make_user):
    """A commander of BGD-KARADA (and its subtree): sees KARADA, not its sibling BGD-MANSOUR."""
    return make_user("commander.karada", unit="BGD-KARADA", role="commander")


# --- Tokens -------------------------------------------------------------------------------------------
def test_a_token_created_on_my_tokens_page_is_shown_once_and_only_its_hash_is_stored(
    karada, client_for
):
    page = client_for(karada)
    since = last_seq()
    response = page.post(reverse("api:token_list"), {"name": "statistics export", "days": "30"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("dalil_") and len(secret) > 40
    assert secret in response.content.decode()
    token = ApiToken.objects.get(user=karada)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert (token.expires_at - token.created_at) == dt.timedelta(days=30)
    # The secret is nowhere in the database: not in the token table, not on the ledger.
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM api_apitoken")
        assert secret not in repr(cur.fetchall())
    assert secret not in repr(list(Entry.objects.values_list("payload", flat=True)))
    assert actions_since(since) == ["api.token_created"]
    # Shown once: the page does not show it again.
    assert secret not in page.get(reverse("api:token_list")).content.decode()
    # And it works.
    me = api(secret).get("/api/v1/me/")
    assert me.status_code == 200
    assert me.json()["username"] == "commander.karada"
    assert me.json()["roles"] == [
        {"role": "commander", "unit": "BGD-KARADA", "include_subtree": True, "approved": True}
    ]


def test_the_tokens_page_is_in_the_navigation_of_every_signed_in_user(make_user, client_for):
    nobody = make_user("no.roles")
    html = client_for(nobody).get(reverse("ui:home")).content.decode()
    assert reverse("api:token_list") in html


def test_a_token_stops_working_when_it_expires(karada):
    secret = issue(karada, days=7)
    assert api(secret).get("/api/v1/me/").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=7, seconds=1)):
        body = assert_problem(api(secret).get("/api/v1/me/"), 401)
    assert body["detail"] == translation.gettext(
        "This API token is not valid: it is unknown, expired or revoked."
    )


def test_a_revoked_token_gets_401_and_the_revocation_is_on_the_ledger(karada, client_for):
    secret = issue(karada)
    token = ApiToken.objects.get(user=karada)
    page = client_for(karada)
    confirm = page.get(reverse("api:token_revoke", args=[token.key_id]))
    assert confirm.status_code == 200 and token.key_id in confirm.content.decode()
    assert (
        api(secret).get("/api/v1/me/").status_code == 200
    )  # the confirmation page revokes nothing
    since = last_seq()
    assert page.post(reverse("api:token_revoke", args=[token.key_id])).status_code == 302
    assert actions_since(since) == ["api.token_revoked"]
    token.refresh_from_db()
    assert token.revoked_at is not None
    response = api(secret).get("/api/v1/me/")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_token_can_revoke_itself_through_the_api_but_not_create_tokens(karada):
    secret = issue(karada)
    token = ApiToken.objects.get(user=karada)
    since = last_seq()
    refused = api(secret).post(
        "/api/v1/tokens/", {"name": "another"}, content_type="application/json"
    )
    assert_problem(refused, 403)
    assert ApiToken.objects.filter(user=karada).count() == 1 and actions_since(since) == []
    listed = api(secret).get("/api/v1/tokens/").json()
    assert [t["id"] for t in listed["results"]] == [token.key_id]
    revoked = api(secret).post(f"/api/v1/tokens/{token.key_id}/revoke/")
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert actions_since(since) == ["api.token_revoked"]
    assert_problem(api(secret).get("/api/v1/tokens/"), 401)


def test_a_signed_in_session_creates_a_token_through_the_api_with_csrf(karada, client_for):
    from conftest import sign_in

    session = sign_in(Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True), karada)
    since = last_seq()
    refused = session.post("/api/v1/tokens/", {"name": "x"}, content_type="application/json")
    assert_problem(refused, 403)
    assert actions_since(since) == []
    page = session.get(reverse("api:docs"))
    assert page.status_code == 200
    csrf = page.context["csrf_token"]
    made = session.post(
        "/api/v1/tokens/",
        {"name": "x", "days": 365},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=str(csrf),
    )
    assert made.status_code == 201, made.content
    assert made.json()["secret"].startswith("dalil_")
    assert api(made.json()["secret"]).get("/api/v1/me/").status_code == 200
    too_long = session.post(
        "/api/v1/tokens/",
        {"name": "x", "days": 366},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=str(csrf),
    )
    assert "days" in assert_problem(too_long, 400)["errors"]
    assert actions_since(since) == ["api.token_created"]


def test_someone_elses_token_is_not_found(karada, make_user):
    other = make_user("other.karada", role="commander")
    issue(other)
    theirs = ApiToken.objects.get(user=other)
    mine = issue(karada)
    since = last_seq()
    assert_problem(api(mine).post(f"/api/v1/tokens/{theirs.key_id}/revoke/"), 404)
    assert actions_since(since) == ["access.denied"]
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert api(mine).get("/api/v1/tokens/").json()["count"] == 1


def test_unknown_and_malformed_credentials_get_a_401_problem(karada):
    assert_problem(api().get("/api/v1/units/"), 401)
    assert_problem(api("dalil_not-a-real-token").get("/api/v1/units/"), 401)
    assert_problem(api(HTTP_AUTHORIZATION="Bearer").get("/api/v1/units/"), 401)
    assert_problem(api(HTTP_AUTHORIZATION="Bearer a b").get("/api/v1/units/"), 401)


def test_a_token_of_a_deactivated_user_stops_working(karada, admin):
    from dalil.accounts import services as account_services

    secret = issue(karada)
    account_services.user_update(actor=admin, user=karada, is_active=False)
    assert_problem(api(secret).get("/api/v1/me/"), 401)


# --- The access door ----------------------------------------------------------------------------------
def test_a_karada_user_cannot_fetch_mansour_units_or_users(karada, make_user):
    make_user("officer.mansour", unit="BGD-MANSOUR")
    make_user("officer.karada", unit="BGD-KARADA")
    client = api(issue(karada))
    codes = [u["code"] for u in client.get("/api/v1/units/").json()["results"]]
    assert codes == ["BGD-KARADA"]
    users = [u["username"] for u in client.get("/api/v1/users/?page_size=200").json()["results"]]
    assert "officer.karada" in users and "officer.mansour" not in users
    assert client.get("/api/v1/units/BGD-KARADA/").status_code == 200
    for url in ["/api/v1/units/BGD-MANSOUR/", "/api/v1/users/officer.mansour/"]:
        since = last_seq()
        refused = assert_problem(client.get(url), 404)
        missing = assert_problem(
            client.get(url.replace("MANSOUR", "NOWHERE").replace("mansour", "nobody")), 404
        )
        assert {k: v for k, v in refused.items() if k != "instance"} == {
            k: v for k, v in missing.items() if k != "instance"
        }  # refused and missing look the same
        assert actions_since(since) == ["access.denied"]


def test_filters_narrow_the_lists(admin, make_user):
    make_user("officer.karada", unit="BGD-KARADA", full_name="حيدر علي")
    client = api(issue(admin))
    stations = client.get("/api/v1/units/?kind=station").json()
    assert {u["code"] for u in stations["results"]} == {"BGD-KARADA", "BGD-MANSOUR", "BSR-ASHAR"}
    basra = client.get("/api/v1/units/?governorate=IQ-BA").json()
    assert {u["code"] for u in basra["results"]} == {"BSR-POL", "BSR-ASHAR"}
    children = client.get("/api/v1/units/?parent=BGD-POL").json()
    assert {u["code"] for u in children["results"]} == {"BGD-KARADA", "BGD-MANSOUR"}
    assert [u["code"] for u in client.get("/api/v1/units/?q=ashar").json()["results"]] == [
        "BSR-ASHAR"
    ]
    by_name = client.get("/api/v1/users/", {"q": "حيدر"}).json()["results"]
    assert [u["username"] for u in by_name] == ["officer.karada"]
    in_moi = client.get("/api/v1/users/?unit=MOI").json()["results"]
    assert [u["username"] for u in in_moi] == ["admin.moi"]
    assert "kind" in assert_problem(client.get("/api/v1/units/?kind=castle"), 400)["errors"]


def test_the_ledger_endpoint_is_not_found_for_non_auditors(karada, admin):
    for user in (
        karada,
        admin,
    ):  # the system administrator administers; only auditors read the ledger
        client = api(issue(user))
        since = last_seq()
        assert_problem(client.get("/api/v1/ledger/"), 404)
        assert_problem(client.get(f"/api/v1/ledger/{since}/"), 404)
        assert actions_since(since) == ["access.denied", "access.denied"]


def test_reading_the_ledger_through_the_api_is_itself_on_the_ledger(make_user, karada):
    auditor = make_user("auditor.moi", unit="MOI", role="auditor")
    client = api(issue(auditor))
    since = last_seq()
    page = client.get("/api/v1/ledger/", {"action": "api.token_created", "page_size": 1})
    assert page.status_code == 200
    body = page.json()
    assert body["count"] == 1 and body["results"][0]["action"] == "api.token_created"
    assert body["results"][0]["actor"] == "auditor.moi"
    viewed = Entry.objects.filter(seq__gt=since).get()
    assert viewed.action == "audit.ledger_viewed" and viewed.actor_id == auditor.pk
    assert json.loads(viewed.payload) == {"action": "api.token_created"}
    one = client.get(f"/api/v1/ledger/{viewed.seq}/")
    assert one.status_code == 200 and one.json()["hash"] == viewed.hash
    by_time = client.get(
        "/api/v1/ledger/", {"since": (timezone.now() + dt.timedelta(hours=1)).isoformat()}
    )
    assert by_time.json()["count"] == 0
    assert "since" in assert_problem(client.get("/api/v1/ledger/?since=yesterday"), 400)["errors"]
    assert (
        Entry.objects.filter(seq__gt=since, action="audit.ledger_viewed").count() == 3
    )  # not the refused one


# --- Problem details ----------------------------------------------------------------------------------
def test_errors_are_problem_details_for_400_401_404_405_and_415(admin):
    client = api(issue(admin))
    assert_problem(api().get("/api/v1/units/"), 401)
    assert_problem(client.get("/api/v1/units/NOWHERE/"), 404)
    not_allowed = assert_problem(client.delete("/api/v1/units/BGD-KARADA/"), 405)
    assert "DELETE" in not_allowed["detail"]
    assert_problem(client.put("/api/v1/users/admin.moi/", {}, content_type="application/json"), 405)
    form = client.post("/api/v1/units/", {"parent": "MOI"})  # multipart, not JSON
    assert_problem(form, 415)
    bad = assert_problem(
        client.post("/api/v1/units/", "[1, 2]", content_type="application/json"), 400
    )
    assert bad["errors"]


def test_a_write_body_with_an_unknown_field_is_refused_and_nothing_is_written(admin, make_user):
    target = make_user("officer.karada")
    client = api(issue(admin))
    since = last_seq()
    response = client.patch(
        "/api/v1/users/officer.karada/",
        {"full_name": "اسم", "unit": "MOI", "is_admin": True},
        content_type="application/json",
    )
    body = assert_problem(response, 400)
    assert set(body["errors"]) == {"unit", "is_admin"}
    target.refresh_from_db()
    assert target.full_name != "اسم" and target.unit.code == "BGD-KARADA"
    wrong_type = client.patch(
        "/api/v1/users/officer.karada/", {"is_active": "perhaps"}, content_type="application/json"
    )
    assert "is_active" in assert_problem(wrong_type, 400)["errors"]
    created = client.post(
        "/api/v1/units/",
        {"parent": "BGD-POL", "code": "BGD-X", "kind": "station", "name_ar": "س", "path": "/MOI/"},
        content_type="application/json",
    )
    assert set(assert_problem(created, 400)["errors"]) == {"path"}
    assert actions_since(since) == []


def test_a_too_large_page_size_is_refused_not_clamped(admin):
    client = api(issue(admin))
    assert len(client.get("/api/v1/units/?page_size=200").json()["results"]) == 7
    for bad in ("201", "0", "-1", "ten"):
        body = assert_problem(client.get(f"/api/v1/units/?page_size={bad}"), 400)
        assert list(body["errors"]) == ["page_size"]
    assert client.get("/api/v1/units/?page_size=2").json()["next"].endswith("page=2&page_size=2")


def test_error_messages_are_in_arabic_with_accept_language_ar(admin):
    client = api(issue(admin), HTTP_ACCEPT_LANGUAGE="ar")
    body = assert_problem(client.get("/api/v1/units/?page_size=999"), 400)
    unauth = assert_problem(api(HTTP_ACCEPT_LANGUAGE="ar").get("/api/v1/units/"), 401)
    with translation.override("ar"):
        expected = translation.gettext("Choose a page size between 1 and %(max)d.") % {"max": 200}
        assert body["errors"]["page_size"] == [expected]
        assert body["title"] == translation.gettext("Your request is not valid.")
        assert unauth["detail"] == translation.gettext(
            "Send an API token in the header “Authorization: Bearer <token>”."
        )
    with translation.override("en"):
        english = assert_problem(
            api(issue(admin, name="b"), HTTP_ACCEPT_LANGUAGE="en").get(
                "/api/v1/units/?page_size=999"
            ),
            400,
        )
        assert english["errors"]["page_size"] == ["Choose a page size between 1 and 200."]


def test_without_accept_language_the_users_own_language_is_used(make_user):
    english = make_user("english.user", role="commander", language="en")
    body = assert_problem(api(issue(english)).get("/api/v1/units/?page_size=0"), 400)
    assert body["title"] == "Your request is not valid."


# --- Writes go through the services -------------------------------------------------------------------
def test_unit_create_under_a_managed_parent_is_one_ledger_entry(admin):
    client = api(issue(admin))
    since = last_seq()
    response = client.post(
        "/api/v1/units/",
        {
            "parent": "BGD-POL",
            "code": "BGD-ADHAMIYA",
            "kind": "station",
            "name_ar": "مركز شرطة الأعظمية",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["path"] == "/MOI/BGD-POL/BGD-ADHAMIYA/"
    assert response.json()["governorate"] == "IQ-BG"
    entries = list(Entry.objects.filter(seq__gt=since))
    assert [(e.action, e.source, e.actor_id) for e in entries] == [
        ("accounts.unit_created", "api", admin.pk)
    ]
    again = client.post(
        "/api/v1/units/",
        {"parent": "BGD-POL", "code": "BGD-ADHAMIYA", "kind": "station", "name_ar": "س"},
        content_type="application/json",
    )
    assert "code" in assert_problem(again, 400)["errors"]


def test_unit_create_under_a_parent_you_do_not_manage_is_not_found(karada):
    client = api(issue(karada))
    since = last_seq()
    response = client.post(
        "/api/v1/units/",
        {"parent": "BGD-KARADA", "code": "BGD-K2", "kind": "unit", "name_ar": "س"},
        content_type="application/json",
    )
    assert_problem(response, 404)
    assert actions_since(since) == ["access.denied"]


def test_user_update_changes_the_user_through_the_service(admin, make_user, karada):
    make_user("officer.karada")
    client = api(issue(admin))
    since = last_seq()
    response = client.patch(
        "/api/v1/users/officer.karada/",
        {"full_name_latin": "Haider Ali", "language": "en"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["full_name_latin"] == "Haider Ali"
    assert actions_since(since) == ["accounts.user_changed"]
    # A commander sees the user but does not manage users: refused like a missing user.
    commander = api(issue(karada))
    since = last_seq()
    refused = commander.patch(
        "/api/v1/users/officer.karada/", {"badge_number": "7"}, content_type="application/json"
    )
    assert_problem(refused, 404)
    assert actions_since(since) == ["access.denied"]


# --- The permission matrix checks the API too ---------------------------------------------------------
def test_the_permission_matrix_catches_a_wrong_api_declaration(tree, make_user):
    import dataclasses

    import permission_matrix as pm

    routes = pm.declaration()
    assert routes["api:entry-list"].api == "token" and routes["api:token-list"].api == "session"
    world = pm.build_world(tree, make_user)
    right = pm.run(
        world, {k: routes[k] for k in ("api:entry-list", "api:unit-detail", "api:token-list")}
    )
    assert not right.failures, right.failures
    assert right.anonymous == 1 + 2 + 2 and right.refused > 0
    wrong = {
        # The ledger offered to an investigator, and denied to the auditor.
        "api:entry-list": dataclasses.replace(
            routes["api:entry-list"], allowed={"page": frozenset({"investigator"})}
        ),
        # Unit creation offered to a commander.
        "api:unit-list": dataclasses.replace(
            routes["api:unit-list"], allowed_for={"POST": {"page": frozenset({"commander"})}}
        ),
    }
    caught = pm.run(world, wrong)
    assert any(
        "GET api:entry-list [page] as auditor" in f and "expected a 404 problem, got 200" in f
        for f in caught.failures
    )
    assert any(
        "GET api:entry-list [page] as investigator" in f and "expected 200/201/204, got 404" in f
        for f in caught.failures
    )
    assert any(
        "POST api:unit-list [page] as system_admin" in f and "expected a 404 problem, got 201" in f
        for f in caught.failures
    )
    assert any(
        "POST api:unit-list [page] as commander" in f and "expected 200/201/204, got 404" in f
        for f in caught.failures
    )
    assert caught.unexpected_2xx == 2


def test_an_idle_session_calling_the_api_gets_a_401_problem_not_a_redirect(karada, client_for):
    session = client_for(karada)
    assert (
        session.get("/api/v1/me/").status_code == 200
    )  # the session works for the API (docs page)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)):
        assert_problem(session.get("/api/v1/me/"), 401)


def test_a_nul_character_in_a_query_parameter_is_a_400_problem_on_every_database(
    karada, client_for
):
    response = client_for(karada).get("/api/v1/judicial-decisions/", {"case": "BGD\x00"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "case" in response.json()["errors"]
