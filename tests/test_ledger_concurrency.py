"""Concurrent writers never fork the ledger: every append sees the head the previous one wrote.

PostgreSQL serialises appends with a transaction-level advisory lock, SQLite with IMMEDIATE write
transactions; the unique `prev_hash` is the last line of defence. Each database runs its own
variant: threads on PostgreSQL (one server, many connections), processes on SQLite (one file, many
writers, as with several gunicorn workers).
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from dalil import audit
from dalil.audit import integrity
from dalil.audit.ledger import System
from dalil.audit.models import Entry

WRITER = r"""
import os, sys, time
import django

django.setup()
from django.db import connection, transaction
from dalil import audit
from dalil.audit.ledger import System

writer, count, go = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
connection.ensure_connection()
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
started = time.time()
for i in range(count):
    with transaction.atomic():
        audit.record(actor=System(f"writer-{writer}"), action="audit.ledger_verified",
                     payload={"writer": writer, "i": i})
print(f"done {started} {time.time()}", flush=True)
"""


def _check_one_unforked_chain(writers: int, per_writer: int, before: int) -> None:
    rows = list(Entry.objects.order_by("seq").values_list("seq", "actor", "payload"))
    total = before + writers * per_writer
    assert [r[0] for r in rows] == list(range(1, total + 1))  # contiguous, no duplicates
    ours = [(actor, payload) for _, actor, payload in rows[before:]]
    for w in range(writers):
        mine = [json.loads(p) for actor, p in ours if actor.endswith(f"-{w}")]
        assert [(p["writer"], p["i"]) for p in mine] == [(w, i) for i in range(per_writer)]
    report = integrity.verify()
    assert report.ok, report.problems
    assert report.entries == total


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL variant (threads); SQLite runs the process variant below",
)
@pytest.mark.django_db(transaction=True)
def test_eight_threads_appending_on_postgresql_never_fork_the_chain():
    writers, per_writer = 8, 50
    before = Entry.objects.count()
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(w: int) -> None:
        try:
            start.wait(timeout=30)
            for i in range(per_writer):
                with transaction.atomic():
                    audit.record(
                        actor=System(f"thread-{w}"),
                        action="audit.ledger_verified",
                        payload={"writer": w, "i": i},
                    )
        except BaseException as exc:  # reported below, in the test's own thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert not errors, errors
    _check_one_unforked_chain(writers, per_writer, before)
    # PostgreSQL queues lock waiters fairly, so the threads' entries interleave throughout.
    actors = list(Entry.objects.order_by("seq").values_list("actor", flat=True)[before:])
    switches = sum(1 for a, b in itertools.pairwise(actors) if a != b)
    assert switches > writers * per_writer // 4, "the writers did not actually run at the same time"


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite variant (processes); PostgreSQL runs the thread variant above",
)
@pytest.mark.django_db(transaction=True)
def test_four_processes_appending_on_sqlite_never_fork_the_chain(tmp_path: Path):
    writers, per_writer = 4, 50
    before = Entry.objects.count()
    go = tmp_path / "go"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dalil.config.settings",
        "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
        "DALIL_DATA_DIR": str(tmp_path),
        "DALIL_KEYS_DIR": str(settings.DALIL_KEYS_DIR),
    }
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(w), str(per_writer), str(go)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(writers)
    ]
    try:
        for p in procs:  # every writer is connected before any of them starts
            assert p.stdout.readline().strip() == "ready", p.stderr.read()
        go.touch()
        results = [p.communicate(timeout=120) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    spans = []
    for p, (out, err) in zip(procs, results):
        assert p.returncode == 0, err
        word, started, ended = out.split()
        assert word == "done"
        spans.append((float(started), float(ended)))
    # SQLite lets one writer keep the lock for a while, so entries come in runs rather than
    # interleaved one by one; but every writer was already trying before any of them finished.
    assert max(s for s, _ in spans) < min(e for _, e in spans), spans
    _check_one_unforked_chain(writers, per_writer, before)


@pytest.mark.django_db
def test_two_entries_can_never_link_to_the_same_predecessor():
    with transaction.atomic():
        first = audit.record(actor=System("test"), action="audit.ledger_verified")
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(
            seq=first.seq + 1,
            ts=first.ts,
            actor="system:fork",
            source="web",
            action="audit.ledger_verified",
            prev_hash=first.prev_hash,
            hash="f" * 64,
        )
    assert Entry.objects.count() == 1
