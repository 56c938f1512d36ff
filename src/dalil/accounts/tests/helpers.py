"""Driving the sign-in and enrolment pages with Django's test client, as a browser would."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.test import Client
from django.utils import translation
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from dalil.accounts import auth
from dalil.accounts.models import User
from dalil.audit.models import Entry

LOGIN = "/accounts/login/"
CODE = "/accounts/login/code/"
ENROL = "/accounts/enrol/"
SETUP = "/accounts/enrol/set-up/"
LOGOUT = "/accounts/logout/"
HOME = "/"
# The password the root conftest's `make_user` gives (not imported: with several conftest.py
# files, `import conftest` finds whichever was loaded last).
PASSWORD = "Correct-horse-battery-9"
ATTACKER = "198.51.100.23"  # documentation addresses (RFC 5737)
OWNER = "203.0.113.77"


def web(address: str = "127.0.0.1", **extra: Any) -> Client:
    return Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR=address, **extra)


def arabic(text_fn: Any, *args: Any) -> str:
    """A message as the Arabic interface (the default language) shows it."""
    with translation.override("ar"):
        return str(text_fn(*args))


def password_step(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post(LOGIN, {"username": username, "password": password})


def code_step(client: Client, token: str) -> Any:
    return client.post(CODE, {"token": token})


def sign_in_with_forms(client: Client, user: User) -> Any:
    first = password_step(client, user.username)
    assert first.status_code == 302 and first.url == CODE, form_errors(first)
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
    if response.context is None or "form" not in response.context:
        return []
    return [str(e) for e in response.context["form"].non_field_errors()]


def wrong_code(user: User) -> str:
    right = auth.current_code(user)
    return "000000" if right != "000000" else "111111"


def ledger(action: str, user: User) -> Any:
    return Entry.objects.filter(action=action, target_type="accounts.user", target_id=str(user.pk))


def session_key(client: Client) -> str | None:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie.value if cookie else None


def pending_device_code(user: User) -> str:
    """The code the authenticator shows for the device being enrolled (its key is on the page)."""
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(device.digits)


def shown_code(response: Any) -> str:
    """The one-time enrolment code on the administrator's confirmation page."""
    found = re.search(r'class="enrolment-code[^"]*">([0-9A-Z-]+)<', response.content.decode())
    assert found, "no enrolment code on the page"
    return found.group(1)


def enrol_with_code(client: Client, code: str, password: str = PASSWORD) -> Any:
    """Open the link, choose the password, confirm the authenticator: the recovery-codes page."""
    opened = client.get(f"{ENROL}{code}/")
    assert opened.status_code == 302 and opened.url == SETUP, opened.content.decode()[:500]
    page = client.get(SETUP)
    assert page.status_code == 200
    user = page.context["subject"]
    return client.post(
        SETUP,
        {"new_password": password, "confirm": password, "token": pending_device_code(user)},
    )
