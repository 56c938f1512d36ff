#!/usr/bin/env python3
"""Ledger benchmark: append 1,000,000 entries to a fresh SQLite ledger, then verify them all.

    .venv/bin/python bench/ledger_bench.py [--entries N] [--batch B] [--workers W]

It builds `bench/out/ledger-bench.sqlite3` with Dalil's own migrations (the real `audit_entry`
table, its indexes and its append-only triggers), then appends in batches of B entries: every entry
is hashed exactly as `dalil.audit.ledger.record` hashes it (`chain.entry_bytes` + `chain.entry_hash`)
and each batch is one `executemany` in one IMMEDIATE transaction, closed by a real signed checkpoint
(`integrity.checkpoint_create`, whose own entry is the last of the batch). Then it verifies:

- `integrity.verify()`: what `dalil audit verify` runs (every hash and link, every checkpoint);
- the same rows split over W processes (`chain.verify_rows` on contiguous ranges whose seams are
  checked in the parent): the fastest correct path on a multi-core machine.

It prints a table and writes `bench/out/ledger.json`. See bench/README.md for the goals.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import platform
import shutil
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SRC = REPO / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from dalil.audit import chain  # noqa: E402  (stdlib only: no Django needed in the workers)

GOALS = {
    "append_seconds": 2.0,  # issue #3: append 1 M entries in < 2 s
    "verify_entries_per_second": 1_500_000,  # issue #3: verify >= 1.5 M entries/s
    "verify_seconds_r23": 10.0,  # RELIABILITY.md R-23: verify 1 M entries in < 10 s
}
INSERT_SQL = (
    "INSERT INTO audit_entry (seq, ts, actor_id, actor, source, action, target_type, target_id, "
    "target_label, payload, prev_hash, hash) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def configure(out: Path, name: str = "ledger-bench.sqlite3", *, fresh: bool = True) -> Path:
    """Point Dalil at a database and key folder under `out` (fresh ones unless told to keep the
    ones there), then start Django."""
    out.mkdir(parents=True, exist_ok=True)
    db = out / name
    if fresh:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.rmtree(out / "keys", ignore_errors=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["DALIL_DATA_DIR"] = str(out / "data")
    os.environ["DALIL_KEYS_DIR"] = str(out / "keys")
    os.environ["DJANGO_SETTINGS_MODULE"] = "dalil.config.settings"
    import django

    django.setup()
    return db


# --- A realistic-looking workload ----------------------------------------------------------------
def _payload_pool() -> list[str]:
    pool = []
    for i in range(997):
        payload: dict[str, Any] = {
            "item": f"BGD-2026-{i:06d}",
            "from": "BGD-KARADA",
            "to": "LAB-BGD",
        }
        if i % 3 == 0:
            payload["reason"] = "نقل إلى المختبر الجنائي للفحص"
        if i % 5 == 0:
            payload["changes"] = {"status": ["open", "under_investigation"], "n": i}
        if i % 7 == 0:
            payload = {}
        pool.append(chain.canonical_json(payload))
    return pool


class Generator:
    """Entries hashed exactly as `ledger.record` hashes them, continuing from a given head."""

    def __init__(self, start: dt.datetime, step_us: int) -> None:
        from dalil.audit import registry

        self.actions = [a.code for a in registry.all_actions()] or ["audit.ledger_verified"]
        self.payloads = _payload_pool()
        self.start = start.replace(microsecond=0)
        self.step_us = step_us
        self._second: int | None = None
        self._prefix = ("", "")

    def timestamps(self, n: int) -> tuple[str, str]:
        """(canonical ts as hashed, ts as Django stores it in SQLite) for the n-th entry."""
        total_us = n * self.step_us
        second, micro = divmod(total_us, 1_000_000)
        if second != self._second:  # strftime once a second, not once an entry
            moment = self.start + dt.timedelta(seconds=second)
            self._prefix = (
                moment.strftime("%Y-%m-%dT%H:%M:%S"),
                moment.strftime("%Y-%m-%d %H:%M:%S"),
            )
            self._second = second
        return f"{self._prefix[0]}.{micro:06d}Z", f"{self._prefix[1]}.{micro:06d}"

    def rows(self, first_seq: int, prev: str, count: int) -> tuple[list[tuple], str]:
        entry_bytes, entry_hash = chain.entry_bytes, chain.entry_hash
        actions, payloads = self.actions, self.payloads
        n_actions, n_payloads = len(actions), len(payloads)
        out = []
        for seq in range(first_seq, first_seq + count):
            canonical_ts, stored_ts = self.timestamps(seq)
            if seq % 11 == 0:
                actor_id, actor, source = None, "system:worker", "task:import"
            else:
                actor_id, actor, source = 1000 + seq % 389, f"officer{seq % 389:03d}", "web"
            action = actions[seq % n_actions]
            target = ("evidence.item", str(seq // 4), f"مادة BGD-2026-{seq // 4:06d}")
            payload = payloads[seq % n_payloads]
            body = entry_bytes(seq, canonical_ts, actor_id, actor, source, action, *target, payload)
            digest = entry_hash(prev, body)
            out.append(
                (seq, stored_ts, actor_id, actor, source, action, *target, payload, prev, digest)
            )
            prev = digest
        return out, prev


def check_generator_matches_record(gen: Generator) -> None:
    """The generator's timestamps are the ones `record` would hash and Django would store."""
    from django.db import connection

    from dalil.audit.ledger import format_ts

    for n in (1, 999_999, 1_234_567):
        moment = gen.start + dt.timedelta(microseconds=n * gen.step_us)
        canonical, stored = gen.timestamps(n)
        assert canonical == format_ts(moment), (canonical, format_ts(moment))
        assert stored == connection.ops.adapt_datetimefield_value(moment), stored


# --- Append --------------------------------------------------------------------------------------
def append(entries: int, batch: int, cache_mb: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from dalil.audit import integrity
    from dalil.audit.models import Entry

    with connection.cursor() as cur:  # page cache of the loading connection only (not durability)
        cur.execute(f"PRAGMA cache_size = -{cache_mb * 1024}")
    gen = Generator(dt.datetime.now(dt.UTC) - dt.timedelta(days=2), step_us=7_919)
    check_generator_matches_record(gen)
    hash_s = insert_s = checkpoint_s = 0.0
    seq, prev = 1, chain.GENESIS
    checkpoints = 0
    while seq <= entries:
        bulk = min(batch, entries - seq + 1) - 1  # the batch's checkpoint entry closes it
        t0 = time.perf_counter()
        rows, prev = gen.rows(seq, prev, bulk)
        t1 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(INSERT_SQL, rows)
        t2 = time.perf_counter()
        integrity.checkpoint_create()
        checkpoints += 1
        t3 = time.perf_counter()
        hash_s, insert_s, checkpoint_s = (
            hash_s + t1 - t0,
            insert_s + t2 - t1,
            checkpoint_s + t3 - t2,
        )
        seq, prev = Entry.objects.order_by("-seq").values_list("seq", "hash")[0]
        seq += 1
    total = seq - 1
    return {
        "entries": total,
        "checkpoints": checkpoints,
        "hash_seconds": round(hash_s, 3),
        "insert_seconds": round(insert_s, 3),
        "checkpoint_seconds": round(checkpoint_s, 3),
        "append_seconds": round(hash_s + insert_s + checkpoint_s, 3),
        "append_entries_per_second": round(total / (hash_s + insert_s + checkpoint_s)),
    }


# --- Verify --------------------------------------------------------------------------------------
def verify_app() -> dict[str, Any]:
    from dalil.audit import integrity

    t0 = time.perf_counter()
    report = integrity.verify()
    seconds = time.perf_counter() - t0
    assert report.ok, report.problems
    return {
        "entries": report.entries,
        "checkpoints": report.checkpoints,
        "seconds": round(seconds, 3),
        "entries_per_second": round(report.entries / seconds),
    }


def _verify_range(args: tuple[str, str, int, int]) -> tuple[int, int, str | None, str | None, Any]:
    """Worker: verify rows first..last of the SQLite file; the first row may link to anything."""
    db, sql, first, last = args
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        cur = con.execute(sql.replace("%s", "?"), (first, last, last - first + 1))
        first_link: list[str] = []

        def rows() -> Any:
            row = cur.fetchone()
            if row is None:
                return
            first_link.append(row[10])
            yield row
            while batch := cur.fetchmany(20_000):
                yield from batch

        count, last_hash, problem = chain.verify_rows(
            rows(), first_seq=first, first_prev=chain.GENESIS if first == 1 else None
        )
    finally:
        con.close()
    found = (problem.seq, problem.reason) if problem else None
    return first, count, first_link[0] if first_link else None, last_hash, found


def verify_parallel(db: Path, entries: int, workers: int) -> dict[str, Any]:
    """Contiguous ranges in parallel; the parent checks that each range links to the previous one."""
    from django.db import connection

    from dalil.audit import integrity

    sql = integrity.row_sql(connection.vendor)
    step = -(-entries // workers)
    ranges = [(str(db), sql, a, min(a + step - 1, entries)) for a in range(1, entries + 1, step)]
    t0 = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(len(ranges)) as pool:
        parts = pool.map(_verify_range, ranges, chunksize=1)
    seconds = time.perf_counter() - t0
    problem = None
    prev_last: str | None = None
    for (_, _, a, b), (first, count, first_link, last_hash, found) in zip(
        ranges, parts, strict=True
    ):
        if found:
            problem = found
            break
        if prev_last is not None and first_link != prev_last:
            problem = (first, "previous-hash link broken")
            break
        if count != b - a + 1:
            problem = (a + count, "sequence broken (entries missing)")
            break
        prev_last = last_hash
    assert problem is None, problem
    return {
        "entries": entries,
        "workers": len(ranges),
        "seconds": round(seconds, 3),
        "entries_per_second": round(entries / seconds),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument(
        "--cache-mb", type=int, default=256, help="SQLite page cache while appending"
    )
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--keep", action="store_true", help="keep the database (about 700 MB)")
    args = parser.parse_args()

    db = configure(args.out.resolve())
    from django.core.management import call_command
    from django.db import connection

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - t0

    appended = append(args.entries, args.batch, args.cache_mb)
    single = verify_app()
    parallel = verify_parallel(db, appended["entries"], args.workers)
    connection.close()
    best = max(single["entries_per_second"], parallel["entries_per_second"])
    n = appended["entries"]
    result = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "database": str(db),
        "database_bytes": db.stat().st_size,
        "settings": {"batch": args.batch, "cache_mb": args.cache_mb, "workers": args.workers},
        "migrate_seconds": round(migrate_s, 3),
        "append": appended,
        "verify": single,
        "verify_parallel": parallel,
        "goals": GOALS,
        "met": {
            "append_seconds": appended["append_seconds"] < GOALS["append_seconds"],
            "verify_entries_per_second": best >= GOALS["verify_entries_per_second"],
            "verify_seconds_r23": single["seconds"] * 1_000_000 / n < GOALS["verify_seconds_r23"],
        },
    }
    (args.out / "ledger.json").write_text(json.dumps(result, indent=2) + "\n")
    if not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)

    def line(what: str, seconds: float, rate: int, goal: str) -> str:
        return f"{what:<38} {seconds:>9.2f} s {rate:>12,} /s   {goal}"

    print(
        f"Dalil ledger benchmark: {n:,} entries, {appended['checkpoints']} checkpoints, "
        f"SQLite {sqlite3.sqlite_version}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs"
    )
    print(f"{'step':<38} {'time':>11} {'entries':>15}   goal")
    print(
        line(
            "append: hash (as ledger.record)",
            appended["hash_seconds"],
            round(n / appended["hash_seconds"]),
            "",
        )
    )
    print(
        line(
            "append: insert (executemany)",
            appended["insert_seconds"],
            round(n / appended["insert_seconds"]),
            "",
        )
    )
    print(
        line(
            "append: total incl. checkpoints",
            appended["append_seconds"],
            appended["append_entries_per_second"],
            f"< {GOALS['append_seconds']:.0f} s",
        )
    )
    print(
        line(
            "verify: integrity.verify (1 process)",
            single["seconds"],
            single["entries_per_second"],
            f"< {GOALS['verify_seconds_r23']:.0f} s (R-23)",
        )
    )
    print(
        line(
            f"verify: {parallel['workers']} processes",
            parallel["seconds"],
            parallel["entries_per_second"],
            f">= {GOALS['verify_entries_per_second']:,} /s",
        )
    )
    print(
        "goals met: " + ", ".join(f"{k}={'yes' if v else 'NO'}" for k, v in result["met"].items())
    )
    print(f"wrote {args.out / 'ledger.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
