"""EV-1, EV-3: the register and the two-person chain of custody, through the services."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.http import Http404

from dalil.audit.models import Entry
from dalil.evidence import services
from dalil.evidence.models import CustodyEvent, Item
from dalil.search.query import parse, run

pytestmark = pytest.mark.django_db


def chain(item: Item) -> list[tuple[int, str]]:
    return list(CustodyEvent.objects.filter(item=item).order_by("seq").values_list("seq", "kind"))


def nothing_written(before: tuple[int, int, int]) -> bool:
    return (Item.objects.count(), CustodyEvent.objects.count(), Entry.objects.count()) == before


def counts() -> tuple[int, int, int]:
    return Item.objects.count(), CustodyEvent.objects.count(), Entry.objects.count()


def test_a_recorded_item_gets_the_next_number_and_is_held_by_its_collector(item, record, lead):
    second = record(description="ظرف فوارغ", category="other", seal_number="S-0002")
    assert item.number.startswith("EV-") and item.number.endswith("-000001")
    assert second.number.endswith("-000002")
    assert item.holder_user == lead and item.state == Item.State.HELD
    (event,) = CustodyEvent.objects.filter(item=item)
    assert (event.seq, event.kind, event.to_user) == (1, "collected", lead)
    entry = Entry.objects.get(seq=event.ledger_seq)
    assert entry.action == "evidence.item_recorded" and entry.target_id == str(item.pk)
    assert json.loads(entry.payload)["seal_number"] == "S-0001"


def found(actor: Any, text: str) -> list[str]:
    groups = {g.key: g for g in run(actor, parse(text).query).groups}
    group = groups.get("evidence.item")
    return [h.code for h in group.hits] if group else []


def test_an_item_is_found_by_its_number_and_its_seal_number(item, lead, outsider):
    assert found(lead, item.number) == [item.number]
    assert found(lead, "S-0001") == [item.number]
    assert found(outsider, item.number) == []


def test_recording_is_refused_to_an_outsider_and_for_bad_input_with_nothing_written(
    case, outsider, lead
):
    before = counts()
    others = Entry.objects.exclude(action="access.denied").count()
    with pytest.raises(Http404):
        services.item_record(
            actor=outsider,
            case=case,
            description="x",
            category="weapon",
            quantity=Decimal(1),
            quantity_unit="piece",
            seal_number="S-9",
        )
    for bad, field in [
        ({"seal_number": " "}, "seal_number"),
        ({"quantity": Decimal(0)}, "quantity"),
        ({"category": "spaceship"}, "category"),
        ({"hazards": ["radioactive-ish"]}, "hazards"),
        ({"description": ""}, "description"),
    ]:
        fields = {
            "description": "سكين",
            "category": "weapon",
            "quantity": Decimal(1),
            "quantity_unit": "piece",
            "seal_number": "S-3",
            **bad,
        }
        with pytest.raises(ValidationError) as caught:
            services.item_record(actor=lead, case=case, **fields)
        assert field in caught.value.error_dict
    assert (Item.objects.count(), CustodyEvent.objects.count()) == before[:2]
    # Nothing on the ledger but, at most, the outsider's refusal.
    assert Entry.objects.exclude(action="access.denied").count() == others


def test_a_hand_over_to_the_store_is_in_transit_until_a_custodian_confirms(
    item, lead, custodian, shelf
):
    released = services.transfer_release(
        actor=lead, item=item, version=item.version, to_location=shelf, purpose="إلى المخزن"
    )
    assert released.state == Item.State.IN_TRANSIT and released.holder_user == lead
    assert released.transit_to_location == shelf
    received = services.transfer_confirm(actor=custodian, item=released, version=released.version)
    assert received.state == Item.State.HELD and received.holder_location == shelf
    assert received.holder_user is None
    assert chain(item) == [(1, "collected"), (2, "released"), (3, "received")]
    actions = list(
        Entry.objects.filter(target_type="evidence.item", target_id=str(item.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "evidence.item_recorded",
        "evidence.custody_released",
        "evidence.custody_received",
    ]
    last = CustodyEvent.objects.get(item=item, seq=3)
    assert last.recorded_by == custodian and last.from_user == lead and last.to_location == shelf


def test_only_the_holder_may_hand_an_item_over(item, custodian, shelf, make_user, lead):
    colleague = make_user("inv2.karada", role="investigator", at="BGD-KARADA")
    from dalil.cases import services as case_services

    case_services.member_add(actor=lead, case=item.case, user=colleague, role="investigator")
    before = counts()
    with pytest.raises(ValidationError, match="You do not hold this item"):
        services.transfer_release(
            actor=colleague, item=item, version=item.version, to_location=shelf, purpose="x"
        )
    assert nothing_written(before)


def test_a_stale_version_is_a_conflict_and_writes_nothing(item, lead, shelf, custodian):
    stale = item.version
    services.transfer_release(
        actor=lead, item=item, version=stale, to_location=shelf, purpose="إلى المخزن"
    )
    before = counts()
    with pytest.raises(services.Conflict):
        services.transfer_release(
            actor=lead, item=item, version=stale, to_user=custodian, purpose="x"
        )
    assert nothing_written(before)


def test_seal_rules_and_the_store_categories_refuse_with_the_field_named(
    item, record, lead, shelf, drugs_safe
):
    before = counts()
    cases = [
        ({"to_location": shelf, "seal_state": "resealed", "seal_number": ""}, "seal_number"),
        ({"to_location": shelf, "seal_state": "resealed", "seal_number": "S-0001"}, "seal_number"),
        ({"to_location": shelf, "seal_state": "broken", "notes": ""}, "notes"),
        ({"to_location": drugs_safe}, "to_location"),
        ({"to_location": shelf, "purpose": " "}, "purpose"),
        ({}, "to_user"),
    ]
    for kwargs, field in cases:
        args = {"purpose": "إلى المخزن", **kwargs}
        with pytest.raises(ValidationError) as caught:
            services.transfer_release(actor=lead, item=item, version=item.version, **args)
        assert field in caught.value.error_dict, (kwargs, caught.value)
    assert nothing_written(before)
    # Drugs do go to the drugs safe; resealing records the new number on the item.
    drugs = record(description="حبوب مخدرة", category="drugs", seal_number="S-0100")
    moved = services.transfer_release(
        actor=lead,
        item=drugs,
        version=drugs.version,
        to_location=drugs_safe,
        purpose="حفظ",
        seal_state="resealed",
        seal_number="S-0101",
    )
    assert moved.seal_number == "S-0101"


def test_a_disposed_item_and_an_item_in_transit_cannot_be_handed_over(item, lead, shelf):
    services.transfer_release(
        actor=lead, item=item, version=item.version, to_location=shelf, purpose="حفظ"
    )
    item.refresh_from_db()
    with pytest.raises(ValidationError, match="already being handed over"):
        services.transfer_release(
            actor=lead, item=item, version=item.version, to_location=shelf, purpose="حفظ"
        )
    Item.objects.filter(pk=item.pk).update(
        state="disposed", transit_to_location=None, transit_to_user=None
    )
    item.refresh_from_db()
    with pytest.raises(ValidationError, match="disposed"):
        services.transfer_release(
            actor=lead, item=item, version=item.version, to_location=shelf, purpose="حفظ"
        )


def test_the_wrong_person_cannot_confirm_and_the_releaser_can_withdraw(
    item, lead, custodian, make_user
):
    other = make_user("store2.karada", role="evidence_custodian", at="BGD-KARADA")
    services.transfer_release(
        actor=lead, item=item, version=item.version, to_user=custodian, purpose="تسليم"
    )
    item.refresh_from_db()
    before = counts()
    with pytest.raises(ValidationError, match="not being handed to you"):
        services.transfer_confirm(actor=other, item=item, version=item.version)
    assert nothing_written(before)
    back = services.transfer_withdraw(
        actor=lead, item=item, version=item.version, reason="خطأ في المستلم"
    )
    assert back.state == Item.State.HELD and back.holder_user == lead
    assert chain(item)[-1] == (3, "cancelled")


def test_a_receiver_who_may_not_see_the_item_is_refused(item, lead, outsider):
    with pytest.raises(ValidationError, match="may not see this item"):
        services.transfer_release(
            actor=lead, item=item, version=item.version, to_user=outsider, purpose="تسليم"
        )


def test_the_holder_in_another_unit_sees_what_they_hold_and_nothing_else(
    item, record, lead, make_user
):
    """A person who holds an item sees it (the item, not its case)."""
    from dalil import access

    examiner = make_user("lab.mansour", unit="BGD-MANSOUR", role="lab_examiner", at="BGD-MANSOUR")
    other = record(description="قميص", category="biological", seal_number="S-0200")
    assert not access.can(examiner, "view", item)
    Item.objects.filter(pk=item.pk).update(holder_user=examiner)
    item.refresh_from_db()
    assert access.can(examiner, "view", item)
    assert not access.can(examiner, "view", item.case)
    assert not access.can(examiner, "view", other)


def test_the_chain_of_custody_cannot_be_changed_or_deleted_in_the_database(item):
    event = CustodyEvent.objects.get(item=item)
    with pytest.raises(DatabaseError), transaction.atomic():
        CustodyEvent.objects.filter(pk=event.pk).update(notes="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        CustodyEvent.objects.filter(pk=event.pk).delete()


def test_two_events_with_one_number_cannot_both_exist(item):
    """The database itself refuses a fork of the chain."""
    from django.db import IntegrityError

    event = CustodyEvent.objects.get(item=item)
    with pytest.raises(IntegrityError), transaction.atomic():
        CustodyEvent.objects.create(
            item=item,
            seq=event.seq,
            kind="received",
            at=event.at,
            seal_number="x",
            seal_state="intact",
            ledger_seq=event.ledger_seq,
        )


def test_a_location_is_set_up_by_a_custodian_of_its_unit_only(tree, custodian, lead):
    before = Entry.objects.filter(action="evidence.location_created").count()
    with pytest.raises(Http404):
        services.location_create(
            actor=lead, unit=tree["BGD-KARADA"], code="R9", name="غرفة", kind="room"
        )
    with pytest.raises(Http404):
        services.location_create(
            actor=custodian, unit=tree["BGD-MANSOUR"], code="R9", name="غرفة", kind="room"
        )
    room = services.location_create(
        actor=custodian, unit=tree["BGD-KARADA"], code="r9", name="غرفة الأدلة", kind="room"
    )
    assert room.code == "R9"
    with pytest.raises(ValidationError, match="already has a location"):
        services.location_create(
            actor=custodian, unit=tree["BGD-KARADA"], code="R9", name="أخرى", kind="room"
        )
    assert Entry.objects.filter(action="evidence.location_created").count() == before + 1


def test_a_location_inside_a_restricted_one_takes_no_more_than_its_parent(
    tree, custodian, drugs_safe
):
    inner = services.location_create(
        actor=custodian,
        unit=tree["BGD-KARADA"],
        code="SAFE-D-1",
        name="درج",
        kind="bin",
        parent=drugs_safe,
    )
    assert inner.categories == ["drugs"]
    with pytest.raises(ValidationError) as caught:
        services.location_create(
            actor=custodian,
            unit=tree["BGD-KARADA"],
            code="SAFE-D-2",
            name="درج",
            kind="bin",
            parent=drugs_safe,
            categories=["weapon"],
        )
    assert "categories" in caught.value.error_dict


def test_one_custodian_cannot_be_both_sides_of_a_hand_over(
    item, lead, custodian, shelf, tree, make_user
):
    services.transfer_release(actor=lead, item=item, version=1, to_location=shelf, purpose="حفظ")
    item.refresh_from_db()
    services.transfer_confirm(actor=custodian, item=item, version=2)
    item.refresh_from_db()
    before = counts()
    with pytest.raises(ValidationError, match="to yourself"):
        services.transfer_release(
            actor=custodian, item=item, version=3, to_user=custodian, purpose="x"
        )
    assert nothing_written(before)
    other_shelf = services.location_create(
        actor=custodian, unit=tree["BGD-KARADA"], code="R1-S2", name="الرف الثاني", kind="shelf"
    )
    services.transfer_release(
        actor=custodian, item=item, version=3, to_location=other_shelf, purpose="نقل"
    )
    item.refresh_from_db()
    before = counts()
    with pytest.raises(ValidationError, match="second person"):
        services.transfer_confirm(actor=custodian, item=item, version=4)
    assert nothing_written(before)
    colleague = make_user("store3.karada", role="evidence_custodian", at="BGD-KARADA")
    done = services.transfer_confirm(actor=colleague, item=item, version=4)
    assert done.holder_location == other_shelf
