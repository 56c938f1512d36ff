"""CO-8 in a real browser: create a token on "My API tokens", then use the API docs (Swagger UI,
vendored, started without inline script) with the signed-in session."""

from __future__ import annotations

from typing import Any

import pytest

from dalil.accounts import auth
from dalil.api.models import ApiToken

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Correct-horse-battery-9"  # what the root conftest's `make_user` sets


def _sign_in(page: Any, user: Any, live_server: Any) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/login/code/")
    page.fill("input[name=token]", auth.current_code(user))
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_user_creates_a_token_and_tries_the_api_in_the_docs_without_csp_violations(
    make_user: Any, new_page: Any, live_server: Any
):
    user = make_user("karim", role="commander", language="en")
    page = new_page()
    csp_violations: list[str] = []
    page.on(
        "console", lambda m: "Content Security Policy" in m.text and csp_violations.append(m.text)
    )
    page.on("pageerror", lambda e: csp_violations.append(f"page error: {e}"))
    _sign_in(page, user, live_server)

    # In every signed-in user's own menu, under their name.
    page.locator("nav .dropdown:has(a[href='/api/tokens/']) > .dropdown-toggle").click()
    page.click("nav a[href='/api/tokens/']")
    page.wait_for_url("**/api/tokens/")
    page.fill("input[name=name]", "statistics export")
    page.click("form button[type=submit]:has-text('Create token')")
    secret = page.locator("#new-token code").inner_text().strip()
    assert secret.startswith("dalil_")
    assert ApiToken.objects.get(user=user).name == "statistics export"

    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Dalil API" in page.locator(".swagger-ui .info .title").inner_text()
    block = page.locator("#operations-me-me_retrieve")
    block.locator(".opblock-summary").click()
    page.click("#operations-me-me_retrieve button.try-out__btn")
    with page.expect_response(lambda r: r.url.endswith("/api/v1/me/")) as answer:
        page.click("#operations-me-me_retrieve button.execute")
    assert answer.value.status == 200
    assert answer.value.json()["username"] == "karim"
    assert not csp_violations, csp_violations
