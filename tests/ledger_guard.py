"""ARCHITECTURE rule 7, checked under every test: a transaction that Dalil's code commits with a
write to a business table holds a ledger entry (`audit_entry`) too.

The root conftest turns the guard on for each test that uses the database. It watches the SQL
(`connection.execute_wrapper`) and the end of each transaction Dalil's code opens
(`transaction.Atomic.__exit__`):

- a write belongs to Dalil's code when the first frame of this repository on its call stack is
  under `src/dalil` and not a test (model methods and migrations are skipped: whoever called them
  decides), so a test that sets up rows itself is not judged;
- its transaction is the outermost `atomic()` block Dalil's code opened (blocks of the test case
  itself do not count); a write outside any block commits on its own, without a ledger entry;
- a transaction that rolls back wrote nothing, whatever it did;
- a few tables are not business records (the session, the job machinery's progress, …): `EXEMPT`.

The test fails at its end with each offending transaction: the tables and the `file:line` of the
first write to each.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction

LEDGER = "audit_entry"
# Written without a ledger entry by design.
EXEMPT = {
    "audit_checkpoint",  # the ledger's own signed checkpoints
    "django_session",  # the session of a signed-in browser
    "jobs_job",  # a job's progress (its start and end are ledgered by the runner)
    "jobs_joblogline",
    "django_tasks_database_dbtaskresult",  # the queue under the jobs
    # The search index: a projection of records whose own writes are ledgered, rebuilt at will
    # (`dalil search reindex`); it holds nothing the records do not.
    "search_searchentry",
}

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
APP = ROOT / "src" / "dalil"
# Bookkeeping columns an UPDATE may set alone without a ledger entry.
# (None: any UPDATE of the table.)
BOOKKEEPING: dict[str, set[str] | None] = {
    "api_apitoken": {"last_used_at"},  # when a token was last presented (every 5 minutes at most)
    # django-otp saves the whole device row as it checks a code (its replay guard, clock drift and
    # throttle counters); the sign-in or its refusal is what the ledger records.
    "otp_totp_totpdevice": None,
    "otp_static_staticdevice": None,
}
# Rows inserted as drafts that open nothing (their confirmation is ledgered): table -> (column,
# the value that marks the draft).
DRAFTS = {"otp_totp_totpdevice": ("confirmed", False)}  # a device while its owner enrols
_WRITE = re.compile(r'\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_SET = re.compile(r'"?(\w+)"?\s*=\s*(?:%s|\?)', re.IGNORECASE)


@dataclass
class Transaction:
    writes: dict[str, str] = field(default_factory=dict)  # table -> file:line of its first write
    ledgered: bool = False

    def problem(self) -> str:
        if self.ledgered or not self.writes:
            return ""
        where = ", ".join(f"{table} ({line})" for table, line in sorted(self.writes.items()))
        return f"committed without a ledger entry: {where}"


class Guard:
    def __init__(self) -> None:
        self.open: dict[int, Transaction] = {}  # id(outermost atomic block) -> its writes
        self.problems: list[str] = []
        # A test that drives a primitive alone (the number counter) adds its table, with why.
        self.exempt = set(EXEMPT)

    # --- the SQL --------------------------------------------------------------------------------
    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        match = _WRITE.match(sql)
        if match and _changed_nothing(match, context):
            return result  # an UPDATE or DELETE that matched no row wrote nothing
        if match and not _bookkeeping(match, sql) and not _draft(match, sql, params):
            self.wrote(match.group(2).lower())
        return result

    def wrote(self, table: str) -> None:
        where = _app_frame()
        if where is None or table in self.exempt:
            return
        block = _outermost_app_block()
        if block is None:  # autocommit: this statement is a transaction of its own
            if table != LEDGER:
                self.problems.append(Transaction({table: where}).problem())
            return
        tx = self.open.setdefault(id(block), Transaction())
        if table == LEDGER:
            tx.ledgered = True
        else:
            tx.writes.setdefault(table, where)

    # --- the end of a transaction ---------------------------------------------------------------
    def ended(self, block: Any, committed: bool) -> None:
        tx = self.open.pop(id(block), None)
        if tx is not None and committed and tx.problem():
            self.problems.append(tx.problem())


def _changed_nothing(match: re.Match[str], context: Any) -> bool:
    """An UPDATE or DELETE that matched no row (an INSERT's count is unknown until its RETURNING
    rows are read, so it is never taken for one)."""
    if match.group(1).upper().startswith("INSERT"):
        return False
    cursor = context.get("cursor") if isinstance(context, dict) else None
    return getattr(cursor, "rowcount", -1) == 0


def _bookkeeping(match: re.Match[str], sql: str) -> bool:
    """An UPDATE that sets only bookkeeping columns of its table."""
    table = match.group(2).lower()
    if table not in BOOKKEEPING or not match.group(1).upper().startswith("UPDATE"):
        return False
    columns = BOOKKEEPING[table]
    if columns is None:
        return True
    assignments = set(_SET.findall(sql[match.end() :].split(" WHERE ")[0]))
    return bool(assignments) and assignments <= columns


def _draft(match: re.Match[str], sql: str, params: Any) -> bool:
    """An INSERT of one row whose marking column holds the draft value."""
    draft = DRAFTS.get(match.group(2).lower())
    if not draft or not match.group(1).upper().startswith("INSERT"):
        return False
    columns = [c.strip(' "') for c in sql[match.end() :].split(")")[0].strip(" (").split(",")]
    values = list(params or ())
    if draft[0] not in columns or len(values) != len(columns):
        return False
    return values[columns.index(draft[0])] == draft[1]


def _outermost_app_block() -> Any:
    for block in connection.atomic_blocks:
        if not getattr(block, "_from_testcase", False):
            return block
    return None


_SKIP, _TEST, _APP = "skip", "test", "app"


@functools.cache
def _kind_of(filename: str) -> tuple[str, str]:
    """What a frame's file is to the guard (cached: every statement walks the stack)."""
    path = Path(filename)
    if not path.is_relative_to(ROOT) or path == HERE or "site-packages" in path.parts:
        return _SKIP, ""
    parts = path.parts
    if "tests" in parts or path.name in ("conftest.py", "testing.py"):
        return _TEST, ""
    # Model methods and migrations write for whoever called them.
    if path.is_relative_to(APP) and path.name != "models.py" and "migrations" not in parts:
        return _APP, str(path.relative_to(ROOT))
    return _SKIP, ""


def _app_frame() -> str | None:
    """`file:line` of the Dalil code behind the current statement, or None when the first frame of
    this repository is a test's own (it sets up rows)."""
    frame = sys._getframe(2)
    while frame is not None:
        kind, where = _kind_of(frame.f_code.co_filename)
        if kind == _TEST:
            return None
        if kind == _APP:
            return f"{where}:{frame.f_lineno}"
        frame = frame.f_back  # type: ignore[assignment]
    return None


_ACTIVE: list[Guard] = []
_original_exit = transaction.Atomic.__exit__


def _exit(self: Any, exc_type: Any, exc_value: Any, traceback: Any) -> Any:
    conn = transaction.get_connection(self.using)
    outermost = _ACTIVE and conn.atomic_blocks and _outermost_app_block() is self
    doomed = exc_type is not None or conn.needs_rollback
    try:
        return _original_exit(self, exc_type, exc_value, traceback)
    except BaseException:
        doomed = True
        raise
    finally:
        if outermost:
            for guard in _ACTIVE:
                guard.ended(self, committed=not doomed)


transaction.Atomic.__exit__ = _exit  # type: ignore[method-assign]


@contextmanager
def guarded() -> Iterator[Guard]:
    """Watch Dalil's writes on the default connection while the block runs."""
    guard = Guard()
    _ACTIVE.append(guard)
    try:
        with connection.execute_wrapper(guard):
            yield guard
    finally:
        _ACTIVE.remove(guard)
