"""Document numbers: gapless per scope and year, never handed out twice, even under concurrency."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from dalil.core import numbering
from dalil.core.models import Counter


@pytest.fixture(autouse=True)
def _the_counter_alone(ledger_guard):
    """These tests drive the counter alone; in Dalil it is always taken inside the transaction of
    the service that ledgers the document it numbers (the rule 7 guard checks those)."""
    ledger_guard.exempt.add("core_counter")


@pytest.mark.django_db
def test_numbers_count_up_from_one_per_scope_and_year():
    assert [numbering.next_number("DOC-BGD-KARADA", 2026) for _ in range(3)] == [1, 2, 3]
    assert numbering.next_number("DOC-BGD-MANSOUR", 2026) == 1
    assert numbering.next_number("DOC-BGD-KARADA", 2027) == 1
    assert numbering.next_number("DOC-BGD-KARADA", 2026) == 4
    assert numbering.peek("DOC-BGD-KARADA", 2026) == 5
    assert numbering.peek("DOC-NEW", 2026) == 1
    assert not Counter.objects.filter(scope="DOC-NEW").exists()  # peeking takes nothing


@pytest.mark.django_db
def test_a_rolled_back_transaction_gives_its_number_back():
    assert numbering.next_number("DOC-X", 2026) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert numbering.next_number("DOC-X", 2026) == 2
        raise RuntimeError("the document was not stored")
    assert numbering.next_number("DOC-X", 2026) == 2


def test_numbers_are_formatted_with_scope_year_and_six_digits():
    assert numbering.format_number("DOC-BGD-KARADA", 2026, 123) == "DOC-BGD-KARADA-2026-000123"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "scope,year", [("", 2026), ("doc karada", 2026), ("DOC/../X", 2026), ("DOC", 26)]
)
def test_a_malformed_scope_or_year_is_refused(scope, year):
    with pytest.raises(ValueError):
        numbering.next_number(scope, year)
    assert not Counter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_fifty_numbers_from_concurrent_threads_are_distinct_and_gapless():
    """Ten threads, each on its own database connection, take five numbers each at once (on
    SQLite they queue on the IMMEDIATE write lock, on PostgreSQL on the row lock)."""
    threads_n, each = 10, 5
    start = threading.Barrier(threads_n)
    got: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def take() -> None:
        try:
            start.wait(timeout=30)
            for _ in range(each):
                with transaction.atomic():
                    n = numbering.next_number("DOC-RACE", 2026)
                with lock:
                    got.append(n)
        except BaseException as exc:  # reported in the test's own thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert sorted(got) == list(range(1, threads_n * each + 1))
    assert Counter.objects.get(scope="DOC-RACE", year=2026).value == threads_n * each
