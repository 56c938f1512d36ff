from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone, translation

from dalil.cases import services as case_services
from dalil.cases.models import CaseMember
from dalil.judicial import services

GROUNDS = "تشير الأدلة المضبوطة وإفادات الشهود إلى تورط المشتبه به في الجريمة موضوع التحقيق."
TITLE = "سرقة مصرف الرافدين في الكرادة"


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Service messages are asserted in English, whatever the translation catalogue holds."""
    with translation.override("en"):
        yield


@pytest.fixture
def lead(make_user: Any) -> Any:
    return make_user("jud.lead", role="investigator", at="BGD-KARADA")


@pytest.fixture
def case(tree: Any, lead: Any) -> Any:
    return case_services.case_create(
        actor=lead, unit=tree["BGD-KARADA"], title=TITLE, lead=lead, summary="ملخص القضية"
    )


@pytest.fixture
def member(make_user: Any, case: Any) -> Any:
    """Make a user of another unit a member of the case in `role`."""

    def make(username: str, role: str) -> Any:
        user = make_user(username, unit="BGD-MANSOUR", role="investigator", at="BGD-MANSOUR")
        CaseMember.objects.create(case=case, user=user, role=role)
        return user

    return make


@pytest.fixture
def draft(case: Any, lead: Any) -> Any:
    return services.request_create(
        actor=lead,
        case=case,
        kind="search_warrant",
        grounds=GROUNDS,
        court="محكمة تحقيق الكرادة",
    )


@pytest.fixture
def submitted(draft: Any, lead: Any) -> Any:
    return services.request_submit(actor=lead, req=draft)


def decide(actor: Any, req: Any, **kw: Any) -> Any:
    today = timezone.localdate()
    args: dict[str, Any] = {
        "order_number": "412/ت/2026",
        "decided_on": today,
        "judge_name": "القاضي حيدر الموسوي",
        "outcome": "granted",
        "text": "تقرر الإذن بالتفتيش.",
        "deadlines": [
            services.DeadlineInput("warrant_valid_until", timezone.now() + dt.timedelta(days=7))
        ],
    }
    args.update(kw)
    return services.decision_record(actor=actor, req=req, **args)
