"""An investigator records an extension from the judge's decision: the detainee's page points to
the decision, the order form comes with it chosen and hides the particulars it supplies."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from dalil.audit.ledger import System
from dalil.cases import services as case_services
from dalil.detention import services as detention
from dalil.detention.models import DetentionOrder
from dalil.judicial import services as judicial
from dalil.parties import services as parties

from .test_investigation_browser import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("operator")
def test_an_order_is_recorded_from_the_judges_decision_in_a_few_clicks(
    tree: Any, make_user: Any, new_page: Any, live_server: Any
) -> None:
    officer = make_user("hayder", role="investigator", at="BGD-KARADA", full_name="حيدر كاظم")
    person = parties.person_create(
        actor=System("test"),
        unit=tree["BGD-KARADA"],
        given_name_ar="أحمد",
        family_name_ar="الساعدي",
    )
    case = case_services.case_create(
        actor=officer, unit=tree["BGD-KARADA"], title="سرقة", lead=officer
    )
    detainee = detention.arrest_record(
        actor=officer,
        case=case,
        person=person,
        arrested_at=timezone.now() - dt.timedelta(hours=3),
        arrest_place="الكرادة",
        arresting_unit=case.unit,
        place_of_detention="موقف مركز شرطة الكرادة",
        penalty="years",
        penalty_years=10,
    )
    named = case_services.case_party_add(actor=officer, case=case, entity=person, role="suspect")
    req = judicial.request_create(
        actor=officer,
        case=case,
        persons=[named],
        kind="other",
        grounds="عرض الموقوف على القاضي لإصدار أمر التوقيف وفق الأصول.",
        court="محكمة تحقيق الكرادة",
    )
    judicial.request_submit(actor=officer, req=req)
    decision = judicial.decision_record(
        actor=officer,
        req=req,
        order_number="77/ت/2026",
        decided_on=timezone.localdate(),
        judge_name="القاضي حيدر الموسوي",
        outcome="granted",
        text="تقرر توقيف المتهم خمسة عشر يوماً.",
    )

    page = new_page("ar-IQ")
    _sign_in(page, officer, live_server)
    page.goto(f"/detention/{detainee.pk}/")
    page.click(f"#awaiting-decisions a[href$='?decision={decision.pk}']")
    page.wait_for_url(f"**/orders/add/?decision={decision.pk}")
    assert page.locator("#id_decision").input_value() == str(decision.pk)
    # The particulars come from the decision: their fields are out of the way.
    assert not page.locator("#id_order_number").is_visible()
    page.select_option("#id_decision", "")
    assert page.locator("#id_order_number").is_visible()
    page.select_option("#id_decision", str(decision.pk))
    assert not page.locator("#id_court").is_visible()
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/detention/{detainee.pk}/")
    order = DetentionOrder.objects.get()
    assert (order.decision, order.order_number, order.court) == (
        decision,
        "77/ت/2026",
        "محكمة تحقيق الكرادة",
    )
    assert page.locator("#awaiting-decisions").count() == 0
