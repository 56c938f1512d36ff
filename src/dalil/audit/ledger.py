"""Appending to the ledger. Services call `record()` inside their own transaction."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from . import chain, registry
from .models import Entry

# A constant key for PostgreSQL's transaction-level advisory lock that serialises appends.
_PG_LOCK_KEY = 0x0DA111ED
_source: contextvars.ContextVar[str] = contextvars.ContextVar(
    "dalil_audit_source", default="system"
)


@dataclass(frozen=True)
class System:
    """A named non-human actor: `System("checkpoint")`, `System("cli:demo")`."""

    name: str

    @property
    def pk(self) -> None:
        return None

    def __str__(self) -> str:
        return f"system:{self.name}"


@contextlib.contextmanager
def source(name: str) -> Iterator[None]:
    """Name where the following writes come from ("web", "api", "cli:demo", "task:…")."""
    token = _source.set(name[:100])
    try:
        yield
    finally:
        _source.reset(token)


def current_source() -> str:
    return _source.get()


def _actor_fields(actor: Any) -> tuple[int | None, str]:
    if actor is None:
        return None, "anonymous"
    if isinstance(actor, System):
        return None, str(actor)
    if getattr(actor, "is_authenticated", False):
        return int(actor.pk), actor.get_username()
    return None, "anonymous"


def _target_fields(target: Model | tuple[str, str, str] | None) -> tuple[str, str, str]:
    if target is None:
        return "", "", ""
    if isinstance(target, tuple):
        ttype, tid, label = target
        return ttype[:80], str(tid)[:64], str(label)[:200]
    return target._meta.label_lower, str(target.pk), str(target)[:200]


def _lock_head() -> None:
    # SQLite: our write transactions BEGIN IMMEDIATE, so the writer already holds the database
    # write lock. PostgreSQL: take a transaction-scoped advisory lock. Either way the read of the
    # head and the insert below cannot interleave with another writer; the unique prev_hash is
    # the last line of defence against a fork.
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [_PG_LOCK_KEY])


def format_ts(ts: dt.datetime) -> str:
    return ts.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def record(
    *,
    actor: Any,
    action: str,
    target: Model | tuple[str, str, str] | None = None,
    payload: dict[str, Any] | None = None,
    source: str | None = None,
) -> Entry:
    """Append one entry. Must run inside the caller's transaction, so both commit or neither."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must be called inside the service's transaction")
    registry.get(action)  # unknown action codes are a programming error
    actor_id, actor_label = _actor_fields(actor)
    ttype, tid, tlabel = _target_fields(target)
    payload_json = chain.canonical_json(payload or {})
    _lock_head()
    head = Entry.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, prev = (head[0] + 1, head[1]) if head else (1, chain.GENESIS)
    ts = now()
    src = (source or current_source())[:100]
    body = chain.entry_bytes(
        seq, format_ts(ts), actor_id, actor_label, src, action, ttype, tid, tlabel, payload_json
    )
    return Entry.objects.create(
        seq=seq,
        ts=ts,
        actor_id=actor_id,
        actor=actor_label,
        source=src,
        action=action,
        target_type=ttype,
        target_id=tid,
        target_label=tlabel,
        payload=payload_json,
        prev_hash=prev,
        hash=chain.entry_hash(prev, body),
    )


def record_access(*, actor: Any, target: Model, action: str, payload: dict | None = None) -> Entry:
    """Ledger a sensitive read. Opens its own transaction when the caller has none."""
    with transaction.atomic():
        return record(actor=actor, action=action, target=target, payload=payload)


def record_now(**kwargs: Any) -> Entry:
    """Ledger an event that has no business transaction of its own (a refused sign-in)."""
    with transaction.atomic():
        return record(**kwargs)
