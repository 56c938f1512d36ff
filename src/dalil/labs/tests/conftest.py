"""Fixtures of the laboratory tests: the evidence tests' Karrada case, its lead and custodian
(imported), a forensic laboratory under MOI with four sections, its supervisor and examiner."""

from __future__ import annotations

from typing import Any

import pytest

from dalil.evidence.tests.conftest import (  # noqa: F401  (fixtures)
    _english,
    case,
    custodian,
    item,
    lead,
    outsider,
    record,
    shelf,
)


def make_lab(tree: Any, code: str = "FOR-LAB", kinds: tuple[str, ...] = ()) -> Any:
    from dalil.access import operator_command
    from dalil.accounts import services
    from dalil.labs.models import Section

    with operator_command("test") as actor:
        lab = services.unit_create(
            actor=actor,
            parent=tree["MOI"],
            code=code,
            kind="lab",
            name_ar=f"مختبر {code}",
            name_en=f"Laboratory {code}",
        )
    for kind in kinds or ("drugs", "firearms", "prints", "dna"):
        Section.objects.create(lab=lab, kind=kind)
    tree[code] = lab  # so that make_user(unit=code) finds it
    return lab


@pytest.fixture
def lab(tree: Any) -> Any:
    return make_lab(tree)


@pytest.fixture
def supervisor(make_user: Any, lab: Any) -> Any:
    return make_user("lab.sup", role="lab_supervisor", unit="FOR-LAB", at="FOR-LAB", language="en")


@pytest.fixture
def examiner(make_user: Any, lab: Any) -> Any:
    return make_user("lab.exa", role="lab_examiner", unit="FOR-LAB", at="FOR-LAB", language="en")
