"""EV-4 inventory audits: custodians scan what they find in a location (and the places inside it);
the kept report lists what was found, what is missing, what is recorded elsewhere and codes that
are no item. Who may not audit is refused; the ledger keeps counts and digests, not item numbers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from dalil import access
from dalil.audit.models import Entry
from dalil.evidence import inventory, services
from dalil.evidence.models import AuditScan, InventoryAudit

pytestmark = pytest.mark.django_db(transaction=True)


def into(item: Any, lead: Any, custodian: Any, where: Any) -> Any:
    item = services.transfer_release(
        actor=lead, item=item, version=item.version, to_location=where, purpose="إيداع"
    )
    return services.transfer_confirm(actor=custodian, item=item, version=item.version)


@pytest.fixture
def room(tree: Any, custodian: Any) -> Any:
    return services.location_create(
        actor=custodian, unit=tree["BGD-KARADA"], code="R1", name="الغرفة 1", kind="room"
    )


@pytest.fixture
def bin_(tree: Any, custodian: Any, room: Any) -> Any:
    return services.location_create(
        actor=custodian,
        unit=tree["BGD-KARADA"],
        code="R1-B1",
        name="صندوق",
        kind="bin",
        parent=room,
    )


def test_the_report_lists_found_missing_misplaced_and_unknown(
    record: Any, lead: Any, custodian: Any, room: Any, bin_: Any, shelf: Any
) -> None:
    found = into(record(seal_number="S-1"), lead, custodian, bin_)  # inside the room
    missing = into(record(seal_number="S-2"), lead, custodian, room)
    elsewhere = into(record(seal_number="S-3"), lead, custodian, shelf)  # another store
    with_lead = record(seal_number="S-4")  # still held by the investigator
    count = inventory.audit_start(actor=custodian, location=room)
    for code in (found.number, elsewhere.number.lower(), with_lead.number, "XYZ-1"):
        scan, _what = inventory.audit_scan(actor=custodian, audit_row=count, code=code)
        assert scan is not None
    before = Entry.objects.count()
    again, what = inventory.audit_scan(actor=custodian, audit_row=count, code=found.number)
    assert (again, what) == (None, "again") and Entry.objects.count() == before
    label = inventory.audit_scan(
        actor=custodian,
        audit_row=count,
        code=f"https://dalil.local/evidence/items/{missing.number}/",
    )
    assert label[1] == "item"
    inventory.audit_scan(actor=custodian, audit_row=count, code=missing.number)  # again: no row
    done = inventory.audit_finish(actor=custodian, audit_row=count, notes="جرد دوري")
    result = done.result
    assert result["expected"] == 2
    assert result["found"] == sorted([found.number, missing.number])
    assert result["missing"] == []
    assert [m["number"] for m in result["misplaced"]] == sorted(
        [elsewhere.number, with_lead.number]
    )
    assert result["unknown"] == ["XYZ-1"]
    entry = Entry.objects.filter(action="evidence.audit_finished").get()
    payload = json.loads(entry.payload)
    assert payload["misplaced"] == 2 and payload["unknown"] == 1
    numbers = [found.number, missing.number, elsewhere.number, with_lead.number]
    for e in Entry.objects.filter(action__startswith="evidence.audit"):
        assert not any(n in e.payload for n in numbers), e.action


def test_an_item_not_scanned_is_missing(record: Any, lead: Any, custodian: Any, shelf: Any) -> None:
    kept = into(record(), lead, custodian, shelf)
    count = inventory.audit_start(actor=custodian, location=shelf)
    done = inventory.audit_finish(actor=custodian, audit_row=count)
    assert done.result["missing"] == [kept.number] and done.result["found"] == []
    with pytest.raises(ValidationError, match="finished"):
        inventory.audit_scan(actor=custodian, audit_row=done, code=kept.number)


def test_only_custodians_audit_and_one_count_at_a_time(
    custodian: Any, lead: Any, shelf: Any, outsider: Any
) -> None:
    for stranger in (lead, outsider):
        with pytest.raises(access.Denied):
            inventory.audit_start(actor=stranger, location=shelf)
    assert not InventoryAudit.objects.exists()
    count = inventory.audit_start(actor=custodian, location=shelf)
    with pytest.raises(ValidationError, match="already under way"):
        inventory.audit_start(actor=custodian, location=shelf)
    with pytest.raises(access.Denied):
        inventory.audit_scan(actor=lead, audit_row=count, code="EV-2026-000001")
    with transaction.atomic(), pytest.raises(IntegrityError):
        InventoryAudit.objects.create(location=shelf, started_at=timezone.now())


def test_a_bad_code_is_refused_and_the_scans_are_append_only(custodian: Any, shelf: Any) -> None:
    count = inventory.audit_start(actor=custodian, location=shelf)
    with pytest.raises(ValidationError) as refused:
        inventory.audit_scan(actor=custodian, audit_row=count, code="مبرز ١")
    assert "code" in refused.value.message_dict
    assert not AuditScan.objects.exists()
    scan, _ = inventory.audit_scan(actor=custodian, audit_row=count, code="abc-1")
    assert scan is not None and scan.code == "ABC-1"
    with transaction.atomic(), pytest.raises(DatabaseError):
        AuditScan.objects.filter(pk=scan.pk).update(code="ABC-2")


def test_the_pages_count_a_shelf(
    client_for: Any, record: Any, lead: Any, custodian: Any, shelf: Any
) -> None:
    kept = into(record(), lead, custodian, shelf)
    store = client_for(custodian)
    location_page = store.get(reverse("evidence:location_detail", args=[shelf.pk])).content.decode()
    assert reverse("evidence:audit_start", args=[shelf.pk]) in location_page
    started = store.post(reverse("evidence:audit_start", args=[shelf.pk]), {"go": "1"})
    count = InventoryAudit.objects.get()
    assert started["Location"] == reverse("evidence:audit_detail", args=[count.pk])
    page = store.get(started["Location"]).content.decode()
    assert "0</strong>" in page and 'name="code"' in page
    store.post(reverse("evidence:audit_scan", args=[count.pk]), {"code": "NOPE-1"})
    finished = store.post(reverse("evidence:audit_finish", args=[count.pk]), {"notes": "x"})
    assert finished.status_code == 302
    report = store.get(finished["Location"]).content.decode()
    assert kept.number in report and "NOPE-1" in report
    assert (
        client_for(lead).get(reverse("evidence:audit_detail", args=[count.pk])).status_code == 404
    )
