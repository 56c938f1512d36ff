"""The demonstration evidence loads once, through the services, on the demo cases."""

from __future__ import annotations

import pytest

from dalil.audit.models import Entry
from dalil.evidence import demo
from dalil.evidence.models import (
    CustodyEvent,
    DigitalFile,
    Disposition,
    InventoryAudit,
    Item,
    StorageLocation,
)

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("demo_operator")
def test_the_demo_loads_the_store_and_the_items_once_with_their_stories():
    from dalil.accounts import demo as accounts_demo
    from dalil.cases import demo as cases_demo

    assert demo.load() == 0  # no demo cases yet: nothing to hang items on
    accounts_demo.load()
    cases_demo.load()
    assert demo.load() == len(demo.LOCATIONS) + len(demo.SPECS) + len(demo.DISPOSITIONS) + 2
    counts = (StorageLocation.objects.count(), CustodyEvent.objects.count(), Entry.objects.count())
    assert demo.load() == 0
    assert counts == (
        StorageLocation.objects.count(),
        CustodyEvent.objects.count(),
        Entry.objects.count(),
    )
    assert StorageLocation.objects.get(code="R1-SAFE-D").categories == ["drugs"]
    stored = Item.objects.filter(holder_location__isnull=False, state="held")
    assert stored.count() >= Item.objects.count() / 2 - 1  # one of the stored was destroyed
    assert all(i.holder_location.takes(i.category) for i in stored)
    assert Item.objects.filter(state="in_transit", transit_to_location__isnull=False).count() == 2
    assert CustodyEvent.objects.filter(kind="cancelled").count() == 1
    assert CustodyEvent.objects.filter(kind="received", confirmed_on_session_of__isnull=False)
    resealed = Item.objects.get(seal_state="resealed")
    assert resealed.custody.get(seq=1).seal_number != resealed.seal_number
    assert Item.objects.filter(holder_user__username="investigator.basra").count() == 2
    destroyed = Item.objects.get(state="disposed")
    assert destroyed.custody.order_by("-seq").first().kind == "disposed"
    assert Disposition.objects.get(item=destroyed).witness is not None
    assert Disposition.objects.filter(state="requested", kind="return").count() == 1
    count = InventoryAudit.objects.get()
    assert count.state == "finished" and count.result["missing"] == []
    assert count.result["unknown"] == ["KRD-2019-0412"]
    image = DigitalFile.objects.get()
    assert image.md5 and image.verifications.get().result == "ok"
