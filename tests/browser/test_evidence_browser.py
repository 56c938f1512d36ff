"""An investigator, in Arabic, records an item from the case page, prints its label, hands it to
the evidence custodian, who confirms on the investigator's screen with their own code; then the
custody report is issued and names every event."""

from __future__ import annotations

from typing import Any

import pytest

from dalil.accounts import auth
from dalil.audit.models import Entry
from dalil.cases import services as case_services
from dalil.evidence.models import CustodyEvent, Item

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


def test_item_label_hand_over_confirmed_by_the_custodian_and_the_custody_report(
    tree: Any, make_user: Any, new_page: Any, live_server: Any, screenshots: Any
) -> None:
    officer = make_user("hayder", role="investigator", at="BGD-KARADA", full_name="حيدر كاظم")
    custodian = make_user(
        "nour", role="evidence_custodian", at="BGD-KARADA", full_name="نور الهدى الكعبي"
    )
    case = case_services.case_create(
        actor=officer, unit=tree["BGD-KARADA"], title="سطو مسلح على محل ذهب", lead=officer
    )
    page = new_page("ar-IQ")
    _sign_in(page, officer, live_server)
    assert page.locator("html").get_attribute("dir") == "rtl"

    page.goto(f"/cases/{case.number}/")
    page.click(f"a[href='/evidence/record/{case.number}/']")
    page.fill("textarea[name=description]", "مسدس نوع كلوك عيار 9 ملم، الرقم التسلسلي BKR417")
    page.select_option("select[name=category]", "weapon")
    page.fill("input[name=seal_number]", "SL-26-00123")
    page.check("input[name=hazards][value=loaded_weapon]")
    page.click("main button[type=submit]")
    page.wait_for_url("**/evidence/items/EV-*/")
    item = Item.objects.get()
    assert item.holder_user == officer and item.seal_number == "SL-26-00123"

    # The label: a PDF comes back.
    page.click(f"a[href='/evidence/items/{item.number}/label/']")
    with page.expect_download() as label:
        page.click("main button[type=submit]")
    assert label.value.suggested_filename == f"label-{item.number}.pdf"

    # Hand it to the custodian, who confirms here with the code of their authenticator.
    page.goto(f"/evidence/items/{item.number}/hand-over/")
    page.select_option("select[name=to_user]", str(custodian.pk))
    page.fill("input[name=purpose]", "إيداع في مخزن المبرزات")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/evidence/items/{item.number}/")
    page.click(f"a[href='/evidence/items/{item.number}/receive-here/']")
    page.fill("input[name=username]", custodian.username)
    page.fill("input[name=secret]", auth.current_code(custodian))
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/evidence/items/{item.number}/")
    item.refresh_from_db()
    assert item.holder_user == custodian and item.state == "held"
    kinds = list(CustodyEvent.objects.filter(item=item).values_list("kind", flat=True))
    assert kinds == ["collected", "released", "received"]
    assert "نور الهدى الكعبي" in page.locator("#custody-h").locator("xpath=../..").inner_text()
    page.screenshot(path=str(screenshots / "evidence-item-ar.png"), full_page=True)

    # The court's custody report.
    page.click(f"a[href='/evidence/items/{item.number}/custody-report/']")
    with page.expect_download() as report:
        page.click("main button[type=submit]")
    assert report.value.suggested_filename.endswith(".pdf")
    assert Entry.objects.filter(action="reports.document_issued").count() == 1
