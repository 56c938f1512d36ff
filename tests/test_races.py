"""Services decide inside their own transaction (ARCHITECTURE rule 7): each race below is run with
simultaneous workers released together by a barrier, on the database the suite runs on (SQLite by
default, PostgreSQL with DATABASE_URL). An "at most one" finds exactly one winner; a write racing
the close of its case lands before the close or is refused. A loser gets a clear message and
writes nothing: no row, no ledger entry.

Each worker is a thread with its own database connection (on SQLite, its own connection to the
same file, as several web workers would have). `DALIL_RACE_TRIALS` sets how many times each race
is run (default 3).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone, translation

from dalil.audit.models import Entry

pytestmark = pytest.mark.django_db(transaction=True)

WORKERS = 8
TRIALS = int(os.environ.get("DALIL_RACE_TRIALS", "3"))
H = dt.timedelta(hours=1)


def race(
    prepare: Callable[[int], Any], act: Callable[[int, Any], Any], workers: int = WORKERS
) -> list[Any]:
    """`prepare(i)` in each of `workers` workers (its own connection, its own copies of the rows),
    then all of them `act(i, prepared)` at once. Returns each worker's result or the exception it
    raised."""
    start = threading.Barrier(workers)
    results: list[Any] = [None] * workers

    def run(i: int) -> None:
        try:
            with translation.override("en"):
                prepared = prepare(i)
                start.wait(timeout=60)
                results[i] = act(i, prepared)
        except BaseException as exc:  # looked at by the test, in its own thread
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not any(t.is_alive() for t in threads)
    return results


def refusals(results: list[Any]) -> list[BaseException]:
    """The losers' exceptions; anything but a refusal with a message (a 500) fails the test."""
    from dalil.cases.services import Conflict as CaseConflict
    from dalil.casework.services import Conflict as JournalConflict
    from dalil.evidence.services import Conflict as CustodyConflict

    errors = [r for r in results if isinstance(r, BaseException)]
    clear = (ValidationError, CaseConflict, JournalConflict, CustodyConflict)
    unexpected = [e for e in errors if not isinstance(e, clear)]
    assert not unexpected, unexpected
    return errors


def _said(exc: BaseException) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


def entries(action: str, **payload: Any) -> list[Entry]:
    rows = list(Entry.objects.filter(action=action).order_by("seq"))
    return [e for e in rows if all(f'"{k}":{_json(v)}' in e.payload for k, v in payload.items())]


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# --- Fixtures ------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _iccs(db: Any) -> None:
    """The ICCS categories (reference data of a migration, gone after a transactional test)."""
    import importlib

    from django.apps import apps

    from dalil.cases.models import IccsCategory

    if not IccsCategory.objects.exists():
        importlib.import_module("dalil.cases.migrations.0002_iccs").load(apps, None)


@pytest.fixture
def lead(make_user: Any) -> Any:
    return make_user("lead.karada", role="investigator", at="BGD-KARADA", language="en")


@pytest.fixture
def new_case(tree: Any, lead: Any) -> Callable[[], Any]:
    from dalil.cases import services

    def make() -> Any:
        case = services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="قتل عمد", lead=lead)
        services.offence_add(actor=lead, case=case, code="0101", stage="completed")
        return case

    return make


@pytest.fixture
def new_person(tree: Any, operator: Any) -> Callable[[], Any]:
    from dalil.parties import services

    def make() -> Any:
        return services.person_create(
            actor=operator,
            unit=tree["BGD-KARADA"],
            given_name_ar="حسين",
            family_name_ar="الدليمي",
            confirm_duplicate=True,
        )

    return make


def _fresh(model: Any, pk: int) -> Any:
    return model.objects.get(pk=pk)


def _arrest(lead: Any, case: Any, person: Any) -> Any:
    from dalil.detention import services

    now = timezone.now()
    return services.arrest_record(
        actor=lead,
        case=case,
        person=person,
        arrested_at=now - 2 * H,
        arrest_place="الكرادة داخل",
        arresting_unit=case.unit,
        place_of_detention="موقف مركز شرطة الكرادة",
        penalty="years",
        penalty_years=10,
        now=now,
    )


# --- "At most one" -------------------------------------------------------------------------------
def test_the_same_person_arrested_in_the_same_case_at_once_is_held_once(
    lead: Any, new_case: Any, new_person: Any
) -> None:
    from dalil.cases.models import Case
    from dalil.detention.models import Detainee
    from dalil.parties.models import Person

    held = []
    for _trial in range(TRIALS):
        case, person = new_case(), new_person()
        results = race(
            lambda i: (_fresh(Case, case.pk), _fresh(Person, person.pk)),
            lambda i, p: _arrest(lead, *p),
        )
        losers = refusals(results)
        open_ = Detainee.objects.filter(case=case, person=person, released_at__isnull=True)
        held.append(open_.count())
        if held[-1] != 1:
            continue
        assert len(losers) == WORKERS - 1
        for exc in losers:
            assert exc.message_dict["person"] == [
                "This person is already held in this case. Record the release before a new arrest."
            ]
        assert len(entries("detention.arrest_recorded", case=case.number)) == 1
    assert held == [1] * TRIALS, f"open detentions per trial: {held}"


# --- Writes racing the close of their case -------------------------------------------------------
def _task(lead: Any, case: Any, i: int, extra: Any) -> Any:
    from dalil.casework import services

    return services.task_create(actor=lead, case=case, title=f"مهمة {i}")


def _journal(lead: Any, case: Any, i: int, extra: Any) -> Any:
    from dalil.casework import services

    return services.journal_write(actor=lead, case=case, text=f"ملاحظة {i}")


def _document(lead: Any, case: Any, i: int, extra: Any) -> Any:
    from dalil.casework import services

    upload = SimpleUploadedFile(f"d{i}.txt", f"إفادة {i}".encode(), content_type="text/plain")
    return services.document_add(
        actor=lead, case=case, title=f"إفادة {i}", kind="statement", upload=upload
    )


def _arrest_one(lead: Any, case: Any, i: int, person: Any) -> Any:
    return _arrest(lead, case, person)


def _judicial_request(lead: Any, case: Any, i: int, extra: Any) -> Any:
    from dalil.judicial import services

    return services.request_create(
        actor=lead,
        case=case,
        kind="arrest_warrant",
        grounds="أسباب الطلب المقدم إلى قاضي التحقيق بالتفصيل",
        court="محكمة تحقيق الكرادة",
    )


def _offence(lead: Any, case: Any, i: int, extra: Any) -> Any:
    from dalil.cases import services

    return services.offence_add(actor=lead, case=case, code="0101", stage="attempted")


WRITES: dict[str, tuple[Callable[..., Any], str]] = {
    "task": (_task, "casework.task_created"),
    "journal": (_journal, "casework.journal_written"),
    "document": (_document, "casework.document_added"),
    "arrest": (_arrest_one, "detention.arrest_recorded"),
    "judicial_request": (_judicial_request, "judicial.request_created"),
    "offence": (_offence, "cases.offence_added"),
}


def _of_case(case: Any, action: str) -> list[Entry]:
    found = entries(action, case=case.number)
    if not found:  # entries whose target is the case itself carry no case number
        found = list(
            Entry.objects.filter(
                action=action, target_type="cases.case", target_id=str(case.pk)
            ).order_by("seq")
        )
    return found


@pytest.mark.parametrize("write", sorted(WRITES))
def test_a_write_racing_the_close_of_its_case_lands_before_the_close_or_is_refused(
    write: str, lead: Any, new_case: Any, new_person: Any
) -> None:
    from dalil.cases import services as case_services
    from dalil.cases.models import Case

    do, action = WRITES[write]
    after_close = []
    for _trial in range(TRIALS):
        case = new_case()
        before = len(_of_case(case, action))
        persons = [new_person() for _ in range(WORKERS)] if write == "arrest" else [None] * 8

        def act(i: int, mine: Any) -> Any:
            if i == 0:
                return case_services.case_transition(
                    actor=lead, case=mine, step="close", version=mine.version
                )
            return do(lead, mine, i, persons[i])

        results = race(lambda i: _fresh(Case, case.pk), act)
        assert not isinstance(results[0], BaseException), results[0]
        losers = refusals(results[1:])
        closed_at = entries("cases.status_changed", to="closed")[-1].seq
        written = _of_case(case, action)[before:]
        after_close.append(sum(1 for e in written if e.seq > closed_at))
        # Every write either landed (one ledger entry each) or was refused, writing nothing.
        assert len(written) + len(losers) == WORKERS - 1
        for exc in losers:
            assert "closed" in " ".join(exc.messages), exc.messages
    assert after_close == [0] * TRIALS, f"writes saved after the close, per trial: {after_close}"


# --- Other "at most one" -------------------------------------------------------------------------
# name -> (setup(lead, case, person) -> what the workers share, the write of worker i, the model
# whose rows it adds or changes (counted by `won`), the ledger action, the losers' message).
def _member_setup(lead: Any, case: Any, person: Any) -> Any:
    from dalil.accounts.models import User

    return User.objects.get(username="inv.mansour")


def _member(lead: Any, case: Any, user: Any, i: int) -> Any:
    from dalil.cases import services

    return services.member_add(actor=lead, case=case, user=user, role="investigator")


def _party(lead: Any, case: Any, person: Any, i: int) -> Any:
    from dalil.cases import services

    return services.case_party_add(actor=lead, case=case, entity=person, role="suspect")


def _alias(lead: Any, case: Any, person: Any, i: int) -> Any:
    from dalil.parties import services

    return services.alias_add(actor=lead, person=person, name="أبو علي")


def _id_document(lead: Any, case: Any, person: Any, i: int) -> Any:
    from dalil.parties import services

    return services.document_add(actor=lead, person=person, kind="passport", number="A1234567")


def _phone(lead: Any, case: Any, person: Any, i: int) -> Any:
    from dalil.parties import services

    return services.entity_create(
        actor=lead, entity_type="phone", unit=case.unit, number=f"07701{case.pk:06d}"
    )


def _held(lead: Any, case: Any, person: Any) -> Any:
    return _arrest(lead, case, person)


def _release(lead: Any, case: Any, detainee: Any, i: int) -> Any:
    from dalil.detention import services

    mine = detainee  # as this worker's page loaded it, before the others wrote
    return services.release_record(
        actor=lead, detainee=mine, released_at=timezone.now(), basis="bail"
    )


def _transfer(lead: Any, case: Any, detainee: Any, i: int) -> Any:
    from dalil.detention import services

    mine = detainee  # as this worker's page loaded it, before the others wrote
    return services.transfer_record(
        actor=lead,
        detainee=mine,
        moved_at=timezone.now(),
        to_place=f"سجن {i}",
        reason="نقل إلى موقف آخر",
    )


def _order(lead: Any, case: Any, detainee: Any, i: int) -> Any:
    from dalil.detention import services

    mine = detainee  # as this worker's page loaded it, before the others wrote
    return services.order_record(
        actor=lead,
        detainee=mine,
        starts_at=mine.arrested_at,
        days=10,
        order_number=f"ت/{i}",
        judge_name="القاضي حسن",
        court="محكمة تحقيق الكرادة",
        issued_on=timezone.localdate(mine.arrested_at),
    )


def _nothing(lead: Any, case: Any, person: Any) -> Any:
    return person


def _open_task(lead: Any, case: Any, person: Any) -> Any:
    from dalil.casework import services

    return services.task_create(actor=lead, case=case, title="مطابقة البصمات")


def _complete(lead: Any, case: Any, task: Any, i: int) -> Any:
    from dalil.casework import services

    return services.task_complete(actor=lead, task=task, note=f"تمت {i}")


def _entry(lead: Any, case: Any, person: Any) -> Any:
    from dalil.casework import services

    return services.journal_write(actor=lead, case=case, text="وصل المحقق إلى المكان")


def _amend(lead: Any, case: Any, entry: Any, i: int) -> Any:
    from dalil.casework import services

    return services.journal_amend(
        actor=lead, entry=entry, version=1, text=f"نص مصحح {i}", reason="تصحيح خطأ في الوقت"
    )


def _submitted(lead: Any, case: Any, person: Any) -> Any:
    from dalil.judicial import services

    req = services.request_create(
        actor=lead,
        case=case,
        kind="search_warrant",
        grounds="أسباب الطلب المقدم إلى قاضي التحقيق بالتفصيل",
        court="محكمة تحقيق الكرادة",
    )
    return services.request_submit(actor=lead, req=req)


def _decide(lead: Any, case: Any, req: Any, i: int) -> Any:
    from dalil.judicial import services

    return services.decision_record(
        actor=lead,
        req=req,
        order_number=f"{i}/ت/2026",
        decided_on=timezone.localdate(),
        judge_name="القاضي حيدر الموسوي",
        outcome="granted",
        text="تقرر الإذن بالتفتيش.",
    )


def _ledgered(action: str) -> Callable[[Any, Any], int]:
    def count(case: Any, target: Any) -> int:
        return Entry.objects.filter(action=action, target_id=str(target.pk)).count()

    return count


def _count(model: str, **lookup: Any) -> Callable[[Any, Any], int]:
    def count(case: Any, shared: Any) -> int:
        from django.apps import apps

        values = {k: (case if v == "case" else shared) for k, v in lookup.items()}
        return apps.get_model(model).objects.filter(**values).count()

    return count


def _released(case: Any, detainee: Any) -> int:
    from dalil.detention.models import Detainee

    return Detainee.objects.filter(pk=detainee.pk, released_at__isnull=False).count()


def _moved(case: Any, detainee: Any) -> int:
    from dalil.detention.models import Transfer

    return Transfer.objects.filter(detainee=detainee).count()


ONCE: dict[str, tuple[Any, Any, Any, str, str | tuple[str, ...]]] = {
    "member": (
        _member_setup,
        _member,
        _count("cases.CaseMember", case="case", user="shared"),
        "cases.member_added",
        "This user is already a member of the case.",
    ),
    "party": (
        _nothing,
        _party,
        lambda case, person: case.parties.filter(entity_id=person.pk).count(),
        "cases.party_added",
        "This record already takes part in the case in this role.",
    ),
    "alias": (
        _nothing,
        _alias,
        _count("parties.PersonAlias", person="shared"),
        "parties.alias_added",
        "This alias is already recorded.",
    ),
    "identity_document": (
        _nothing,
        _id_document,
        _count("parties.IdentityDocument", person="shared"),
        "parties.document_added",
        "This document is already recorded for this person.",
    ),
    "phone": (
        _nothing,
        lambda lead, case, p, i: _phone(lead, case, p, i),
        lambda case, p: (
            __import__("dalil.parties.models", fromlist=["Phone"])
            .Phone.objects.filter(number=f"+9647701{case.pk:06d}")
            .count()
        ),
        "parties.phone_created",
        "This is already recorded; link to the existing record.",
    ),
    "release": (_held, _release, _released, "detention.released", "was released"),
    "task_complete": (
        _open_task,
        _complete,
        _ledgered("casework.task_completed"),
        "casework.task_completed",
        "This task is not open",
    ),
    "journal_amend": (
        _entry,
        _amend,
        lambda case, entry: entry.versions.count() - 1,
        "casework.journal_amended",
        "amended by someone else",
    ),
    "decision": (
        _submitted,
        lambda lead, case, req, i: _decide(lead, case, req, i),
        lambda case, req: req.decisions.count(),
        "judicial.decision_recorded",
        "already decided",
    ),
    "transfer": (
        _held,
        _transfer,
        _moved,
        "detention.transferred",
        ("moved or released meanwhile", "before the previous transfer"),
    ),
    "order": (
        _held,
        _order,
        _count("detention.DetentionOrder", detainee="shared"),
        "detention.order_recorded",
        "",
    ),
}


@pytest.mark.parametrize("write", sorted(ONCE))
def test_an_at_most_one_write_has_exactly_one_winner(
    write: str, lead: Any, new_case: Any, new_person: Any, make_user: Any
) -> None:
    setup, do, won, action, message = ONCE[write]
    if write == "member":
        make_user("inv.mansour", unit="BGD-MANSOUR", role="investigator", at="BGD-MANSOUR")
    winners = []
    for _trial in range(TRIALS):
        case = new_case()
        shared = setup(lead, case, new_person())
        before = Entry.objects.filter(action=action).count()
        results = race(
            lambda i: (_fresh(type(case), case.pk), _fresh(type(shared), shared.pk)),
            lambda i, mine: do(lead, *mine, i),
        )
        losers = refusals(results)
        winners.append(won(case, shared))
        if winners[-1] != 1:
            continue
        assert len(losers) == WORKERS - 1
        for exc in losers:
            said = _said(exc)
            assert any(m in said for m in (message if isinstance(message, tuple) else [message]))
        assert Entry.objects.filter(action=action).count() == before + 1
    assert winners == [1] * TRIALS, f"winners per trial: {winners}"


# --- The chain of custody of an evidence item -----------------------------------------------------
# Every worker's page showed the item at the same version: one hand-over (or one receipt) lands,
# the others are told the item moved meanwhile (`Conflict`) and write nothing, so the chain gets
# one link, numbered next, and the ledger one entry.
@pytest.fixture
def custodians(make_user: Any) -> list[Any]:
    return [
        make_user(f"store{n}.karada", role="evidence_custodian", at="BGD-KARADA", language="en")
        for n in (1, 2)
    ]


@pytest.fixture
def store(tree: Any, custodians: list[Any]) -> Any:
    from dalil.evidence import services

    return services.location_create(
        actor=custodians[0], unit=tree["BGD-KARADA"], code="R1-S1", name="الرف الأول", kind="shelf"
    )


def _evidence_item(lead: Any, case: Any) -> Any:
    from decimal import Decimal

    from dalil.evidence import services

    return services.item_record(
        actor=lead,
        case=case,
        description="مسدس عيار 9 ملم",
        category="weapon",
        quantity=Decimal(1),
        quantity_unit="piece",
        seal_number="S-0001",
    )


def _custody_race_checks(item: Any, kinds: list[str], action: str, losers: list[Any]) -> None:
    """The losers were told of the conflict; the chain is numbered 1..n without gap or double and
    each link names a ledger entry about the item; one entry of `action`; the ledger verifies."""
    from dalil.audit import integrity
    from dalil.evidence.models import CustodyEvent
    from dalil.evidence.services import Conflict

    for exc in losers:
        assert isinstance(exc, Conflict), repr(exc)
        assert "handed over or received by someone else" in str(exc)
    chain = list(CustodyEvent.objects.filter(item=item).order_by("seq").values_list("seq", "kind"))
    assert chain == list(enumerate(kinds, 1))
    linked = Entry.objects.filter(
        seq__in=CustodyEvent.objects.filter(item=item).values("ledger_seq"),
        target_type="evidence.item",
        target_id=str(item.pk),
    )
    assert linked.count() == len(kinds)
    of_item = Entry.objects.filter(action=action, target_id=str(item.pk))
    assert of_item.count() == 1
    report = integrity.verify()
    assert report.ok, report.problems


@pytest.mark.parametrize("workers", [WORKERS, 32])
def test_evidence_hand_overs_racing_from_one_version_have_exactly_one_winner(
    workers: int, lead: Any, new_case: Any, custodians: list[Any], store: Any
) -> None:
    from dalil.evidence import services
    from dalil.evidence.models import Item

    winners = []
    for _trial in range(TRIALS):
        item = _evidence_item(lead, new_case())
        version = item.version

        def act(i: int, mine: Any) -> Any:
            # Half of them to the store, half to a custodian in person: different hand-overs.
            return services.transfer_release(
                actor=lead,
                item=mine,
                version=version,
                to_location=store if i % 2 == 0 else None,
                to_user=None if i % 2 == 0 else custodians[0],
                purpose=f"تسليم {i}",
            )

        results = race(lambda i: _fresh(Item, item.pk), act, workers=workers)
        losers = refusals(results)
        won = [r for r in results if isinstance(r, Item)]
        winners.append(len(won))
        if len(won) != 1:
            continue
        assert len(losers) == workers - 1
        _custody_race_checks(item, ["collected", "released"], "evidence.custody_released", losers)
        item.refresh_from_db()
        assert (item.state, item.version, item.holder_user) == ("in_transit", version + 1, lead)
        assert item.transit_to == won[0].transit_to
    assert winners == [1] * TRIALS, f"winners per trial: {winners}"


def test_evidence_receipts_racing_from_one_version_have_exactly_one_winner(
    lead: Any, new_case: Any, custodians: list[Any], store: Any
) -> None:
    from dalil.evidence import services
    from dalil.evidence.models import Item

    winners = []
    for _trial in range(TRIALS):
        item = _evidence_item(lead, new_case())
        item = services.transfer_release(
            actor=lead, item=item, version=item.version, to_location=store, purpose="حفظ"
        )
        version = item.version

        def act(i: int, mine: Any) -> Any:
            # The store's two custodians, each confirming from several screens.
            return services.transfer_confirm(
                actor=custodians[i % 2], item=mine, version=version, notes=f"استلام {i}"
            )

        results = race(lambda i: _fresh(Item, item.pk), act)
        losers = refusals(results)
        won = [r for r in results if isinstance(r, Item)]
        winners.append(len(won))
        if len(won) != 1:
            continue
        assert len(losers) == WORKERS - 1
        _custody_race_checks(
            item, ["collected", "released", "received"], "evidence.custody_received", losers
        )
        item.refresh_from_db()
        assert (item.state, item.version, item.holder_location) == ("held", version + 1, store)
        assert item.holder_user is None and item.transit_to is None
    assert winners == [1] * TRIALS, f"winners per trial: {winners}"
