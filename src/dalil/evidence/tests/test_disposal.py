"""EV-5: a disposition is asked for with a legal basis, approved by a supervisor who did not ask,
and carried out by the item's holder; a destruction is witnessed by a second person. Every refusal
says why and writes nothing; the chain of custody ends with a "disposed" link on the ledger."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from conftest import PASSWORD
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from dalil import access
from dalil.audit.models import Entry
from dalil.evidence import disposal, services
from dalil.evidence.models import CustodyEvent, Disposition, Item

pytestmark = pytest.mark.django_db(transaction=True)

ORDER = {
    "legal_basis": "المادة 314 من قانون أصول المحاكمات الجزائية",
    "order_number": "2026/ج/114",
}


@pytest.fixture
def commander(make_user: Any) -> Any:
    return make_user("cmd.karada", role="commander", at="BGD-KARADA", language="en")


@pytest.fixture
def stored(item: Any, lead: Any, custodian: Any, shelf: Any) -> Item:
    """The item, received into the Karrada store."""
    item = services.transfer_release(
        actor=lead, item=item, version=item.version, to_location=shelf, purpose="إيداع"
    )
    return services.transfer_confirm(actor=custodian, item=item, version=item.version)


def ask(actor: Any, item: Item, kind: str = "destroy", **extra: Any) -> Disposition:
    item.refresh_from_db()
    fields = {**ORDER, "order_date": timezone.localdate() - dt.timedelta(days=3), **extra}
    return disposal.disposition_request(
        actor=actor, item=item, version=item.version, kind=kind, **fields
    )


def test_a_witnessed_destruction_ends_the_chain(
    stored: Item, lead: Any, commander: Any, custodian: Any, make_user: Any
) -> None:
    witness = make_user("witness.karada", role="evidence_custodian", at="BGD-KARADA")
    asked = ask(lead, stored)
    assert disposal.may_decide(commander, asked) and not disposal.may_decide(lead, asked)
    approved = disposal.disposition_decide(actor=commander, disposition=asked, approve=True)
    assert approved.state == "approved"
    stored.refresh_from_db()
    done = disposal.disposition_execute(
        actor=custodian,
        disposition=approved,
        version=stored.version,
        method="حرق في فرن المديرية",
        witness=witness,
    )
    assert done.state == Item.State.DISPOSED
    last = CustodyEvent.objects.filter(item=done).order_by("-seq").first()
    assert last is not None and last.kind == "disposed" and last.from_location is not None
    entry = Entry.objects.get(seq=last.ledger_seq)
    assert entry.action == "evidence.item_disposed"
    payload = json.loads(entry.payload)
    assert payload["witness"] == "witness.karada" and payload["order_number"] == "2026/ج/114"
    final = Disposition.objects.get()
    assert (final.state, final.done_by, final.witness) == ("done", custodian, witness)
    actions = list(
        Entry.objects.filter(action__startswith="evidence.disposition").values_list(
            "action", flat=True
        )
    )
    assert actions == ["evidence.disposition_requested", "evidence.disposition_approved"]
    with pytest.raises(ValidationError, match="disposed of"):
        services.transfer_release(
            actor=custodian, item=done, version=done.version, to_user=lead, purpose="x"
        )


def test_who_asked_cannot_approve_and_an_investigator_approves_nothing(
    stored: Item, commander: Any, lead: Any
) -> None:
    asked = ask(commander, stored, kind="return", recipient="صاحب المحل")
    with pytest.raises(ValidationError, match="cannot also approve"):
        disposal.disposition_decide(actor=commander, disposition=asked, approve=True)
    other = lead
    with pytest.raises(access.Denied):  # an investigator approves nothing
        disposal.disposition_decide(actor=other, disposition=asked, approve=True)
    assert Disposition.objects.get().state == "requested"
    with transaction.atomic(), pytest.raises(IntegrityError):
        Disposition.objects.filter(pk=asked.pk).update(decided_by=commander)


def test_a_rejection_needs_a_reason_and_then_a_new_request_may_follow(
    stored: Item, lead: Any, commander: Any
) -> None:
    asked = ask(lead, stored, kind="return", recipient="صاحب المحل")
    with pytest.raises(ValidationError) as refused:
        disposal.disposition_decide(actor=commander, disposition=asked, approve=False)
    assert "note" in refused.value.message_dict
    rejected = disposal.disposition_decide(
        actor=commander, disposition=asked, approve=False, note="الحكم لم يكتسب الدرجة القطعية"
    )
    assert rejected.state == "rejected"
    again = ask(lead, stored, kind="retain")
    assert again.state == "requested"


def test_one_disposition_at_a_time(stored: Item, lead: Any, custodian: Any) -> None:
    asked = ask(lead, stored)
    before = Entry.objects.count()
    with pytest.raises(ValidationError, match="already under way"):
        ask(custodian, stored, kind="retain")
    assert Entry.objects.count() == before
    with transaction.atomic(), pytest.raises(IntegrityError):
        Disposition.objects.create(
            item=stored,
            kind="retain",
            order_date=asked.order_date,
            requested_at=timezone.now(),
            **ORDER,
        )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "return", "recipient": ""}, "recipient"),
        ({"kind": "transfer", "recipient": " "}, "recipient"),
        ({"order_number": ""}, "order_number"),
        ({"legal_basis": ""}, "legal_basis"),
        ({"order_date": None}, "order_date"),
        ({"order_date": "tomorrow"}, "order_date"),
        ({"kind": "retain", "retain_until": "yesterday"}, "retain_until"),
        ({"kind": "destroy", "retain_until": "tomorrow"}, "retain_until"),
        ({"kind": "sell"}, "kind"),
    ],
)
def test_a_bad_request_is_refused_beside_its_field_and_nothing_is_written(
    stored: Item, lead: Any, change: dict[str, Any], field: str
) -> None:
    today = timezone.localdate()
    days = {"tomorrow": today + dt.timedelta(days=1), "yesterday": today - dt.timedelta(days=1)}
    fields = {
        **ORDER,
        "kind": "destroy",
        "order_date": today,
        **{k: days.get(v, v) for k, v in change.items()},  # type: ignore[call-overload]
    }
    before = (Disposition.objects.count(), Entry.objects.count())
    with pytest.raises(ValidationError) as refused:
        disposal.disposition_request(actor=lead, item=stored, version=stored.version, **fields)
    assert field in refused.value.message_dict
    assert (Disposition.objects.count(), Entry.objects.count()) == before


def test_a_retention_ends_with_its_approval_and_the_item_stays(
    stored: Item, lead: Any, commander: Any
) -> None:
    asked = ask(
        lead, stored, kind="retain", retain_until=timezone.localdate() + dt.timedelta(days=90)
    )
    done = disposal.disposition_decide(actor=commander, disposition=asked, approve=True)
    assert done.state == "done"
    stored.refresh_from_db()
    assert stored.state == "held" and stored.holder_location is not None
    assert not disposal.may_execute(lead, done)


def test_only_the_holder_carries_it_out_and_a_destruction_needs_a_witness(
    stored: Item, lead: Any, commander: Any, custodian: Any
) -> None:
    approved = disposal.disposition_decide(
        actor=commander, disposition=ask(lead, stored), approve=True
    )
    stored.refresh_from_db()
    before = (CustodyEvent.objects.count(), Entry.objects.count())
    with pytest.raises(ValidationError, match="do not hold"):
        disposal.disposition_execute(
            actor=lead,
            disposition=approved,
            version=stored.version,
            method="حرق",
            witness=commander,
        )
    with pytest.raises(ValidationError) as no_witness:
        disposal.disposition_execute(
            actor=custodian, disposition=approved, version=stored.version, method="حرق"
        )
    assert "witness" in no_witness.value.message_dict
    with pytest.raises(ValidationError) as self_witness:
        disposal.disposition_execute(
            actor=custodian,
            disposition=approved,
            version=stored.version,
            method="حرق",
            witness=custodian,
        )
    assert "witness" in self_witness.value.message_dict
    with pytest.raises(ValidationError) as no_method:
        disposal.disposition_execute(
            actor=custodian, disposition=approved, version=stored.version, witness=lead
        )
    assert "method" in no_method.value.message_dict
    with pytest.raises(services.Conflict):
        disposal.disposition_execute(
            actor=custodian,
            disposition=approved,
            version=stored.version - 1,
            method="حرق",
            witness=lead,
        )
    assert (CustodyEvent.objects.count(), Entry.objects.count()) == before
    assert Item.objects.get().state == "held"


def test_the_database_refuses_an_unwitnessed_destruction(stored: Item, lead: Any) -> None:
    asked = ask(lead, stored)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Disposition.objects.filter(pk=asked.pk).update(state="done")


def test_an_outsider_cannot_ask(stored: Item, outsider: Any) -> None:
    with pytest.raises(access.Denied):
        ask(outsider, stored)
    assert not Disposition.objects.exists()


def test_who_asked_withdraws_and_nobody_else(stored: Item, lead: Any, custodian: Any) -> None:
    asked = ask(lead, stored)
    with pytest.raises(ValidationError, match="Only who asked"):
        disposal.disposition_withdraw(actor=custodian, disposition=asked, reason="x")
    done = disposal.disposition_withdraw(actor=lead, disposition=asked, reason="خطأ في رقم القرار")
    assert done.state == "withdrawn"


def test_the_pages_destroy_with_the_witness_confirming_on_the_custodians_screen(
    stored: Item, lead: Any, commander: Any, custodian: Any, client_for: Any, make_user: Any
) -> None:
    witness = make_user("witness2.karada", role="evidence_custodian", at="BGD-KARADA")
    number = stored.number
    investigator = client_for(lead)
    response = investigator.post(
        reverse("evidence:disposition", args=[number]),
        {
            **ORDER,
            "kind": "destroy",
            "order_date": (timezone.localdate() - dt.timedelta(days=2)).isoformat(),
            "version": Item.objects.get().version,
        },
    )
    assert response.status_code == 302
    boss = client_for(commander)
    assert number in boss.get(reverse("evidence:dispositions")).content.decode()
    assert (
        boss.post(
            reverse("evidence:disposition_decide", args=[number]), {"approve": "yes"}
        ).status_code
        == 302
    )
    # The investigator may not carry it out: the store holds the item.
    assert (
        investigator.get(reverse("evidence:disposition_execute", args=[number])).status_code == 404
    )
    store = client_for(custodian)
    url = reverse("evidence:disposition_execute", args=[number])
    form = {"method": "حرق", "version": Item.objects.get().version}
    wrong = store.post(
        url, {**form, "witness_username": witness.username, "witness_secret": "not-it"}
    )
    assert wrong.status_code == 200 and "do not match" in wrong.content.decode()
    assert Item.objects.get().state == "held"
    right = store.post(
        url, {**form, "witness_username": witness.username, "witness_secret": PASSWORD}
    )
    assert right.status_code == 302
    assert Item.objects.get().state == "disposed"
    assert Disposition.objects.get().witness == witness
    page = store.get(reverse("evidence:item_detail", args=[number])).content.decode()
    assert "Carried out" in page


def test_the_custody_bundle_of_a_destroyed_item_verifies_offline(
    stored: Item, lead: Any, commander: Any, custodian: Any, tmp_path: Any
) -> None:
    import zipfile

    from dalil.audit import chain
    from dalil.evidence import custody_report

    approved = disposal.disposition_decide(
        actor=commander, disposition=ask(lead, stored), approve=True
    )
    stored.refresh_from_db()
    gone = disposal.disposition_execute(
        actor=custodian, disposition=approved, version=stored.version, method="حرق", witness=lead
    )
    data, _manifest = custody_report.custody_bundle(actor=lead, item=gone)
    path = tmp_path / "bundle.zip"
    path.write_bytes(data)
    assert chain.verify_bundle(str(path)).problems == []
    with zipfile.ZipFile(path) as zf:
        kinds = [e["kind"] for e in json.loads(zf.read("custody.json"))["events"]]
    assert kinds == ["collected", "released", "received", "disposed"]
    assert custody_report.custody_report(actor=lead, item=gone).pdf.startswith(b"%PDF")
