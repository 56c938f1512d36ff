"""A new account's first password and second factor, and every reset, never pass through the
administrator: a one-time enrolment code, shown once, that the user spends to set both (issue #9 §1).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils.html import escape
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from dalil.access import operator_command
from dalil.access.models import Assignment
from dalil.accounts import enrolment, services, views
from dalil.accounts.models import Enrolment, User
from dalil.api.services import token_create
from dalil.audit.models import Entry

from .helpers import (
    ENROL,
    LOGIN,
    PASSWORD,
    SETUP,
    arabic,
    enrol_with_code,
    form_errors,
    is_signed_in,
    ledger,
    password_step,
    pending_device_code,
    shown_code,
    sign_in_with_forms,
    web,
)

pytestmark = pytest.mark.django_db

NEW_USER = "/admin/units/BGD-KARADA/new-user/"
NEW_PASSWORD = "Tigris-river-lantern-42"


@pytest.fixture
def admin(make_user: Any) -> User:
    return make_user("admin.moi", unit="MOI", role="system_admin")


def not_valid() -> str:
    return arabic(enrolment.not_valid_message)


def create_user(client: Client, username: str = "new.officer") -> Any:
    return client.post(NEW_USER, {"username": username, "full_name": "ضابط جديد", "language": "ar"})


def new_account(make_user: Any, username: str = "newcomer") -> enrolment.Issued:
    """An account created as an administrator would, with its code (as the service returns it)."""
    from dalil.accounts.models import Unit

    with operator_command("test") as operator:
        return services.user_create(
            actor=operator,
            unit=Unit.objects.get(code="BGD-KARADA"),
            username=username,
            full_name="مستخدم جديد",
        )


# --- The administrator creates an account ----------------------------------------------------------
def test_a_new_account_gets_a_one_time_code_shown_once_and_stored_only_as_a_digest(
    admin, client_for, clock
):
    client = client_for(admin)

    response = create_user(client)

    assert response.status_code == 200
    code = shown_code(response)
    page = response.content.decode()
    assert f"/accounts/enrol/{code}/" in page  # the link, and the code to type
    assert len(code.replace("-", "")) == enrolment.LENGTH
    user = User.objects.get(username="new.officer")
    assert not user.has_usable_password()
    assert not TOTPDevice.objects.filter(user=user).exists()
    stored = Enrolment.objects.get(user=user)
    assert stored.digest == enrolment.digest(code) and code not in stored.digest
    assert stored.expires_at - stored.created_at == dt.timedelta(hours=24)
    actions = list(
        Entry.objects.filter(target_type="accounts.user", target_id=str(user.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == ["accounts.user_created", "accounts.enrolment_issued"]
    issued = ledger("accounts.enrolment_issued", user).get()
    assert issued.actor_id == admin.pk
    assert code not in issued.payload and code.replace("-", "") not in issued.payload
    assert json.loads(issued.payload)["reason"] == "new_account"
    # Shown once: the user's page, opened afterwards, does not have it.
    detail = client.get(f"/admin/users/{user.username}/").content.decode()
    assert code not in detail
    assert "no-store" in response["Cache-Control"]


def test_the_new_account_cannot_sign_in_with_any_password_before_enrolment(make_user, clock):
    issued = new_account(make_user)

    for guess in (PASSWORD, "!"):  # a new account has no password at all
        response = password_step(web(), issued.user.username, guess)
        assert form_errors(response) == [arabic(views._generic_failure)]
    assert not is_signed_in(web())


# --- The user spends the code ---------------------------------------------------------------------
def test_the_user_sets_password_and_second_factor_and_is_signed_in(make_user, clock):
    issued = new_account(make_user)
    client = web()

    opened = client.get(f"{ENROL}{issued.code}/")
    assert opened.status_code == 302 and opened.url == SETUP  # the code leaves the address bar
    page = client.get(SETUP)
    html = page.content.decode()
    assert re.search(r'<div class="qr[^"]*"[^>]*>\s*<svg', html)
    assert not is_signed_in(client)
    client.get(SETUP)
    token = pending_device_code(issued.user)
    done = client.post(
        SETUP, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "token": token}
    )

    assert done.status_code == 200
    codes = list(done.context["codes"])
    assert len(codes) == 10 and all(c in done.content.decode() for c in codes)
    assert is_signed_in(client)
    user = User.objects.get(pk=issued.user.pk)
    assert user.check_password(NEW_PASSWORD) and user.password_changed_at is not None
    assert TOTPDevice.objects.get(user=user).confirmed
    assert StaticDevice.objects.get(user=user).token_set.count() == 10
    assert Enrolment.objects.get(user=user).used_at is not None
    assert ledger("accounts.enrolment_completed", user).get().actor_id == user.pk
    assert ledger("accounts.signed_in", user).count() == 1
    # Later sign-ins use the password and the authenticator, as for everyone.
    client.post("/accounts/logout/")
    again = web()
    assert password_step(again, user.username, NEW_PASSWORD).url == "/accounts/login/code/"


def test_a_code_typed_from_paper_works_like_the_link(make_user, clock):
    issued = new_account(make_user)
    client = web()
    typed = issued.code.lower().replace("-", " ").replace("0", "o")

    response = client.post(ENROL, {"code": typed})

    assert response.status_code == 302 and response.url == SETUP
    assert client.get(SETUP).context["subject"] == issued.user


def test_a_used_code_is_refused_with_the_one_message_and_ledgered(make_user, clock):
    issued = new_account(make_user)
    enrol_with_code(web(), issued.code)

    again = web().get(f"{ENROL}{issued.code}/")

    assert again.status_code == 200
    assert escape(not_valid()) in again.content.decode()
    refused = ledger("accounts.enrolment_refused", issued.user).get()
    assert json.loads(refused.payload) == {"reason": "used"}
    assert refused.actor == "anonymous"


@pytest.mark.parametrize(
    ("after", "works"),
    [(dt.timedelta(hours=23, minutes=59), True), (dt.timedelta(hours=24, seconds=1), False)],
)
def test_a_code_expires_after_24_hours(make_user, clock, after, works):
    issued = new_account(make_user)
    clock.shift(after)

    response = web().get(f"{ENROL}{issued.code}/")

    if works:
        assert response.status_code == 302 and response.url == SETUP
    else:
        assert escape(not_valid()) in response.content.decode()
        refused = ledger("accounts.enrolment_refused", issued.user).get()
        assert json.loads(refused.payload) == {"reason": "expired"}


def test_a_code_that_expires_while_the_page_is_open_sets_nothing(make_user, clock):
    issued = new_account(make_user)
    client = web()
    client.get(f"{ENROL}{issued.code}/")
    client.get(SETUP)
    clock.shift(dt.timedelta(hours=24, seconds=1))

    response = client.post(
        SETUP,
        {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD, "token": "123456"},
    )

    assert response.status_code == 302 and response.url == ENROL
    user = User.objects.get(pk=issued.user.pk)
    assert not user.has_usable_password()
    assert not ledger("accounts.enrolment_completed", user).exists()


def test_a_newer_code_supersedes_the_older_one(make_user, admin, client_for, clock):
    issued = new_account(make_user)
    renewed = client_for(admin).post(f"/admin/users/{issued.user.username}/new-code/")
    newer = shown_code(renewed)

    old = web().get(f"{ENROL}{issued.code}/")
    assert escape(not_valid()) in old.content.decode()
    assert json.loads(ledger("accounts.enrolment_refused", issued.user).get().payload) == {
        "reason": "superseded"
    }
    assert enrol_with_code(web(), newer).status_code == 200


def test_unknown_codes_are_refused_then_the_client_waits_before_any_lookup(make_user, clock):
    issued = new_account(make_user)
    client = web("198.51.100.23")
    for i in range(10):
        refused = client.get(f"{ENROL}ABCD-EFGH-JKMN-PQRS-TVWX-YZ01-{i:04d}/")
        assert escape(not_valid()) in refused.content.decode()
    assert Entry.objects.filter(action="accounts.enrolment_refused").count() == 10

    # Even the right code waits now: refused quickly, nothing more on the ledger.
    waiting = client.get(f"{ENROL}{issued.code}/")
    assert waiting.status_code == 200
    assert "15" in waiting.context["form"].errors["code"][0]
    assert Entry.objects.filter(action="accounts.enrolment_refused").count() == 10
    # Another client is not held up, and the wait ends by itself.
    assert web("203.0.113.77").get(f"{ENROL}{issued.code}/").url == SETUP
    clock.shift(dt.timedelta(minutes=15, seconds=1))
    assert client.get(f"{ENROL}{issued.code}/").url == SETUP


@pytest.mark.parametrize(
    ("password", "code"),
    [("iraq12345678", "password_too_common"), ("Short-pw-1", "password_too_short")],
)
def test_a_weak_password_is_refused_and_nothing_is_set(make_user, clock, password, code):
    issued = new_account(make_user)
    client = web()
    client.get(f"{ENROL}{issued.code}/")
    client.get(SETUP)

    response = client.post(
        SETUP,
        {"new_password": password, "confirm": password, "token": pending_device_code(issued.user)},
    )

    assert response.status_code == 200
    assert code in {e.code for e in response.context["form"].errors.as_data()["new_password"]}
    user = User.objects.get(pk=issued.user.pk)
    assert not user.has_usable_password()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert Enrolment.objects.get(user=user).used_at is None
    assert not ledger("accounts.enrolment_completed", user).exists()
    assert not is_signed_in(client)


def test_a_wrong_authenticator_code_is_refused_and_nothing_is_set(make_user, clock):
    issued = new_account(make_user)
    client = web()
    client.get(f"{ENROL}{issued.code}/")
    client.get(SETUP)
    right = pending_device_code(issued.user)

    response = client.post(
        SETUP,
        {
            "new_password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "token": "000000" if right != "000000" else "111111",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    user = User.objects.get(pk=issued.user.pk)
    assert not user.has_usable_password()
    assert Enrolment.objects.get(user=user).used_at is None
    assert not is_signed_in(client)


def test_recovery_code_signs_in_once_and_is_refused_the_second_time(make_user, clock):
    issued = new_account(make_user)
    enrolling = web()
    codes = list(enrol_with_code(enrolling, issued.code).context["codes"])
    enrolling.post("/accounts/logout/")

    client = web()
    password_step(client, issued.user.username)
    used = client.post("/accounts/login/code/", {"token": codes[0].upper()})
    assert used.status_code == 302 and used.url == "/"
    assert json.loads(ledger("accounts.recovery_code_used", issued.user).get().payload) == {
        "left": 9
    }
    client.post("/accounts/logout/")

    again = web()
    password_step(again, issued.user.username)
    refused = again.post("/accounts/login/code/", {"token": codes[0]})
    assert refused.status_code == 200 and refused.context["form"].errors["token"]
    assert not is_signed_in(again)


def test_an_account_with_a_password_but_no_second_factor_is_told_to_ask_for_a_code(
    make_user, clock
):
    """Accounts from before enrolment codes: the password alone never enrols a second factor."""
    user = make_user("legacy", mfa=False)
    client = web()

    response = password_step(client, user.username)

    assert form_errors(response) == [arabic(views._not_enrolled_message)]
    assert client.get("/accounts/login/code/").url == LOGIN
    assert not TOTPDevice.objects.filter(user=user).exists()


# --- Resets by an administrator ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "action"),
    [("reset-password", "accounts.password_reset"), ("reset-mfa", "accounts.mfa_reset")],
)
def test_a_reset_ends_every_session_and_token_and_the_user_enrols_again(
    make_user, admin, client_for, clock, url, action
):
    user = make_user("karim")
    phone, desk = web("203.0.113.77"), web("203.0.113.78")
    sign_in_with_forms(phone, user)
    clock.shift(30)  # a TOTP code signs in once
    sign_in_with_forms(desk, user)
    halfway = web("203.0.113.79")
    password_step(halfway, user.username)
    token, _secret = token_create(actor=_verified(user), name="script")
    other = make_user("layla")
    bystander = web("203.0.113.80")
    sign_in_with_forms(bystander, other)

    response = client_for(admin).post(f"/admin/users/{user.username}/{url}/")

    assert response.status_code == 200
    code = shown_code(response)
    assert not is_signed_in(phone) and not is_signed_in(desk)
    assert halfway.get("/accounts/login/code/").url == LOGIN
    assert is_signed_in(bystander)  # other people's sessions stay
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    token.refresh_from_db()
    assert token.revoked_at is not None
    user.refresh_from_db()
    assert not user.has_usable_password()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    reset = ledger(action, user).get()
    assert reset.actor_id == admin.pk
    assert json.loads(reset.payload) == {"ended": {"api_tokens": 1, "sessions": 3}}
    revoked = Entry.objects.get(action="api.token_revoked", target_id=str(token.pk))
    assert json.loads(revoked.payload)["reason"] == "sign_in_reset"
    assert json.loads(ledger("accounts.enrolment_issued", user).get().payload)["reason"] in (
        "password",
        "second_factor",
    )
    assert form_errors(password_step(web(), user.username))  # the old password is gone

    assert enrol_with_code(web(), code, NEW_PASSWORD).status_code == 200
    assert ledger("accounts.enrolment_completed", user).exists()


def _verified(user: User) -> User:
    user.is_verified = lambda: True  # type: ignore[attr-defined]
    return user


def test_an_administrator_cannot_reset_their_own_sign_in(admin, client_for, clock):
    client = client_for(admin)
    before = Entry.objects.count()

    response = client.post(f"/admin/users/{admin.username}/reset-password/", follow=True)

    assert response.status_code == 200
    assert escape(arabic(lambda: _self_message())) in response.content.decode()
    assert Entry.objects.count() == before
    assert not Enrolment.objects.filter(user=admin).exists()
    assert is_signed_in(client)


def _self_message() -> str:
    from django.utils.translation import gettext

    return gettext("Ask another administrator to reset your own sign-in.")


def test_someone_who_does_not_manage_the_user_cannot_reset_it(make_user, client_for, clock):
    user = make_user("karim", unit="BGD-KARADA")
    other = make_user("admin.basra", unit="BSR-POL", role="system_admin")

    response = client_for(other).post(f"/admin/users/{user.username}/reset-password/")

    assert response.status_code == 404
    user.refresh_from_db()
    assert user.has_usable_password()
    assert not Enrolment.objects.filter(user=user).exists()
    assert list(Entry.objects.filter(actor_id=other.pk).values_list("action", flat=True)) == [
        "access.denied"
    ]


def test_a_new_code_is_refused_for_an_account_that_has_enrolled(make_user, admin, client_for):
    user = make_user("karim")
    response = client_for(admin).post(f"/admin/users/{user.username}/new-code/", follow=True)
    assert response.status_code == 200
    assert not Enrolment.objects.filter(user=user).exists()


# --- The operator's command line -------------------------------------------------------------------
def test_bootstrap_prints_the_first_administrators_code_and_no_password_is_asked(db):
    out = io.StringIO()
    call_command("bootstrap", username="first.admin", full_name="المدير الأول", stdout=out)

    user = User.objects.get(username="first.admin")
    assert Assignment.objects.get(user=user).role.code == "system_admin"
    assert not user.has_usable_password()
    code = re.search(r"code: (\S+)", out.getvalue()).group(1)
    assert f"/accounts/enrol/{code}/" in out.getvalue()
    assert list(Entry.objects.values_list("action", flat=True)) == [
        "accounts.unit_created",
        "accounts.user_created",
        "accounts.enrolment_issued",
        "access.assignment_granted",
    ]
    assert enrol_with_code(web(), code, NEW_PASSWORD).status_code == 200


def test_the_operator_issues_a_new_code_and_resets_only_when_asked(make_user):
    issued = new_account(make_user)
    out = io.StringIO()
    call_command("enrolment_code", issued.user.username, stdout=out)
    assert "code: " in out.getvalue()
    assert Enrolment.objects.get(user=issued.user, superseded_at__isnull=True).used_at is None

    enrolled = make_user("karim")
    with pytest.raises(CommandError):
        call_command("enrolment_code", "karim", stdout=io.StringIO())
    assert enrolled.has_usable_password()
    call_command("enrolment_code", "karim", "--reset", stdout=io.StringIO())
    enrolled.refresh_from_db()
    assert not enrolled.has_usable_password()
    assert ledger("accounts.password_reset", enrolled).get().actor == "system:cli:enrolment-code"


def test_only_the_operator_may_create_an_account_with_a_chosen_password(admin, tree):
    from dalil import access

    with pytest.raises(access.Denied):
        services.operator_user_create(
            actor=admin,
            unit=tree["BGD-KARADA"],
            username="chosen",
            full_name="كلمة مختارة",
            password=NEW_PASSWORD,
        )
    assert not User.objects.filter(username="chosen").exists()
