"""Gapless, race-free numbers per scope and year (document numbers: DOC-BGD-KARADA-2026-000123).

`next_number()` takes the next number inside the caller's transaction. The number belongs to the
caller only if that transaction commits; if it rolls back, so does the counter, and the next
caller gets the same number again. So the numbers actually issued have no gaps and no duplicates.

Concurrency: on SQLite every write transaction is BEGIN IMMEDIATE (see settings), so the writer
holds the database write lock from the start and two callers queue. On PostgreSQL the counter row
is locked with SELECT … FOR UPDATE; a missing row is created with INSERT … ON CONFLICT DO NOTHING,
which waits for a concurrent insert of the same row instead of failing.
"""

from __future__ import annotations

import re

from django.db import transaction

from .models import Counter

_SCOPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def _check(scope: str, year: int) -> None:
    if not _SCOPE.match(scope):
        raise ValueError(
            f"numbering scope {scope!r} must be Latin letters, digits, '.', '_' or '-'"
        )
    if not 1900 <= int(year) <= 9999:
        raise ValueError(f"numbering year {year!r} is out of range")


def next_number(scope: str, year: int) -> int:
    """Take the next number of `scope` in `year` (1, 2, 3, …). Call it inside the transaction
    that also stores what the number is for, so that both commit or neither."""
    _check(scope, year)
    with transaction.atomic():
        Counter.objects.bulk_create(
            [Counter(scope=scope, year=year, value=0)], ignore_conflicts=True
        )
        row = Counter.objects.select_for_update().get(scope=scope, year=year)
        row.value += 1
        row.save(update_fields=["value"])
        return row.value


def peek(scope: str, year: int) -> int:
    """The number `next_number()` would hand out now (it may be taken by someone else first)."""
    _check(scope, year)
    last = Counter.objects.filter(scope=scope, year=year).values_list("value", flat=True).first()
    return (last or 0) + 1


def format_number(scope: str, year: int, number: int) -> str:
    """`DOC-BGD-KARADA`, 2026, 123 → `DOC-BGD-KARADA-2026-000123`."""
    return f"{scope}-{year:04d}-{number:06d}"
