"""Sign-in through the real forms: two factors, the waits after failures, session limits, sign-out,
CSRF, security headers and password rules (issues #3 and #9; RELIABILITY R-09..R-13).

Every test drives the views with Django's test client, never `client_for` (which skips the forms).
Time is frozen with `time_machine` wherever a test signs in, so that a TOTP code cannot roll over
mid-test and the session clocks move only when the test says so.

R-10 as written ("released by admin") is overridden by issue #9: the lock is counted per account
and client, ends by itself after 15 minutes and ends no session (docs/adr/0017-lockout.md).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils.html import escape
from django.utils.translation import gettext

from dalil.accounts import auth, throttle, views
from dalil.accounts.models import LoginFailure, User
from dalil.audit.models import Entry

from .helpers import (
    ATTACKER,
    CODE,
    HOME,
    LOGIN,
    LOGOUT,
    OWNER,
    PASSWORD,
    arabic,
    code_step,
    form_errors,
    is_signed_in,
    ledger,
    password_step,
    session_key,
    sign_in_with_forms,
    web,
    wrong_code,
)

pytestmark = pytest.mark.django_db

PASSWORD_URL = "/accounts/password/"
WRONG = "Wrong-password-123"


# --- The two factors (R-09, R-13) -----------------------------------------------------------------
@pytest.mark.real_password_hasher
def test_password_and_totp_code_lead_to_the_home_page_and_are_on_the_ledger(make_user, clock):
    user = make_user("karim")
    client = web()

    sign_in_with_forms(client, user)

    home = client.get(HOME)
    assert home.status_code == 200
    assert home.context["user"] == user
    assert escape(user.full_name) in home.content.decode()
    entry = ledger("accounts.signed_in", user).get()
    assert entry.actor_id == user.pk
    assert json.loads(entry.payload) == {"factor": "totp"}


def test_sign_in_gives_a_new_session_key_and_the_planted_one_is_worthless(make_user, clock):
    user = make_user("karim")
    client = web()
    planted = client.session  # an attacker fixes a session id in the victim's browser
    planted["x"] = 1
    planted.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key

    password_step(client, user.username)
    after_password = session_key(client)
    code_step(client, auth.current_code(user))
    after_code = session_key(client)

    assert len({planted.session_key, after_password, after_code}) == 3
    assert not Session.objects.filter(session_key=planted.session_key).exists()
    assert not Session.objects.filter(session_key=after_password).exists()
    attacker = web()
    attacker.cookies[settings.SESSION_COOKIE_NAME] = planted.session_key
    assert not is_signed_in(attacker)
    assert is_signed_in(client)


def test_password_step_alone_never_gives_an_authenticated_session(make_user, clock):
    user = make_user("karim")
    client = web()

    response = password_step(client, user.username)

    assert response.status_code == 302 and response.url == CODE
    for url in (HOME, PASSWORD_URL, "/admin/users/", "/vault/"):
        refused = client.get(url)
        assert refused.status_code == 302 and refused.url.startswith(LOGIN), url
    assert client.get(CODE).status_code == 200  # only the code page is open to a half-way session
    assert not ledger("accounts.signed_in", user).exists()


def test_half_way_session_expires_after_five_minutes_even_with_the_right_code(make_user, clock):
    user = make_user("karim")
    client = web()
    password_step(client, user.username)

    clock.shift(dt.timedelta(minutes=5, seconds=1))
    response = code_step(client, auth.current_code(user))

    assert response.status_code == 302 and response.url == LOGIN
    assert not is_signed_in(client)
    assert not ledger("accounts.signed_in", user).exists()


def test_session_authenticated_without_second_factor_is_signed_out(make_user, clock):
    """Defence in depth: should any path log a user in without the second factor, the session
    policy ends the session at the next request."""
    user = make_user("karim")
    client = web()
    client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[0])

    assert not is_signed_in(client)
    entry = ledger("accounts.session_expired", user).get()
    assert json.loads(entry.payload) == {"reason": "no_second_factor"}


# --- Wrong passwords: waits per account and client (R-10 as amended by issue #9) ----------------
def generic() -> str:
    return arabic(views._generic_failure)


def wait_message(seconds: int) -> str:
    return arabic(views._wait_message, seconds)


def fail(client: Client, username: str, clock: Any) -> Any:
    """One wrong password, then wait out the delay it imposes (not the lock)."""
    response = password_step(client, username, WRONG)
    failures = LoginFailure.objects.filter(username=username).count()
    if failures < settings.DALIL_LOCKOUT_FAILURES:
        clock.shift(dt.timedelta(seconds=settings.DALIL_SIGN_IN_DELAYS[failures - 1]))
    return response


def _request(client: Client) -> Any:
    from django.test import RequestFactory

    return RequestFactory().get("/", REMOTE_ADDR=client.defaults["REMOTE_ADDR"])


def lock(username: str, clock: Any, address: str = ATTACKER) -> Client:
    client = web(address)
    for _ in range(settings.DALIL_LOCKOUT_FAILURES):
        fail(client, username, clock)
    return client


def test_wrong_password_and_unknown_user_get_the_same_message(make_user, clock):
    user = make_user("karim")

    wrong_password = password_step(web(), user.username, "Not-the-password-1")
    unknown_user = password_step(web(), "nobody-here", "Not-the-password-1")

    assert wrong_password.status_code == unknown_user.status_code == 200
    assert form_errors(wrong_password) == form_errors(unknown_user) == [generic()]
    assert not is_signed_in(web())


def test_each_failure_makes_the_client_wait_longer_and_the_fifth_locks_it_for_15_minutes(
    make_user, clock
):
    user = make_user("karim")
    client = web(ATTACKER)
    assert form_errors(password_step(client, user.username, WRONG)) == [generic()]
    assert form_errors(password_step(client, user.username, WRONG)) == [generic()]

    third = password_step(client, user.username, WRONG)
    assert form_errors(third) == [generic(), wait_message(60)]
    # Within the wait even the right password is refused, before it is checked: nothing counted.
    refused = password_step(client, user.username, PASSWORD)
    assert form_errors(refused) == [wait_message(60)]
    assert ledger("accounts.sign_in_failed", user).count() == 3
    assert LoginFailure.objects.filter(username=user.username).count() == 3

    clock.shift(dt.timedelta(seconds=60))
    assert form_errors(password_step(client, user.username, WRONG)) == [
        generic(),
        wait_message(5 * 60),
    ]
    clock.shift(dt.timedelta(minutes=4, seconds=1))
    assert form_errors(password_step(client, user.username, PASSWORD)) == [wait_message(59)]
    clock.shift(dt.timedelta(seconds=59))

    fifth = password_step(client, user.username, WRONG)

    assert form_errors(fifth) == [generic(), wait_message(15 * 60)]
    assert ledger("accounts.sign_in_failed", user).count() == 5
    locked = ledger("accounts.sign_in_locked", user).get()
    assert json.loads(locked.payload) == {"username": "karim", "minutes": 15}
    sixth = password_step(client, user.username, PASSWORD)
    assert form_errors(sixth) == [wait_message(15 * 60)]
    assert client.get(CODE).url == LOGIN  # no half-way session either
    assert not is_signed_in(client)
    user.refresh_from_db()
    assert user.locked_at is None  # the account itself is never locked


def test_the_lock_ends_by_itself_after_fifteen_minutes(make_user, clock):
    user = make_user("karim")
    client = lock(user.username, clock)

    clock.shift(dt.timedelta(minutes=14, seconds=59))
    assert form_errors(password_step(client, user.username)) == [wait_message(1)]

    clock.shift(dt.timedelta(seconds=2))
    sign_in_with_forms(client, user)
    assert is_signed_in(client)
    assert ledger("accounts.sign_in_locked", user).count() == 1
    assert not ledger("accounts.user_unlocked", user).exists()  # nobody had to release it


def test_the_owner_signs_in_from_their_own_device_while_an_attacker_hammers_another(
    make_user, clock
):
    user = make_user("karim")
    already = web(OWNER)  # the owner's session, open before the attack
    sign_in_with_forms(already, user)
    sessions_before = set(Session.objects.values_list("session_key", flat=True))

    attacker = lock(user.username, clock)
    for _ in range(20):  # hammering through the lock changes nothing
        assert form_errors(password_step(attacker, user.username, WRONG)) != []
    assert LoginFailure.objects.filter(username=user.username).count() == 5

    assert is_signed_in(already)  # the open session is untouched
    assert sessions_before <= set(Session.objects.values_list("session_key", flat=True))
    fresh = web(OWNER)  # and the owner signs in again from their own device
    sign_in_with_forms(fresh, user)
    assert is_signed_in(fresh)
    assert not is_signed_in(attacker)
    assert ledger("accounts.signed_in", user).count() == 2


def test_unknown_user_names_wait_exactly_like_real_ones(make_user, clock):
    make_user("karim")
    answers = []
    for name in ("karim", "nobody-here"):
        steps = [form_errors(fail(web(ATTACKER), name, clock)) for _ in range(5)]
        answers.append([*steps, form_errors(password_step(web(ATTACKER), name, PASSWORD))])
    assert answers[0] == answers[1]
    assert answers[0][-1] == [wait_message(15 * 60)]


@pytest.mark.parametrize(
    ("gap", "waits"),
    [(dt.timedelta(minutes=14, seconds=59), True), (dt.timedelta(minutes=15, seconds=1), False)],
)
def test_only_failures_within_fifteen_minutes_count(make_user, clock, gap, waits):
    user = make_user("karim")
    client = web(ATTACKER)
    for _ in range(2):
        password_step(client, user.username, WRONG)

    clock.shift(gap)
    third = password_step(client, user.username, WRONG)

    assert (wait_message(60) in form_errors(third)) is waits
    response = password_step(client, user.username)
    if waits:
        assert form_errors(response) == [wait_message(60)]
    else:
        assert response.status_code == 302 and response.url == CODE


def test_wrong_totp_codes_count_and_the_third_sends_the_client_back_to_wait(make_user, clock):
    user = make_user("karim")
    client = web(ATTACKER)
    password_step(client, user.username)
    for _ in range(2):
        refused = code_step(client, wrong_code(user))
        assert refused.status_code == 200
        assert refused.context["form"].errors["token"]
        clock.shift(2)  # wait out django-otp's throttle: only our counter should decide

    third = code_step(client, wrong_code(user))

    assert third.status_code == 302 and third.url == LOGIN
    page = client.get(LOGIN).content.decode()
    assert escape(wait_message(60)) in page
    assert ledger("accounts.second_factor_failed", user).count() == 3
    assert code_step(client, auth.current_code(user)).url == LOGIN  # the half-way session is gone
    assert not is_signed_in(client)
    assert form_errors(password_step(web(ATTACKER), user.username)) == [wait_message(60)]
    assert password_step(web(OWNER), user.username).url == CODE  # another device is not held up


def test_an_administrator_clears_the_failed_sign_ins(make_user, client_for, clock):
    user = make_user("karim", unit="BGD-KARADA")
    admin = make_user("sysadmin", unit="MOI", role="system_admin")
    client = lock(user.username, clock)

    response = client_for(admin).post(f"/admin/users/{user.username}/unlock/")

    assert response.status_code == 302
    entry = ledger("accounts.user_unlocked", user).get()
    assert entry.actor_id == admin.pk
    assert json.loads(entry.payload) == {"failures_cleared": 5}
    assert not LoginFailure.objects.filter(username=user.username).exists()
    sign_in_with_forms(client, user)
    assert is_signed_in(client)


@pytest.mark.parametrize(
    ("role", "at"),
    [(None, "BGD-KARADA"), ("system_admin", "BSR-POL")],
    ids=["colleague-without-role", "administrator-of-another-branch"],
)
def test_someone_who_does_not_manage_the_user_cannot_clear_the_failures(
    make_user, client_for, clock, role, at
):
    user = make_user("karim", unit="BGD-KARADA")
    other = make_user("other", unit=at, role=role)
    client = lock(user.username, clock)

    response = client_for(other).post(f"/admin/users/{user.username}/unlock/")

    assert response.status_code == 404
    assert LoginFailure.objects.filter(username=user.username).count() == 5
    assert not ledger("accounts.user_unlocked", user).exists()
    assert form_errors(password_step(client, user.username)) == [wait_message(15 * 60)]


def test_behind_a_proxy_each_forwarded_client_counts_apart(make_user, clock, settings):
    settings.DALIL_TRUSTED_PROXIES = 1
    user = make_user("karim")
    proxy = "10.0.0.1"
    attacker = web(proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER}")  # first hop is forged
    for _ in range(3):
        password_step(attacker, user.username, WRONG)

    owner = web(proxy, HTTP_X_FORWARDED_FOR=OWNER)
    assert password_step(owner, user.username).url == CODE
    spoofing = web(proxy, HTTP_X_FORWARDED_FOR=f"{OWNER}, {ATTACKER}")  # forging does not help
    assert form_errors(password_step(spoofing, user.username)) == [wait_message(60)]


def test_without_a_trusted_proxy_a_forwarded_header_is_ignored(make_user, clock):
    user = make_user("karim")
    for _ in range(3):
        password_step(web(ATTACKER), user.username, WRONG)
    forged = web(ATTACKER, HTTP_X_FORWARDED_FOR=OWNER)
    assert form_errors(password_step(forged, user.username)) == [wait_message(60)]


def _every_stored_text() -> str:
    """Every row of every table, and every session decoded, as one text to search."""
    parts = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            parts.extend(repr(row) for row in cursor.fetchall())
    parts.extend(repr(s.get_decoded()) for s in Session.objects.all())
    return "\n".join(parts)


def test_the_client_address_is_stored_nowhere_not_even_in_the_ledger(make_user, clock):
    assert apps.is_installed("dalil.accounts")
    user = make_user("karim")
    lock(user.username, clock, address=OWNER)
    password_step(web(OWNER), "nobody-here", WRONG)
    web(OWNER).get("/accounts/enrol/ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-2345/")
    clock.shift(dt.timedelta(minutes=16))
    client = web(OWNER)
    sign_in_with_forms(client, user)
    client.get(HOME)

    stored = _every_stored_text()
    assert OWNER not in stored
    key = throttle.client_key(_request(web(OWNER)))
    assert LoginFailure.objects.filter(client_key=key).exists()  # counted by its keyed hash
    payloads = " ".join(Entry.objects.values_list("payload", flat=True))
    assert key not in payloads and OWNER not in payloads


# --- Session limits and sign-out (R-11) -----------------------------------------------------------
def test_idle_session_lives_29_59_and_ends_at_30_01(make_user, clock):
    user = make_user("karim")
    client = web()
    sign_in_with_forms(client, user)

    clock.shift(dt.timedelta(minutes=29, seconds=59))
    assert is_signed_in(client)

    clock.shift(dt.timedelta(minutes=30, seconds=1))
    response = client.get(HOME)

    assert response.status_code == 302 and response.url == LOGIN
    entry = ledger("accounts.session_expired", user).get()
    assert json.loads(entry.payload) == {"reason": "idle"}
    page = client.get(response.url)
    assert escape(arabic(lambda: gettext("Your session has ended. Please sign in again."))) in (
        page.content.decode()
    )
    assert not is_signed_in(client)


def test_the_idle_clock_is_stamped_once_a_minute_not_on_every_request(make_user, clock):
    user = make_user("karim")
    client = web()
    sign_in_with_forms(client, user)
    client.get(HOME)
    key = client.session.session_key

    def stored() -> str:
        return Session.objects.get(session_key=key).session_data

    before = stored()
    clock.shift(dt.timedelta(seconds=30))
    client.get(HOME)
    assert stored() == before  # no write for a page view within the minute

    clock.shift(dt.timedelta(seconds=31))
    client.get(HOME)
    assert stored() != before  # stamped again: the idle limit counts from here
    clock.shift(dt.timedelta(minutes=29, seconds=59))
    assert is_signed_in(client)


def test_active_session_ends_twelve_hours_after_sign_in(make_user, clock):
    user = make_user("karim")
    client = web()
    sign_in_with_forms(client, user)

    for _ in range(35):  # a request every 20 minutes up to 11:40
        clock.shift(dt.timedelta(minutes=20))
        assert is_signed_in(client)
    clock.shift(dt.timedelta(minutes=19))  # 11:59
    assert is_signed_in(client)

    clock.shift(dt.timedelta(minutes=2))  # 12:01
    assert not is_signed_in(client)
    entry = ledger("accounts.session_expired", user).get()
    assert json.loads(entry.payload) == {"reason": "absolute_limit"}


def test_sign_out_flushes_the_server_side_session_so_the_old_cookie_is_worthless(make_user, clock):
    user = make_user("karim")
    client = web()
    sign_in_with_forms(client, user)
    old = session_key(client)
    assert Session.objects.filter(session_key=old).exists()

    response = client.post(LOGOUT)

    assert response.status_code == 302 and response.url == LOGIN
    assert not Session.objects.filter(session_key=old).exists()
    assert ledger("accounts.signed_out", user).count() == 1
    replay = web()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old
    assert not is_signed_in(replay)


def test_sign_out_by_get_is_refused_and_the_session_stays(make_user, clock):
    user = make_user("karim")
    client = web()
    sign_in_with_forms(client, user)

    assert client.get(LOGOUT).status_code == 405
    assert is_signed_in(client)
    assert not ledger("accounts.signed_out", user).exists()


# --- CSRF, headers and cookies (R-13) -------------------------------------------------------------
def test_login_post_without_csrf_token_is_refused_with_the_expired_form_page(make_user, clock):
    user = make_user("karim")
    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    client.get(LOGIN)  # has the CSRF cookie, but the form field is missing

    response = password_step(client, user.username)

    assert response.status_code == 403
    html = response.content.decode()
    assert escape(arabic(lambda: gettext("The form has expired"))) in html
    assert '<html lang="ar" dir="rtl">' in html
    assert client.get(CODE).url == LOGIN  # the password was never checked
    assert not ledger("accounts.sign_in_failed", user).exists()


def test_login_post_with_csrf_token_is_accepted(make_user, clock):
    user = make_user("karim")
    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1")
    page = client.get(LOGIN).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    response = client.post(
        LOGIN, {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302 and response.url == CODE


def test_login_page_sends_the_security_headers(db):
    response = web().get(LOGIN)

    assert response.status_code == 200
    csp = {
        d.strip().split()[0]: d.strip().split()[1:]
        for d in response["Content-Security-Policy"].split(";")
        if d.strip()
    }
    assert csp["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_session_cookie_is_http_only_and_same_site(make_user, clock):
    user = make_user("karim")
    response = password_step(web(), user.username)

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Strict"
    assert not cookie["expires"] and not cookie["max-age"]  # dies with the browser


# --- Password rules (R-12) ------------------------------------------------------------------------
PASSPHRASE = "شاي الصباح في مقهى الشابندر مع كتاب قديم and a quiet rainy day 7"


def change_password(client: Client, new: str) -> Any:
    return client.post(PASSWORD_URL, {"new_password": new, "confirm": new})


@pytest.mark.real_password_hasher
def test_long_passphrase_with_spaces_and_arabic_letters_is_accepted_untruncated(make_user, clock):
    assert len(PASSPHRASE) == 64 and " " in PASSPHRASE
    user = make_user("karim")
    client = web()
    sign_in_with_forms(client, user)

    response = change_password(client, PASSPHRASE)

    assert response.status_code == 302 and response.url == "/"
    user.refresh_from_db()
    assert user.check_password(PASSPHRASE)
    assert not user.check_password(PASSPHRASE[:-1])  # no truncation
    assert not user.check_password(PASSWORD)
    assert ledger("accounts.password_changed", user).count() == 1
    assert is_signed_in(client)  # changing one's password keeps one's own session


@pytest.mark.real_password_hasher
def test_stored_password_hash_is_argon2id_with_a_long_random_salt(make_user):
    user = make_user("karim")
    algorithm, variant, _, params, salt, digest = user.password.split("$")

    assert user.password.startswith("argon2")
    assert (algorithm, variant) == ("argon2", "argon2id")
    assert dict(p.split("=") for p in params.split(","))["t"]
    assert len(salt) * 6 // 8 >= 4  # at least 32 bits of salt (base64 text)
    assert len(digest) >= 22
    other = make_user("layla")
    assert other.password.split("$")[4] != salt


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("iraq12345678", "password_too_common"),
        ("password1234", "password_too_common"),
        ("Baghdad2026!!", "password_too_common"),
        ("بغداد123456789", "password_too_common"),
        ("Short-pw-1", "password_too_short"),
    ],
)
def test_weak_passwords_are_refused_with_a_message_and_nothing_changes(
    make_user, clock, password, code
):
    user = make_user("karim")
    client = web()
    sign_in_with_forms(client, user)
    before = User.objects.get(pk=user.pk).password

    response = change_password(client, password)

    assert response.status_code == 200
    errors = response.context["form"].errors.as_data()["new_password"]
    assert code in {e.code for e in errors}
    html = response.content.decode()
    for error in response.context["form"].errors["new_password"]:
        assert escape(error) in html
    user.refresh_from_db()
    assert user.password == before
    assert user.check_password(PASSWORD)
    assert not ledger("accounts.password_changed", user).exists()


# --- Operator's CLI -------------------------------------------------------------------------------
def test_demo_otp_prints_the_current_six_digit_code(make_user, clock):
    user = make_user("karim")
    out = StringIO()

    call_command("demo_otp", "KARIM", stdout=out)

    printed = out.getvalue().strip()
    assert re.fullmatch(r"\d{6}", printed)
    assert printed == auth.current_code(user)
    assert code_step_accepts(user, printed)


def code_step_accepts(user: User, code: str) -> bool:
    client = web()
    password_step(client, user.username)
    return code_step(client, code).status_code == 302 and is_signed_in(client)
