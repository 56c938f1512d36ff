"""EV-3: the chain of custody under random sequences of hand-overs, allowed and refused.

Hypothesis draws one or two fresh items (a weapon or drugs) and a sequence of releases (to a
person or to a store), confirmations, withdrawals and refusals (the wrong person, a stale
version, a store that does not take the category, a seal resealed without a number, an outsider
who may not see the item). A small model of the rules says, before each step, whether it must be
allowed or refused and with what; after each step the database must agree with the model and:

- each item has exactly one holder, a person or a place, and its transit fields fit its state;
- its custody events are numbered 1..n, each naming a ledger entry about the item, in order;
- replaying the events (collected and received set the holder, released and cancelled do not)
  gives the item's holder and the hand-over under way;
- a refused step wrote nothing (no event, no ledger entry but an access refusal, no change);
- the ledger's hash chain still verifies.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from dalil.audit import integrity
from dalil.audit.models import Entry
from dalil.evidence import services
from dalil.evidence.models import CustodyEvent, Item

pytestmark = pytest.mark.django_db

# Actors by index: the case's lead and a colleague (both case members, investigators), the unit's
# evidence custodian, and an investigator of another station who may not see the item.
LEAD, COLLEAGUE, CUSTODIAN, OUTSIDER = range(4)
# Places by index: a shelf that takes anything, a safe that takes drugs only.
SHELF, DRUGS_SAFE = range(2)
TAKES: dict[int, set[str] | None] = {SHELF: None, DRUGS_SAFE: {"drugs"}}

ACTION_OF_KIND = {
    "collected": "evidence.item_recorded",
    "released": "evidence.custody_released",
    "received": "evidence.custody_received",
    "cancelled": "evidence.custody_cancelled",
}

Party = tuple[str, int]  # ("user", actor index) or ("place", place index)


@dataclass
class Model:
    """What the rules say one item is, kept beside the database."""

    category: str
    holder: Party = ("user", LEAD)
    pending: Party | None = None
    releaser: int | None = None
    version: int = 1
    seal_number: str = "S-0001"
    seal_state: str = "intact"
    events: list[str] = field(default_factory=lambda: ["collected"])


# --- The steps -----------------------------------------------------------------------------------
# A step is drawn as an intention and at most one fault; `concrete()` turns it into the arguments
# of one service call, and `expected()` judges those arguments by the rules, whatever the fault
# meant (a "wrong person" may well be allowed: a receiver may decline what the releaser offered).
FAULTS = [
    "wrong_person",  # another member of the case, or the custodian
    "outsider",  # who may not see the item at all (404)
    "stale",  # the page was loaded one version ago
    "to_holder",  # handed to whoever already holds it
    "to_outsider",  # handed to someone who may not see it
    "to_nobody",
    "to_both",  # a person and a store at once
    "drugs_safe",  # the drugs safe, whatever the category
    "resealed_blank",  # resealed, no new number
    "resealed_same",  # resealed with the old number
    "broken_mute",  # seal broken, no word on how
    "blank_text",  # no purpose for a release, no reason for a withdrawal
]
step = st.fixed_dictionaries(
    {
        "op": st.sampled_from(["advance", "advance", "release", "confirm", "withdraw", "withdraw"]),
        "item": st.integers(0, 1),
        # Half the steps are faulty; the wrong person, the stale page and the outsider most often.
        "fault": st.sampled_from(
            [None] * 20
            + FAULTS
            + ["wrong_person"] * 4
            + ["stale", "outsider", "to_outsider", "drugs_safe"]
        ),
        "to": st.sampled_from(
            [
                ("user", LEAD),
                ("user", COLLEAGUE),
                ("user", CUSTODIAN),
                ("place", SHELF),
                ("place", DRUGS_SAFE),
            ]
        ),
        "seal": st.sampled_from(["intact", "intact", "resealed", "broken"]),
        "pick": st.integers(0, 1),  # which wrong person
        "receiver_withdraws": st.booleans(),  # who withdraws: the receiver, else the releaser
    }
)


# Where an item starts, reached through the services before the drawn steps (and checked like them).
STARTS = ["collector", "store", "custodian", "to_store", "to_colleague"]


def _plain(op: str, item: int, to: Party = ("none", 0)) -> dict[str, Any]:
    return {
        "op": op,
        "item": item,
        "fault": None,
        "to": to,
        "seal": "intact",
        "pick": 0,
        "receiver_withdraws": False,
    }


def prelude(index: int, category: str, start: str) -> list[dict[str, Any]]:
    store = ("place", DRUGS_SAFE if category == "drugs" else SHELF)
    return {
        "collector": [],
        "store": [_plain("release", index, store), _plain("confirm", index)],
        "custodian": [_plain("release", index, ("user", CUSTODIAN)), _plain("confirm", index)],
        "to_store": [_plain("release", index, store)],
        "to_colleague": [_plain("release", index, ("user", COLLEAGUE))],
    }[start]


@dataclass
class Call:
    op: str  # release, confirm, withdraw
    actor: int
    stale: bool = False
    to: tuple[str, int] = ("none", 0)  # a release's destination; ("both", i) names user and place
    seal: dict[str, Any] = field(default_factory=dict)
    blank_text: bool = False


def concrete(s: dict[str, Any], model: Model, counter: list[int]) -> Call:
    fault = s["fault"]
    op = s["op"]
    if op == "advance":
        op = "release" if model.pending is None else "confirm"
    # The person the rules expect: the holder; the receiver; the releaser or the receiver.
    parties = [p for p in (model.holder, model.pending) if p is not None]
    party = model.holder if op == "release" else (model.pending or model.holder)
    actor = party[1] if party[0] == "user" else CUSTODIAN
    if op == "withdraw" and not s["receiver_withdraws"] and model.releaser is not None:
        actor = model.releaser
    if fault == "wrong_person":
        # Preferably someone with no part in the item (not its holder, receiver or releaser).
        parts = {actor, model.releaser, *(p[1] if p[0] == "user" else CUSTODIAN for p in parties)}
        others = [a for a in (LEAD, COLLEAGUE, CUSTODIAN) if a not in parts]
        others = others or [a for a in (LEAD, COLLEAGUE, CUSTODIAN) if a != actor]
        actor = others[s["pick"] % len(others)]
    elif fault == "outsider":
        actor = OUTSIDER
    to = {
        "to_holder": model.holder,
        "to_outsider": ("user", OUTSIDER),
        "to_nobody": ("none", 0),
        "to_both": ("both", s["pick"]),
        "drugs_safe": ("place", DRUGS_SAFE),
    }.get(fault or "", s["to"])
    counter[0] += 1
    seal = {
        "intact": {"seal_state": "intact"},
        "resealed": {"seal_state": "resealed", "seal_number": f"R-{counter[0]:04d}"},
        "broken": {"seal_state": "broken", "notes": "فتح للفحص"},
        "resealed_blank": {"seal_state": "resealed", "seal_number": ""},
        "resealed_same": {"seal_state": "resealed", "seal_number": model.seal_number},
        "broken_mute": {"seal_state": "broken"},
    }[fault if fault in ("resealed_blank", "resealed_same", "broken_mute") else s["seal"]]
    return Call(
        op=op,
        actor=actor,
        stale=fault == "stale",
        to=tuple(to),  # type: ignore[arg-type]
        seal=seal if op != "withdraw" else {},
        blank_text=fault == "blank_text",
    )


def _seal_ok(args: dict[str, str], model: Model) -> bool:
    if args["seal_state"] == "resealed":
        return bool(args["seal_number"]) and args["seal_number"] != model.seal_number
    return args["seal_state"] != "broken" or bool(args.get("notes"))


def _may_handle(actor: int, party: Party) -> bool:
    """A person answers for what they hold or receive; the custodian for the unit's stores."""
    kind, index = party
    return actor == index if kind == "user" else actor == CUSTODIAN


def expected(call: Call, model: Model) -> str:
    """What the rules say: "ok", "denied" (404), "conflict" or "refused" (a ValidationError)."""
    if call.actor == OUTSIDER:
        return "denied"
    if call.stale:
        return "conflict"
    if call.op == "release":
        to = call.to
        if model.pending is not None or not _may_handle(call.actor, model.holder):
            return "refused"
        if to[0] in ("none", "both") or to == model.holder or to == ("user", OUTSIDER):
            return "refused"
        if to == ("user", call.actor):  # nobody hands an item to themselves
            return "refused"
        takes = TAKES[to[1]] if to[0] == "place" else None
        if takes is not None and model.category not in takes:
            return "refused"
        if call.blank_text or not _seal_ok(call.seal, model):
            return "refused"
        return "ok"
    if model.pending is None:
        return "refused"
    if call.op == "confirm":
        ok = (
            _may_handle(call.actor, model.pending)
            and call.actor != model.releaser  # two people, always
            and _seal_ok(call.seal, model)
        )
        return "ok" if ok else "refused"
    ok = _may_handle(call.actor, model.pending) or call.actor == model.releaser
    return "ok" if ok and not call.blank_text else "refused"


# --- Invariants ----------------------------------------------------------------------------------
def party_of(user_id: int | None, location_id: int | None, ids: dict[str, dict[int, int]]) -> Any:
    """A (kind, index) pair from a pair of foreign keys (None when both are empty)."""
    assert user_id is None or location_id is None, (user_id, location_id)
    if user_id is not None:
        return ("user", ids["user"][user_id])
    if location_id is not None:
        return ("place", ids["place"][location_id])
    return None


def check_item(item: Item, model: Model, ids: dict[str, dict[int, int]]) -> None:
    item.refresh_from_db()
    # Exactly one holder; the transit fields fit the state.
    assert (item.holder_user_id is None) != (item.holder_location_id is None)
    in_transit = item.state == Item.State.IN_TRANSIT
    transit = [item.transit_to_user_id, item.transit_to_location_id]
    assert sum(x is not None for x in transit) == (1 if in_transit else 0)
    assert item.state in (Item.State.HELD, Item.State.IN_TRANSIT)
    # The database agrees with the model.
    holder = party_of(item.holder_user_id, item.holder_location_id, ids)
    pending = party_of(item.transit_to_user_id, item.transit_to_location_id, ids)
    assert (holder, pending, item.version) == (model.holder, model.pending, model.version)
    assert (item.seal_number, item.seal_state) == (model.seal_number, model.seal_state)

    # The chain: numbered 1..n, each link naming a ledger entry about this item, in order.
    events = list(CustodyEvent.objects.filter(item=item).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert [e.kind for e in events] == model.events
    entries = Entry.objects.in_bulk([e.ledger_seq for e in events])
    assert len(entries) == len(events), "an event names a ledger entry that does not exist"
    ledger_seqs = [e.ledger_seq for e in events]
    assert ledger_seqs == sorted(set(ledger_seqs))
    for link in events:
        entry = entries[link.ledger_seq]
        assert (entry.target_type, entry.target_id) == ("evidence.item", str(item.pk))
        assert entry.action == ACTION_OF_KIND[link.kind]
        payload = json.loads(entry.payload)
        assert (payload["event"], payload["kind"]) == (link.seq, link.kind)

    # Replaying the chain gives the holder and the hand-over under way.
    replay_holder: Any = None
    replay_pending: Any = None
    for link in events:
        source = party_of(link.from_user_id, link.from_location_id, ids)
        destination = party_of(link.to_user_id, link.to_location_id, ids)
        if link.kind == "collected":
            assert replay_holder is None and source is None
            replay_holder = destination
        elif link.kind == "released":
            assert replay_pending is None and source == replay_holder
            replay_pending = destination
        elif link.kind == "received":
            assert replay_pending is not None and destination == replay_pending
            assert source == replay_holder
            replay_holder, replay_pending = destination, None
        else:  # cancelled: from the receiver-to-be back to the holder, who keeps the item
            assert replay_pending is not None and source == replay_pending
            assert destination == replay_holder
            replay_pending = None
    assert (replay_holder, replay_pending) == (holder, pending)
    if events:
        assert (events[-1].seal_number, events[-1].seal_state) == (
            item.seal_number,
            item.seal_state,
        )


def snapshot() -> tuple[int, int]:
    return CustodyEvent.objects.count(), Entry.objects.exclude(action="access.denied").count()


# --- The test ------------------------------------------------------------------------------------
@pytest.fixture
def actors(lead: Any, custodian: Any, outsider: Any, case: Any, make_user: Any) -> list[Any]:
    from dalil.cases import services as case_services

    colleague = make_user("inv2.karada", role="investigator", at="BGD-KARADA", language="en")
    case_services.member_add(actor=lead, case=case, user=colleague, role="investigator")
    return [lead, colleague, custodian, outsider]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    starts=st.lists(
        st.tuples(st.sampled_from(["weapon", "drugs"]), st.sampled_from(STARTS)),
        min_size=1,
        max_size=2,
    ),
    steps=st.lists(step, min_size=4, max_size=20),
)
def test_random_hand_overs_keep_one_holder_an_unbroken_chain_and_a_verified_ledger(
    actors: list[Any], shelf: Any, drugs_safe: Any, record: Any, starts: Any, steps: Any
) -> None:
    places = [shelf, drugs_safe]
    ids = {
        "user": {a.pk: i for i, a in enumerate(actors)},
        "place": {p.pk: i for i, p in enumerate(places)},
    }
    items = [record(category=c, description=f"حرز {c}") for c, _start in starts]
    models = [Model(category=c) for c, _start in starts]
    counter = [0]
    for item, model in zip(items, models, strict=True):
        check_item(item, model, ids)
    ready = [s for i, (c, start) in enumerate(starts) for s in prelude(i, c, start)]

    for s in ready + steps:
        index = s["item"] % len(items)
        item, model = items[index], models[index]
        call = concrete(s, model, counter)
        want = expected(call, model)
        note(f"item {index}: {call} -> expected {want}")
        version = model.version - 1 if call.stale else model.version
        common = {
            "actor": actors[call.actor],
            "item": Item.objects.get(pk=item.pk),
            "version": version,
        }
        before = snapshot()
        try:
            if call.op == "release":
                kind, where = call.to
                to_user = actors[where] if kind in ("user", "both") else None
                to_location = places[where] if kind in ("place", "both") else None
                purpose = "" if call.blank_text else "إلى المخزن"
                services.transfer_release(
                    **common, to_user=to_user, to_location=to_location, purpose=purpose, **call.seal
                )
            elif call.op == "confirm":
                services.transfer_confirm(**common, **call.seal)
            else:
                reason = "" if call.blank_text else "خطأ في المستلم"
                services.transfer_withdraw(**common, reason=reason)
            got = "ok"
        except services.Conflict:
            got = "conflict"
        except Http404:
            got = "denied"
        except ValidationError:
            got = "refused"
        assert got == want, (call, model)
        event(f"{call.op}: {got}")  # --hypothesis-show-statistics

        if got == "ok":
            assert snapshot() == (before[0] + 1, before[1] + 1)
            model.version += 1
            if call.op == "release":
                model.pending, model.releaser = call.to, call.actor
                model.events.append("released")
            elif call.op == "confirm":
                model.holder, model.pending, model.releaser = model.pending, None, None
                model.events.append("received")
            else:
                model.pending, model.releaser = None, None
                model.events.append("cancelled")
            if call.op != "withdraw":
                model.seal_state = call.seal["seal_state"]
                if call.seal["seal_state"] == "resealed":
                    model.seal_number = call.seal["seal_number"]
        else:
            # Nothing written: no event, no ledger entry but an access refusal, the item unchanged
            # (check_item compares it with the unchanged model).
            assert snapshot() == before
        for other, other_model in zip(items, models, strict=True):
            check_item(other, other_model, ids)
        report = integrity.verify()
        assert report.ok, report.problems
