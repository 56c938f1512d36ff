"""Fixtures of the detainee register's tests: a case of BGD-KARADA led by an investigator, a person
that investigator may see, a commander over Baghdad, and internal-affairs staff."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages are checked in English (the source language); the pages of the users below too."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def lead(make_user: Any) -> Any:
    return make_user("lead.karada", role="investigator", at="BGD-KARADA", language="en")


@pytest.fixture
def case(tree: Any, lead: Any) -> Any:
    from dalil.cases import services

    case = services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="قتل عمد", lead=lead)
    services.offence_add(actor=lead, case=case, code="0101", stage="completed")
    return case


@pytest.fixture
def person(tree: Any, operator: Any) -> Any:
    from dalil.audit.ledger import System
    from dalil.parties import services

    return services.person_create(
        actor=System("test"),
        unit=tree["BGD-KARADA"],
        given_name_ar="حسين",
        father_name_ar="فاضل",
        family_name_ar="الدليمي",
        given_name_latin="Hussein",
        family_name_latin="al-Dulaimi",
    )


@pytest.fixture
def commander(make_user: Any) -> Any:
    return make_user("commander.bgd", unit="BGD-POL", role="commander", at="BGD-POL", language="en")


@pytest.fixture
def ia_user(make_user: Any) -> Any:
    from dalil.access.models import Clearance, Compartment

    user = make_user("ia.inv", unit="MOI-IA", role="ia_investigator", at="MOI-IA", language="en")
    Clearance.objects.create(
        user=user, compartment=Compartment.objects.get(code="internal_affairs")
    )
    return user


@pytest.fixture
def arrest(case: Any, lead: Any, person: Any) -> Callable[..., Any]:
    """Record an arrest with sensible defaults (arrested 2 hours ago, registered now)."""
    from dalil.detention import services

    def make(**kwargs: Any) -> Any:
        now = kwargs.pop("now", None) or timezone.now()
        values: dict[str, Any] = {
            "actor": lead,
            "case": case,
            "person": person,
            "arrested_at": now - 2 * H,
            "arrest_place": "الكرادة داخل",
            "arresting_unit": case.unit,
            "place_of_detention": "موقف مركز شرطة الكرادة",
            "penalty": "years",
            "penalty_years": 10,
            "now": now,
        }
        values.update(kwargs)
        return services.arrest_record(**values)

    return make


@pytest.fixture
def order(lead: Any) -> Callable[..., Any]:
    from dalil.detention import services

    def make(detainee: Any, starts_at: dt.datetime, days: int, **kwargs: Any) -> Any:
        values: dict[str, Any] = {
            "actor": lead,
            "detainee": detainee,
            "starts_at": starts_at,
            "days": days,
            "order_number": "ت/1",
            "judge_name": "القاضي حسن",
            "court": "محكمة تحقيق الكرادة",
            "issued_on": timezone.localdate(detainee.arrested_at),
        }
        values.update(kwargs)
        return services.order_record(**values)

    return make
