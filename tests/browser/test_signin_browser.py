"""Sign-in in a real browser: password, then the authenticator code, then the Arabic home page."""

from __future__ import annotations

from typing import Any

import pytest

from dalil.accounts import auth
from dalil.audit.models import Entry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Correct-horse-battery-9"  # what the root conftest's `make_user` sets


@pytest.mark.real_password_hasher
def test_user_signs_in_with_password_and_code_and_sees_the_arabic_home_page(
    make_user: Any, new_page: Any, screenshots: Any, live_server: Any
):
    user = make_user("karim", full_name="كريم عبد الله")
    page = new_page()
    responses: list[Any] = []
    csp_violations: list[str] = []
    page.on("response", lambda response: responses.append(response))
    page.on(
        "console",
        lambda msg: "Content Security Policy" in msg.text and csp_violations.append(msg.text),
    )

    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/login/code/")
    page.fill("input[name=token]", auth.current_code(user))
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert '<html lang="ar" dir="rtl">' in page.content()
    assert user.full_name in page.locator("nav").inner_text()
    assert user.full_name in page.locator("h1").inner_text()
    assert Entry.objects.filter(action="accounts.signed_in", actor_id=user.pk).count() == 1

    css = [r for r in responses if r.url.endswith("/bootstrap.rtl.min.css")]
    assert css and all(r.status == 200 for r in css), [(r.url, r.status) for r in css]
    assert "text/css" in css[0].headers.get("content-type", "")
    # Bootstrap really applied: the navigation bar is laid out as flex, not as a bare list.
    assert page.evaluate("getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    assert not csp_violations, csp_violations

    page.screenshot(path=str(screenshots / "home-ar.png"), full_page=True)
    assert (screenshots / "home-ar.png").stat().st_size > 10_000


def test_wrong_password_shows_the_message_and_keeps_the_user_out(make_user: Any, new_page: Any):
    user = make_user("karim")
    page = new_page(locale="ar-IQ")

    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "Not-the-password-1")
    page.click("button[type=submit]")

    assert page.locator("#error-summary").is_visible()
    page.goto("/")
    assert "/accounts/login/" in page.url
    assert Entry.objects.filter(action="accounts.sign_in_failed", target_id=str(user.pk)).exists()
