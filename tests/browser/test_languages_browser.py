"""The shell in a real browser (CO-6, UI shell, CO-10): Arabic right-to-left with the navigation
mirrored, the navbar switcher to Sorani and English, the vendored Arabic font, no CSP violation,
the confirmation dialog, htmx swapping only the list table, and the layout at 1366×768 and on a
768-px tablet. Saves docs/screenshots/home-ar.png (`make screenshots`)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from dalil.access.models import Assignment
from dalil.accounts import auth

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Correct-horse-battery-9"  # what the root conftest's `make_user` sets
LAPTOP = {"width": 1366, "height": 768}
TABLET = {"width": 768, "height": 1024}


def _watch(page: Any) -> dict[str, list[Any]]:
    seen: dict[str, list[Any]] = {"responses": [], "csp": [], "outside": []}
    page.on("response", lambda r: seen["responses"].append(r))
    page.on("console", lambda m: "Content Security Policy" in m.text and seen["csp"].append(m.text))
    page.on(
        "request",
        lambda r: (
            not r.url.startswith(("http://localhost", "http://127.0.0.1", "data:"))
            and seen["outside"].append(r.url)
        ),
    )
    return seen


def _sign_in(page: Any, user: Any, live_server: Any) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/accounts/login/code/")
    page.fill("input[name=token]", auth.current_code(user))
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _box(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box, f"{selector} is not laid out"
    return box


def _switch_language(page: Any, code: str) -> None:
    page.click("#nav-language-toggle")
    with page.expect_navigation():
        page.click(f"#nav-language button[value={code}]")


def _translated(lang: str, message: str) -> str:
    with translation.override(lang):
        return gettext(message)


def test_arabic_is_right_to_left_with_mirrored_navigation_and_the_switcher_changes_to_sorani_and_english(
    make_user: Any, new_page: Any, screenshots: Any, live_server: Any
):
    user = make_user("layla", full_name="ليلى حسن", unit="MOI", role="system_admin")
    page = new_page()
    page.set_viewport_size(LAPTOP)
    seen = _watch(page)
    _sign_in(page, user, live_server)

    # Arabic, right to left: the brand sits on the right, the menu entries to its left.
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    brand, first_link = _box(page, "#brand"), _box(page, "#mainnav .nav-link")
    assert brand["x"] + brand["width"] > LAPTOP["width"] - 80, brand
    assert first_link["x"] < brand["x"], (first_link, brand)
    heading = page.locator("#h-roles").inner_text()
    assert heading == _translated("ar", "Your units and roles") != "Your units and roles"

    # The vendored Vazirmatn font is loaded from our host and used for the Arabic text.
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px Vazirmatn')")
    fonts = [r for r in seen["responses"] if r.url.endswith(".woff2")]
    assert fonts and all(
        r.status == 200 and "/static/vendor/vazirmatn-33.0.3/" in r.url for r in fonts
    )
    assert "Vazirmatn" in page.evaluate("getComputedStyle(document.body).fontFamily")
    # 1366×768: nothing sticks out sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    page.screenshot(path=str(screenshots / "home-ar.png"), full_page=True)
    assert (screenshots / "home-ar.png").stat().st_size > 10_000

    # Sorani with the navbar switcher: still right to left, Sorani words.
    _switch_language(page, "ckb")
    assert page.locator("html").get_attribute("lang") == "ckb"
    assert page.locator("html").get_attribute("dir") == "rtl"
    sorani = _translated("ckb", "Your units and roles")
    assert sorani != _translated("ar", "Your units and roles") and any(c in sorani for c in "ڕڵێۆە")
    assert page.locator("#h-roles").inner_text() == sorani
    brand = _box(page, "#brand")
    assert brand["x"] + brand["width"] > LAPTOP["width"] - 80, brand

    # English: left to right, the brand on the left.
    _switch_language(page, "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.locator("#h-roles").inner_text() == "Your units and roles"
    brand, first_link = _box(page, "#brand"), _box(page, "#mainnav .nav-link")
    assert brand["x"] < 80 and first_link["x"] > brand["x"], (brand, first_link)
    user.refresh_from_db()
    assert user.language == "en"

    assert not seen["csp"], seen["csp"]
    assert not seen["outside"], seen["outside"]


def test_list_filters_swap_only_the_table_and_fit_a_tablet(
    make_user: Any, new_page: Any, live_server: Any
):
    user = make_user("rana", unit="MOI", role="system_admin", language="en")
    page = new_page()
    page.set_viewport_size(TABLET)
    seen = _watch(page)
    _sign_in(page, user, live_server)

    page.goto("/admin/units/")
    # On a tablet the navigation folds behind the toggler and nothing scrolls sideways.
    assert page.locator(".navbar-toggler").is_visible()
    assert not page.locator("#mainnav .nav-link").first.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET["width"]
    page.evaluate("window.__sameDocument = true")

    with page.expect_response(
        lambda r: "kind=station" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        page.select_option("#id_kind", "station")
    # Polling with a JS string would need eval, which the CSP (rightly) refuses; wait with
    # Playwright's own assertions instead.
    expect(page).to_have_url(re.compile(r"kind=station"))
    expect(page.locator("#list-table tbody tr")).to_have_count(3)
    assert page.evaluate("window.__sameDocument === true"), "the whole page was reloaded"
    assert "3 records" in page.locator("#list-count").inner_text()

    # Sorting by a header keeps the filter, and the browser's address follows.
    with page.expect_response(lambda r: "sort=-code" in r.url or "sort=code" in r.url):
        page.click("#list-table th.sortable >> text=Code")
    expect(page).to_have_url(re.compile(r"(?=.*sort=code)(?=.*kind=station)"))
    codes = page.locator("#list-table tbody tr td:nth-child(2)").all_inner_texts()
    assert codes == sorted(codes) and len(codes) == 3
    assert page.evaluate("window.__sameDocument === true")

    # Reloading the pushed address gives the whole page with the same list.
    page.reload()
    assert page.locator("#list-filters").is_visible()
    assert page.locator("#list-table tbody tr").count() == 3
    assert not seen["csp"], seen["csp"]


def test_an_irreversible_action_asks_in_a_dialog_and_cancel_changes_nothing(
    make_user: Any, new_page: Any, live_server: Any
):
    admin = make_user("samir", unit="MOI", role="system_admin", language="en")
    target = make_user("officer.k", role="investigator")
    page = new_page()
    page.set_viewport_size(LAPTOP)
    seen = _watch(page)
    _sign_in(page, admin, live_server)
    page.goto(f"/admin/users/{target.username}/")

    withdraw = page.locator("form[data-confirm] button", has_text="Withdraw")
    withdraw.click()
    dialog = page.locator("#confirm-dialog")
    dialog.wait_for(state="visible")
    assert page.locator("#confirm-message").inner_text() == "Withdraw this role?"
    dialog.locator("button", has_text="Cancel").click()
    dialog.wait_for(state="hidden")
    assert Assignment.objects.filter(user=target).count() == 1

    withdraw.click()
    dialog.wait_for(state="visible")
    with page.expect_navigation():
        page.click("#confirm-ok")
    assert page.locator(".alert-success").inner_text().strip() == "The role has been withdrawn."
    assert Assignment.objects.filter(user=target).count() == 0
    assert not seen["csp"], seen["csp"]
