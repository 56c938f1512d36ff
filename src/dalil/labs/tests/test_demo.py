"""The demonstration laboratory: four sections, two requests from the Karrada case (one accepted),
loaded once through the services."""

from __future__ import annotations

import pytest

from dalil.audit.models import Entry
from dalil.labs import demo
from dalil.labs.models import LabRequest, Section

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("demo_operator")
def test_the_demo_laboratory_loads_once() -> None:
    from dalil.accounts import demo as accounts_demo
    from dalil.cases import demo as cases_demo

    assert demo.load() == 0  # no laboratory yet
    accounts_demo.load()
    cases_demo.load()
    assert demo.load() == len(demo.SECTIONS) + 1 + len(demo.REQUESTS)  # + the intake store
    counts = (LabRequest.objects.count(), Entry.objects.count())
    assert demo.load() == 0 and counts == (LabRequest.objects.count(), Entry.objects.count())
    assert set(Section.objects.values_list("kind", flat=True)) == set(demo.SECTIONS)
    states = sorted(LabRequest.objects.values_list("state", flat=True))
    assert states == ["accepted", "submitted"]
    accepted = LabRequest.objects.get(state="accepted")
    assert accepted.decided_by.username == demo.SUPERVISOR and accepted.priority == "urgent"
    swab = accepted.lab_items.get()
    assert swab.lab_number.startswith("FOR-BGD-LAB-")
    assert list(swab.item.custody.order_by("seq").values_list("kind", flat=True)) == [
        "collected",
        "released",
        "received",
    ]
