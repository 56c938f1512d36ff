"""An administrator creates an account and sees its one-time enrolment code; the new user opens the
link in their own browser, chooses a password, scans (here: reads) the key, types the
authenticator's code and lands signed in (issue #9 §1)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django_otp.oath import TOTP

from dalil.accounts import auth
from dalil.accounts.models import User
from dalil.audit.models import Entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Correct-horse-battery-9"  # what the root conftest's `make_user` sets
CHOSEN = "شاي الصباح في مقهى الشابندر 7"


def _code_from_key(secret: str) -> str:
    """What an authenticator app shows for the key printed under the QR code."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return str(TOTP(key).token()).zfill(6)


def test_admin_creates_a_user_who_enrols_with_the_one_time_link_and_lands_signed_in(
    make_user: Any, new_page: Any, live_server: Any, settings: Any, screenshots: Any
) -> None:
    settings.DALIL_BASE_URL = live_server.url  # the link the confirmation page prints
    admin = make_user("admin.moi", unit="MOI", role="system_admin")
    csp_violations: list[str] = []

    desk = new_page("ar-IQ")
    desk.on(
        "console", lambda m: "Content Security Policy" in m.text and csp_violations.append(m.text)
    )
    desk.goto("/accounts/login/")
    desk.fill("input[name=username]", admin.username)
    desk.fill("input[name=password]", PASSWORD)
    desk.click("main button[type=submit]")
    desk.wait_for_url("**/accounts/login/code/")
    desk.fill("input[name=token]", auth.current_code(admin))
    desk.click("main button[type=submit]")
    desk.wait_for_url(f"{live_server.url}/")

    desk.goto("/admin/units/BGD-KARADA/new-user/")
    assert desk.locator("input[type=password]").count() == 0  # nobody chooses it for the user
    desk.fill("input[name=username]", "new.officer")
    desk.fill("input[name=full_name]", "الملازم سيف علي")
    desk.click("main button[type=submit]")
    link = desk.locator(".enrolment-link").inner_text().strip()
    code = desk.locator(".enrolment-code").inner_text().strip()
    assert link == f"{live_server.url}/accounts/enrol/{code}/"
    desk.screenshot(path=str(screenshots / "enrolment-code-ar.png"), full_page=True)
    user = User.objects.get(username="new.officer")
    assert not user.has_usable_password()

    phone = new_page("ar-IQ")
    phone.on(
        "console", lambda m: "Content Security Policy" in m.text and csp_violations.append(m.text)
    )
    phone.goto(link)
    phone.wait_for_url("**/accounts/enrol/set-up/")  # the code is no longer in the address bar
    assert phone.locator(".qr svg").count() == 1
    phone.fill("input[name=new_password]", CHOSEN)
    phone.fill("input[name=confirm]", CHOSEN)
    phone.fill("input[name=token]", _code_from_key(phone.locator("code.hash").inner_text().strip()))
    phone.screenshot(path=str(screenshots / "enrolment-set-up-ar.png"), full_page=True)
    phone.click("main button[type=submit]")

    assert phone.locator("ul.recovery-codes li").count() == 10
    phone.click("main a.btn-primary")
    phone.wait_for_url(f"{live_server.url}/")
    assert "الملازم سيف علي" in phone.locator("nav").inner_text()
    user.refresh_from_db()
    assert user.check_password(CHOSEN)
    actions = list(
        Entry.objects.filter(target_type="accounts.user", target_id=str(user.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "accounts.user_created",
        "accounts.enrolment_issued",
        "accounts.enrolment_completed",
        "accounts.signed_in",
    ]
    assert not csp_violations, csp_violations
