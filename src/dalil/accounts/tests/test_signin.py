"""Sign-in through the real forms: two factors, lockout, enrolment, recovery codes, session limits,
sign-out, CSRF, security headers and password rules (issue #3; RELIABILITY R-09..R-13).

Every test drives the views with Django's test client, never `client_for` (which skips the forms).
Time is frozen with `time_machine` wherever a test signs in, so that a TOTP code cannot roll over
mid-test and the session clocks move only when the test says so.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from dalil.accounts import auth, views
from dalil.accounts.models import User
from dalil.audit.models import Entry

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
CODE = "/accounts/login/code/"
ENROL = "/accounts/enrol/"
LOGOUT = "/accounts/logout/"
PASSWORD_URL = "/accounts/password/"
HOME = "/"
# The password the root conftest's `make_user` gives (not imported: with several conftest.py
# files, `import conftest` finds whichever was loaded last).
PASSWORD = "Correct-horse-battery-9"


# --- Helpers --------------------------------------------------------------------------------------
def web() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def arabic(text_fn: Any) -> str:
    """A message as the Arabic interface (the default language) shows it."""
    with translation.override("ar"):
        return str(text_fn())


def password_step(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


def code_step(client: Client, token: str) -> Any:
    return client.post(CODE, {"token": token})


def sign_in_with_forms(client: Client, user: User) -> Any:
    first = password_step(client, user.username)
    assert first.status_code == 302 and first.url == CODE
    second = code_step(client, auth.current_code(user))
    assert second.status_code == 302 and second.url == "/"
    return second


def is_signed_in(client: Client) -> bool:
    response = client.get(HOME)
    if response.status_code == 200:
        return True
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    return False


def form_errors(response: Any) -> list[str]:
    return [str(e) for e in response.context["form"].non_field_errors()]


def wrong_code(user: User) -> str:
    right = auth.current_code(user)
    return "000000" if right != "000000" else "111111"


def ledger(action: str, user: User) -> Any:
    return Entry.objects.filter(action=action, target_type="accounts.user", target_id=str(user.pk))


def session_key(client: Client) -> str | None:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie else None


@pytest.fixture
def clock(time_machine: Any) -> Any:
    """Time frozen at the real present; tests move it with `clock.shift(...)`."""
    time_machine.move_to(timezone.now(), tick=False)
    return time_machine


# --- The two factors (R-09, R-13) -----------------------------------------------------------------
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


# --- Wrong passwords and lockout (R-10) -----------------------------------------------------------
def test_wrong_password_and_unknown_user_get_the_same_message(make_user, clock):
    user = make_user("karim")

    wrong_password = password_step(web(), user.username, "Not-the-password-1")
    unknown_user = password_step(web(), "nobody-here", "Not-the-password-1")

    assert wrong_password.status_code == unknown_user.status_code == 200
    assert (
        form_errors(wrong_password) == form_errors(unknown_user) == [arabic(views._generic_failure)]
    )
    assert not is_signed_in(web())


def test_five_failures_lock_the_account_and_the_sixth_correct_password_is_refused(make_user, clock):
    user = make_user("karim")
    client = web()
    for _ in range(4):
        assert form_errors(password_step(client, user.username, "Wrong-password-123")) == [
            arabic(views._generic_failure)
        ]
    user.refresh_from_db()
    assert user.locked_at is None

    fifth = password_step(client, user.username, "Wrong-password-123")

    assert form_errors(fifth) == [arabic(views._locked_message)]
    user.refresh_from_db()
    assert user.locked_at is not None
    assert ledger("accounts.user_locked", user).count() == 1
    assert ledger("accounts.sign_in_failed", user).count() == 5

    sixth = password_step(client, user.username, PASSWORD)
    assert sixth.status_code == 200
    assert form_errors(sixth) == [arabic(views._locked_message)]
    assert client.get(CODE).url == LOGIN  # no half-way session either
    assert not is_signed_in(client)


def test_the_lock_outlives_the_counting_window(make_user, clock):
    user = make_user("karim")
    for _ in range(5):
        password_step(web(), user.username, "Wrong-password-123")

    clock.shift(dt.timedelta(hours=2))

    assert form_errors(password_step(web(), user.username)) == [arabic(views._locked_message)]


def test_unknown_user_names_lock_exactly_like_real_ones(make_user, clock):
    make_user("karim")
    for name in ("karim", "nobody-here"):
        for _ in range(5):
            password_step(web(), name, "Wrong-password-123")
    real = password_step(web(), "karim", PASSWORD)
    unknown = password_step(web(), "nobody-here", PASSWORD)
    assert form_errors(real) == form_errors(unknown) == [arabic(views._locked_message)]


@pytest.mark.parametrize(
    ("gap", "locked"),
    [(dt.timedelta(minutes=14, seconds=59), True), (dt.timedelta(minutes=15, seconds=1), False)],
)
def test_only_failures_within_fifteen_minutes_count_toward_lockout(make_user, clock, gap, locked):
    user = make_user("karim")
    for _ in range(4):
        password_step(web(), user.username, "Wrong-password-123")

    clock.shift(gap)
    password_step(web(), user.username, "Wrong-password-123")

    user.refresh_from_db()
    assert (user.locked_at is not None) is locked
    assert ledger("accounts.user_locked", user).exists() is locked
    client = web()
    response = password_step(client, user.username)
    if locked:
        assert form_errors(response) == [arabic(views._locked_message)]
    else:
        assert response.status_code == 302 and response.url == CODE
        assert code_step(client, auth.current_code(user)).url == "/"
        assert is_signed_in(client)


def lock(user: User) -> None:
    for _ in range(5):
        password_step(web(), user.username, "Wrong-password-123")
    user.refresh_from_db()
    assert user.locked_at is not None


def test_administrator_of_an_ancestor_unit_releases_the_lock(make_user, client_for, clock):
    user = make_user("karim", unit="BGD-KARADA")
    admin = make_user("sysadmin", unit="MOI", role="system_admin")
    lock(user)

    response = client_for(admin).post(f"/admin/users/{user.username}/unlock/")

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.locked_at is None
    entry = ledger("accounts.user_unlocked", user).get()
    assert entry.actor_id == admin.pk
    client = web()
    sign_in_with_forms(client, user)
    assert is_signed_in(client)


@pytest.mark.parametrize(
    ("role", "at"),
    [(None, "BGD-KARADA"), ("system_admin", "BSR-POL")],
    ids=["colleague-without-role", "administrator-of-another-branch"],
)
def test_someone_who_does_not_manage_the_user_cannot_release_the_lock(
    make_user, client_for, clock, role, at
):
    user = make_user("karim", unit="BGD-KARADA")
    other = make_user("other", unit=at, role=role)
    lock(user)

    response = client_for(other).post(f"/admin/users/{user.username}/unlock/")

    assert response.status_code == 404
    user.refresh_from_db()
    assert user.locked_at is not None
    assert not ledger("accounts.user_unlocked", user).exists()
    assert form_errors(password_step(web(), user.username)) == [arabic(views._locked_message)]


def test_wrong_totp_codes_count_toward_lockout(make_user, clock):
    user = make_user("karim")
    client = web()
    password_step(client, user.username)
    for _ in range(4):
        refused = code_step(client, wrong_code(user))
        assert refused.status_code == 200
        assert refused.context["form"].errors["token"]
        clock.shift(2)  # wait out django-otp's throttle: only our counter should decide

    fifth = code_step(client, wrong_code(user))

    assert fifth.status_code == 302 and fifth.url == LOGIN
    page = client.get(LOGIN).content.decode()
    assert escape(arabic(views._locked_message)) in page
    user.refresh_from_db()
    assert user.locked_at is not None
    assert ledger("accounts.second_factor_failed", user).count() == 5
    assert ledger("accounts.user_locked", user).count() == 1
    assert code_step(client, auth.current_code(user)).url == LOGIN  # the half-way session is gone
    assert not is_signed_in(client)
    assert form_errors(password_step(web(), user.username)) == [arabic(views._locked_message)]


# --- Enrolment and recovery codes (R-09) ----------------------------------------------------------
def enrolment_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(device.digits)


def enrol(client: Client, user: User) -> list[str]:
    assert password_step(client, user.username).url == ENROL
    assert client.get(ENROL).status_code == 200
    response = client.post(ENROL, {"token": enrolment_code(user)})
    assert response.status_code == 200
    return list(response.context["codes"])


def test_first_sign_in_without_a_device_enrols_one_and_shows_ten_recovery_codes(make_user, clock):
    user = make_user("newcomer", mfa=False)
    client = web()

    first = password_step(client, user.username)
    assert first.status_code == 302 and first.url == ENROL
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'<div class="qr[^"]*"[^>]*>\s*<svg', html)  # inline SVG, no external image
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assert base64.b32encode(device.bin_key).decode().rstrip("=") in html
    assert not is_signed_in(client)

    confirmed = client.post(ENROL, {"token": enrolment_code(user)})

    assert confirmed.status_code == 200
    codes = list(confirmed.context["codes"])
    assert len(codes) == len(set(codes)) == 10
    for code in codes:
        assert code in confirmed.content.decode()
    device.refresh_from_db()
    assert device.confirmed
    stored = set(
        StaticDevice.objects.get(user=user, confirmed=True).token_set.values_list(
            "token", flat=True
        )
    )
    assert len(stored) == 10 and not stored & set(codes)  # digests only, never the codes
    assert ledger("accounts.mfa_enrolled", user).filter(actor_id=user.pk).count() == 1
    assert ledger("accounts.signed_in", user).exists()
    assert is_signed_in(client)


def test_invalid_enrolment_code_is_refused_and_confirms_nothing(make_user, clock):
    user = make_user("newcomer", mfa=False)
    client = web()
    password_step(client, user.username)
    client.get(ENROL)
    right = enrolment_code(user)

    response = client.post(ENROL, {"token": "000000" if right != "000000" else "111111"})

    assert response.status_code == 200
    errors = response.context["form"].errors["token"]
    assert errors and escape(errors[0]) in response.content.decode()
    assert "codes" not in response.context
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert not ledger("accounts.mfa_enrolled", user).exists()
    assert not is_signed_in(client)


def test_recovery_code_signs_in_once_and_is_refused_the_second_time(make_user, clock):
    user = make_user("newcomer", mfa=False)
    enrolling = web()
    codes = enrol(enrolling, user)
    enrolling.post(LOGOUT)

    client = web()
    password_step(client, user.username)
    used = code_step(client, codes[0].upper())  # as typed from paper: case does not matter
    assert used.status_code == 302 and used.url == "/"
    assert is_signed_in(client)
    entry = ledger("accounts.recovery_code_used", user).get()
    assert json.loads(entry.payload) == {"left": 9}
    assert json.loads(ledger("accounts.signed_in", user).last().payload) == {"factor": "recovery"}
    client.post(LOGOUT)

    again = web()
    password_step(again, user.username)
    refused = code_step(again, codes[0])
    assert refused.status_code == 200
    assert refused.context["form"].errors["token"]
    assert not is_signed_in(again)
    assert ledger("accounts.recovery_code_used", user).count() == 1
    assert ledger("accounts.second_factor_failed", user).count() == 1


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
