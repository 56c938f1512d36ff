"""An investigator, in Arabic, opens a case, adds a suspect with the search-as-you-type picker,
records the arrest and a detention order, and finds the deadline on the detainee register."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation

from dalil.accounts import auth
from dalil.audit.ledger import System
from dalil.cases.models import Case, CaseParty
from dalil.detention.models import Detainee
from dalil.parties import services as parties
from dalil.ui import formatting

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


@pytest.mark.usefixtures("operator")
def test_an_investigator_opens_a_case_in_arabic_adds_a_suspect_and_a_detention_order(
    tree: Any, make_user: Any, new_page: Any, live_server: Any, screenshots: Any
) -> None:
    officer = make_user("hayder", role="investigator", at="BGD-KARADA", full_name="حيدر كاظم")
    suspect = parties.person_create(
        actor=System("test"),
        unit=tree["BGD-KARADA"],
        given_name_ar="أحمد",
        family_name_ar="الساعدي",
        given_name_latin="Ahmed",
    )
    page = new_page("ar-IQ")
    page.set_viewport_size({"width": 1366, "height": 768})
    _sign_in(page, officer, live_server)
    assert page.locator("html").get_attribute("dir") == "rtl"
    # The investigator's navigation bar holds on one line at 1366 px: the case pages are grouped.
    bar = page.locator("nav.navbar").bounding_box()
    assert bar is not None and bar["height"] < 80, bar
    page.click("#nav-group-investigations > button")
    page.click("#nav-group-investigations a[href='/cases/']")
    page.wait_for_url("**/cases/")

    page.goto("/cases/new/")
    page.fill("input[name=title]", "سرقة محل صيرفة في الكرادة")
    page.fill("textarea[name=summary]", "سرقة مبلغ من خزانة المحل ليلاً.")
    page.click("main button[type=submit]")
    page.wait_for_url("**/cases/BGD-KARADA-*/")
    case = Case.objects.get()
    assert case.title == "سرقة محل صيرفة في الكرادة" and case.lead == officer

    # The picker: typing the Latin spelling finds the Arabic name.
    page.locator("details:has(form[action$='/parties/add/']) > summary").click()
    form = page.locator("form[action$='/parties/add/']")
    form.locator("#party_entity").fill("Ahmed")
    choice = page.locator(f"input[type=radio][value='person:{suspect.pk}']")
    choice.wait_for()
    choice.check()
    form.locator("select[name=role]").select_option("suspect")
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"**/cases/{case.number}/")
    assert CaseParty.objects.get(case=case).role == "suspect"
    assert "أحمد" in page.locator("#parties-h + table").inner_text()

    # The arrest, two hours ago (Baghdad time), from the case page's detainees panel.
    arrested = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(hours=2)
    page.click(f"a[href='/detention/arrest/{case.number}/']")
    # The case's suspect is offered by the picker before anything is typed.
    page.check(f"input[type=radio][name=person][value='person:{suspect.pk}']")
    page.fill("input[name=arrested_at]", arrested.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=arrest_place]", "شارع أبي نواس، الكرادة")
    page.select_option("select[name=penalty]", "years")
    page.fill("input[name=penalty_years]", "10")
    page.fill("input[name=place_of_detention]", "موقف مركز شرطة الكرادة")
    page.click("main button[type=submit]")
    page.wait_for_url("**/detention/*/")
    detainee = Detainee.objects.get(case=case)
    assert detainee.person_id == suspect.pk and not detainee.registered_late

    # The judge's first order: 15 days from the arrest (the form proposes both).
    page.click(f"a[href='/detention/{detainee.pk}/orders/add/']")
    page.fill("input[name=order_number]", "2026/ت/1187")
    page.fill("input[name=judge_name]", "القاضي سلام حميد")
    page.fill("input[name=court]", "محكمة تحقيق الكرادة")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/detention/{detainee.pk}/")
    detainee.refresh_from_db()
    order_end = arrested + dt.timedelta(days=15)
    assert detainee.next_deadline_at == order_end

    # The register, ordered by the nearest deadline, shows it in Baghdad time, the user's way.
    page.click("#nav-group-investigations > button")
    page.click("#nav-group-investigations a[href='/detention/']")
    page.wait_for_url("**/detention/")
    row = page.locator("tr", has_text=detainee.number)
    with translation.override("ar"):
        expected = formatting.moment(order_end, formatting.style_of(officer))
    assert expected in row.inner_text()
    page.screenshot(path=str(screenshots / "register-ar.png"), full_page=True)
