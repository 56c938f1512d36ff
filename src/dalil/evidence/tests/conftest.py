"""Fixtures of the evidence tests: a BGD-KARADA case led by an investigator, the unit's evidence
custodian and store (a general shelf and a drugs safe), and an outsider of another station."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def lead(make_user: Any) -> Any:
    return make_user("lead.karada", role="investigator", at="BGD-KARADA", language="en")


@pytest.fixture
def case(tree: Any, lead: Any) -> Any:
    from dalil.cases import services

    return services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="سرقة مسلحة", lead=lead)


@pytest.fixture
def custodian(make_user: Any) -> Any:
    return make_user("store.karada", role="evidence_custodian", at="BGD-KARADA", language="en")


@pytest.fixture
def outsider(make_user: Any) -> Any:
    return make_user("out.mansour", unit="BGD-MANSOUR", role="investigator", at="BGD-MANSOUR")


@pytest.fixture
def shelf(tree: Any, custodian: Any) -> Any:
    from dalil.evidence import services

    return services.location_create(
        actor=custodian, unit=tree["BGD-KARADA"], code="R1-S1", name="الرف الأول", kind="shelf"
    )


@pytest.fixture
def drugs_safe(tree: Any, custodian: Any) -> Any:
    from dalil.evidence import services

    return services.location_create(
        actor=custodian,
        unit=tree["BGD-KARADA"],
        code="SAFE-D",
        name="خزنة المخدرات",
        kind="bin",
        categories=["drugs"],
    )


@pytest.fixture
def record(case: Any, lead: Any) -> Any:
    """Record an item in the case, collected by the lead (keyword arguments override)."""
    from dalil.evidence import services

    def make(**kwargs: Any) -> Any:
        fields: dict[str, Any] = {
            "description": "مسدس عيار 9 ملم",
            "category": "weapon",
            "quantity": Decimal("1"),
            "quantity_unit": "piece",
            "seal_number": "S-0001",
        }
        fields.update(kwargs)
        return services.item_record(actor=lead, case=case, **fields)

    return make


@pytest.fixture
def item(record: Any) -> Any:
    return record()
