"""An investigator, in Arabic, records the crime scene from the case page (with its cordon log and a
photograph), records an item collected there, prints its label, hands it to the evidence custodian, who confirms on the investigator's screen with their own code; then the
custody report is issued and names every event."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from dalil.accounts import auth
from dalil.audit.models import Entry
from dalil.cases import services as case_services
from dalil.evidence.models import CustodyEvent, Item
from dalil.scenes.models import Scene

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


def _photo(folder: Path) -> Path:
    """A camera's JPEG: its EXIF says when it was taken."""
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2026:02:03 09:15:00"
    path = folder / "IMG_0001.JPG"
    Image.new("RGB", (320, 240), (140, 120, 100)).save(path, "JPEG", exif=exif)
    return path


def test_scene_item_label_hand_over_confirmed_by_the_custodian_and_the_custody_report(
    tree: Any, make_user: Any, new_page: Any, live_server: Any, screenshots: Any, tmp_path: Path
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

    # The scene: recorded from the case page, with who went in and a photograph.
    page.goto(f"/cases/{case.number}/")
    page.click(f"a[href='/scenes/record/{case.number}/']")
    page.fill("input[name=title]", "محل الذهب في شارع النهر")
    page.select_option("select[name=governorate]", label="بغداد")
    page.fill("input[name=address]", "شارع النهر، محل رقم 14")
    page.fill("input[name=latitude]", "33.3419")
    page.fill("input[name=longitude]", "44.3901")
    called = timezone.localtime(timezone.now() - dt.timedelta(hours=2))
    page.fill("input[name=called_at]", called.strftime("%Y-%m-%dT%H:%M"))
    page.click("main button[type=submit]")
    page.wait_for_url("**/scenes/SC-*/")
    scene = Scene.objects.get()
    assert page.locator("svg circle[fill='#dc3545']").count() == 1  # on the offline map
    page.click(f"a[href='/scenes/{scene.number}/cordon/']")
    page.check("input[name=cordon][value=inner]")
    page.select_option("select[name=person]", str(officer.pk))
    page.fill("input[name=reason]", "إدارة التحقيق في الموقع")
    page.check("input[name=protective][value=gloves]")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/scenes/{scene.number}/#cordon-h")
    page.click(f"a[href='/scenes/{scene.number}/photos/new/']")
    page.set_input_files("input[name=upload]", str(_photo(tmp_path)))
    page.fill("input[name=description]", "واجهة المحل")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/scenes/{scene.number}/#photos-h")
    assert "2026:02:03 09:15:00" in page.locator("#photos-h").locator("xpath=../..").inner_text()
    page.screenshot(path=str(screenshots / "scene-ar.png"), full_page=True)

    # An item collected at the scene.
    page.click(f"a[href='/evidence/record/{case.number}/?scene={scene.number}']")
    assert page.input_value("input[name=collected_from]") == "شارع النهر، محل رقم 14"
    page.fill("textarea[name=description]", "مسدس نوع كلوك عيار 9 ملم، الرقم التسلسلي BKR417")
    page.select_option("select[name=category]", "weapon")
    page.fill("input[name=seal_number]", "SL-26-00123")
    page.check("input[name=hazards][value=loaded_weapon]")
    page.click("main button[type=submit]")
    page.wait_for_url("**/evidence/items/EV-*/")
    item = Item.objects.get()
    assert item.holder_user == officer and item.seal_number == "SL-26-00123"
    assert item.scene == scene

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
