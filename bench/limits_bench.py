#!/usr/bin/env python3
"""Time limits that tests used to assert with a stopwatch (flaky on a loaded CI machine,
meaningless on a fast one). The tests now prove the behaviour; this measures the speed.

    .venv/bin/python bench/limits_bench.py [--entries 100000]

- refusing a 1 MB identifier (plain letters, bidi controls, Arabic-Indic digits): < 10 ms each
  (R-43; tests/test_settings.py proves nothing reads it before its length is checked);
- verifying a ledger of `--entries` entries: < 5 s for 100,000 (R-23 asks 1,000,000 in < 10 s:
  bench/ledger_bench.py);
- verifying that ledger after its last entry's seq is forged to 10^15: < 2 s (the walk follows
  the rows present; tests/test_ledger_tamper.py counts its queries).

Prints a table and writes `bench/out/limits.json`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import time
from pathlib import Path
from typing import Any

from ledger_bench import HERE, append, configure

GOALS = {"identifier_ms": 10.0, "verify_100k_seconds": 5.0, "forged_seq_seconds": 2.0}


def identifier_ms() -> float:
    from django.core.exceptions import ValidationError

    from dalil.core.text import clean_identifier

    worst = 0.0
    for value in ("a" * 1024 * 1024, "\u202e" * 1024 * 1024, "١" * 1024 * 1024):
        t0 = time.perf_counter()
        with contextlib.suppress(ValidationError):
            clean_identifier(value)
        worst = max(worst, (time.perf_counter() - t0) * 1000)
    return worst


def verify_seconds() -> tuple[float, Any]:
    from dalil.audit import integrity

    t0 = time.perf_counter()
    report = integrity.verify()
    return time.perf_counter() - t0, report


def forged_seq_seconds() -> float:
    from django.db import connection, transaction

    from dalil.audit import triggers

    with transaction.atomic(), connection.cursor() as cur:
        for table in triggers.APPEND_ONLY_TABLES:
            for sql in triggers._drop_statements(connection.vendor, table):
                cur.execute(sql)
        cur.execute("SELECT MAX(seq) FROM audit_entry")
        last = cur.fetchone()[0]
        cur.execute("UPDATE audit_entry SET seq = %s WHERE seq = %s", [10**15, last])
        seconds, report = verify_seconds()
        assert report.first_bad_seq == last, report.problems
        transaction.set_rollback(True)
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    args = parser.parse_args()
    db = configure(args.out.resolve())
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    append(args.entries, args.entries, 256)
    verified, report = verify_seconds()
    assert report.ok, report.problems
    measured = {
        "identifier_ms": round(identifier_ms(), 3),
        "verify_100k_seconds": round(verified * 100_000 / report.entries, 3),
        "forged_seq_seconds": round(forged_seq_seconds(), 3),
    }
    connection.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    met = {k: v < GOALS[k] for k, v in measured.items()}
    (args.out / "limits.json").write_text(
        json.dumps({"measured": measured, "goals": GOALS, "met": met}, indent=2) + "\n"
    )
    for key, value in measured.items():
        print(
            f"{key:<24} {value:>10.3f}   goal < {GOALS[key]:g}   {'met' if met[key] else 'NOT MET'}"
        )
    return 0 if all(met.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
