"""Fixtures of the case-work tests: a BGD-KARADA case led by an investigator, and the people
around it (an investigator member, an observer member, a commander, an outsider)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages and labels read by the assertions in English (the source language)."""
    with translation.override("en"):
        yield


@pytest.fixture
def lead(make_user: Any) -> Any:
    """The lead investigator; reads the pages in English (the other users in Arabic)."""
    return make_user(
        "lead.karada", role="investigator", at="BGD-KARADA", full_name="حيدر الموسوي", language="en"
    )


@pytest.fixture
def case(tree: Any, lead: Any) -> Any:
    from dalil.cases import services

    return services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="قتل عمد", lead=lead)


@pytest.fixture
def colleague(make_user: Any, case: Any, lead: Any) -> Any:
    """An investigator of another station, made an investigator member of the case."""
    from dalil.cases import services

    user = make_user("inv.mansour", unit="BGD-MANSOUR", role="investigator", at="BGD-MANSOUR")
    services.member_add(actor=lead, case=case, user=user, role="investigator")
    return user


@pytest.fixture
def observer(make_user: Any, case: Any, lead: Any) -> Any:
    """An analyst of another unit, an observer member: may read the case, not work on it."""
    from dalil.cases import services

    user = make_user("obs.mansour", unit="BGD-MANSOUR", role="analyst", at="BGD-MANSOUR")
    services.member_add(actor=lead, case=case, user=user, role="observer")
    return user


@pytest.fixture
def outsider(make_user: Any) -> Any:
    return make_user("out.mansour", unit="BGD-MANSOUR", role="investigator", at="BGD-MANSOUR")


@pytest.fixture
def commander(make_user: Any) -> Any:
    return make_user("cmd.bgd", unit="BGD-POL", role="commander", at="BGD-POL")
