#!/usr/bin/env python3
"""The chain of custody at ministry size (issue #14): 100,000 items with 1,000,000 custody events,
and one item that has travelled 1,000 times (between its investigator and the custodian) while the rest of the ministry kept writing to the
ledger. How long do its custody report (the court's PDF), its offline bundle and the bundle's
verification take?

    .venv/bin/python bench/custody_bench.py [--items 100000] [--events-per-item 10]
                                             [--long 1000] [--spread 1000] [--keep]

1. A fresh SQLite database (`bench/out/custody-bench.sqlite3`) with Dalil's migrations, the demo's
   units and users and its Karrada case (through the services).
2. Filler: `--items` items and `--events-per-item` custody events each, bulk-inserted (the size of
   the tables and their indexes; their `ledger_seq` points nowhere, as no report of them is timed).
3. The measured item: recorded and handed back and forth between the investigator and the custodian through the
   real services until it has `--long` events, each a real ledger entry; between two of them
   `--spread` other ledger entries (hashed exactly as `ledger.record` does), so its events lie
   scattered over about `--long × --spread` entries, as a long-lived item's do. A signed
   checkpoint closes the ledger.
4. Times: the item page's chain query, the custody report PDF, the custody bundle (zip) and its
   offline verification (`chain.verify_bundle`, the code of `verify_ledger.py`). Goal: < 1 s for
   the report and for the verification.

Prints a table and writes `bench/out/custody.json`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from ledger_bench import HERE, INSERT_SQL, Generator, configure

GOAL_SECONDS = 1.0


def fixtures() -> tuple[Any, Any, Any]:
    from dalil.access import operator_command
    from dalil.accounts import demo as accounts_demo
    from dalil.accounts.models import User
    from dalil.cases import demo as cases_demo
    from dalil.cases.models import Case

    with operator_command("bench", history=True):
        accounts_demo.load()
        cases_demo.load()
    case = Case.objects.get(title__startswith="مقتل صاحب محل صيرفة")
    return case, case.lead, User.objects.get(username="custodian.karada")


def filler(case: Any, lead: Any, items: int, per_item: int) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from dalil.evidence.models import CustodyEvent, Item

    t0 = time.perf_counter()
    now = timezone.now()
    batch = 10_000
    made_items = made_events = 0
    for first in range(0, items, batch):
        rows = [
            Item(
                number=f"EV-2025-{n:06d}",
                case=case,
                unit=case.unit,
                description="مبرز للقياس",
                category="other",
                quantity=Decimal(1),
                quantity_unit="piece",
                collected_at=now,
                collected_by=lead,
                seal_number=f"F-{n}",
                holder_user=lead,
            )
            for n in range(first, min(first + batch, items))
        ]
        with transaction.atomic():
            Item.objects.bulk_create(rows, batch_size=2_000)
            pks = list(
                Item.objects.filter(number__in=[r.number for r in rows]).values_list(
                    "pk", flat=True
                )
            )
            events = [
                CustodyEvent(
                    item_id=pk,
                    seq=k,
                    kind="collected" if k == 1 else "received",
                    at=now,
                    to_user=lead,
                    seal_number="F",
                    seal_state="intact",
                    recorded_by=lead,
                    ledger_seq=0,
                )
                for pk in pks
                for k in range(1, per_item + 1)
            ]
            CustodyEvent.objects.bulk_create(events, batch_size=5_000)
        made_items += len(rows)
        made_events += len(events)
    return {
        "items": made_items,
        "events": made_events,
        "seconds": round(time.perf_counter() - t0, 1),
    }


def travelled(
    case: Any, lead: Any, other: Any, long: int, spread: int, checkpoint_every: int
) -> tuple[Any, dict]:
    """The measured item, through the real services, with `spread` other entries in between and
    a signed checkpoint every `checkpoint_every` entries (as `dalil worker` signs one every 15
    minutes)."""
    from django.db import connection, transaction

    from dalil.audit import integrity
    from dalil.audit.models import Checkpoint, Entry
    from dalil.evidence import services

    gen = Generator(dt.datetime.now(dt.UTC) - dt.timedelta(days=30), step_us=1_000)

    signed = [0]

    def others() -> None:
        if spread:
            seq, prev = Entry.objects.order_by("-seq").values_list("seq", "hash")[0]
            rows, _prev = gen.rows(seq + 1, prev, spread)
            with transaction.atomic(), connection.cursor() as cur:
                cur.executemany(INSERT_SQL, rows)
        head = Entry.objects.order_by("-seq").values_list("seq", flat=True)[0]
        if head - signed[0] >= checkpoint_every:
            signed[0] = integrity.checkpoint_create().seq  # type: ignore[union-attr]

    t0 = time.perf_counter()
    item = services.item_record(
        actor=lead,
        case=case,
        description="هاتف محمول للقياس",
        category="digital",
        quantity=Decimal(1),
        quantity_unit="piece",
        seal_number="BENCH-1",
    )
    holder, receiver = lead, other
    events = 1
    while events < long:
        others()
        item = services.transfer_release(
            actor=holder, item=item, version=item.version, to_user=receiver, purpose="فحص"
        )
        others()
        item = services.transfer_confirm(actor=receiver, item=item, version=item.version)
        holder, receiver = receiver, holder
        events += 2
    integrity.checkpoint_create()
    return item, {
        "events": item.custody.count(),
        "ledger_entries": Entry.objects.count(),
        "checkpoints": Checkpoint.objects.count(),
        "seconds": round(time.perf_counter() - t0, 1),
    }


def reused(out: Path) -> tuple[Any, Any, Any, dict, dict]:
    """The case, reader and measured item of the database a `--keep` run left."""
    from dalil.evidence.models import Item

    item = Item.objects.get(seal_number="BENCH-1")
    built = json.loads((out / "custody-built.json").read_text())
    return item.case, item.case.lead, item, built["filler"], built["built"]


def checkpoint() -> None:
    """A signed checkpoint as `dalil worker` makes one every 15 minutes: its Merkle root over
    the whole ledger (the first after a kept database predating the tree builds its blocks)."""
    from dalil.audit import integrity

    integrity.checkpoint_create()


def timed(fn: Any, repeat: int = 3) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def measure(item: Any, reader: Any, out: Path) -> dict[str, Any]:
    from dalil.audit import chain
    from dalil.evidence import custody_report, selectors

    chain_s, rows = timed(lambda: list(selectors.custody_of(reader, item)))
    report_s, issued = timed(lambda: custody_report.custody_report(actor=reader, item=item), 1)
    bundle_s, (data, _manifest) = timed(
        lambda: custody_report.custody_bundle(actor=reader, item=item), 1
    )
    path = out / "custody-bundle.zip"
    path.write_bytes(data)
    verify_s, report = timed(lambda: chain.verify_bundle(str(path)))
    assert report.problems == [], report.problems[:5]
    return {
        "chain_query_seconds": round(chain_s, 3),
        "chain_rows": len(rows),
        "report_pdf_seconds": round(report_s, 3),
        "report_pdf_bytes": len(issued.pdf),
        "bundle_seconds": round(bundle_s, 3),
        "bundle_bytes": len(data),
        "verify_seconds": round(verify_s, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--events-per-item", type=int, default=10)
    parser.add_argument("--long", type=int, default=1_000)
    parser.add_argument("--spread", type=int, default=1_000)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--checkpoint-every", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument(
        "--reuse", action="store_true", help="measure again on the database a --keep run left"
    )
    args = parser.parse_args()
    out = args.out.resolve()
    db = configure(out, "custody-bench.sqlite3", fresh=not args.reuse)
    from django.core.management import call_command
    from django.db import connection

    if args.reuse:
        call_command("migrate", verbosity=0)  # the kept database may predate a migration
        case, lead, item, filled, built = reused(out)
    else:
        call_command("migrate", verbosity=0)
        case, lead, other = fixtures()
        filled = filler(case, lead, args.items, args.events_per_item)
        item, built = travelled(case, lead, other, args.long, args.spread, args.checkpoint_every)
        (out / "custody-built.json").write_text(json.dumps({"filler": filled, "built": built}))
    figures = {"checkpoint_seconds": timed(checkpoint, 1)[0], **measure(item, lead, out)}
    connection.close()
    result = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "cpus": os.cpu_count(),
        },
        "settings": vars(args) | {"out": str(out)},
        "database_bytes": db.stat().st_size,
        "filler": filled,
        "measured_item": built,
        "figures": figures,
        "goal_seconds": GOAL_SECONDS,
        "met": {
            "report": figures["report_pdf_seconds"] < GOAL_SECONDS,
            "verify": figures["verify_seconds"] < GOAL_SECONDS,
        },
    }
    (out / "custody.json").write_text(json.dumps(result, indent=2) + "\n")
    if not (args.keep or args.reuse):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    print(
        f"filler: {filled['items']:,} items, {filled['events']:,} events in {filled['seconds']} s"
    )
    print(
        f"measured item: {built['events']:,} events over {built['ledger_entries']:,} ledger "
        f"entries, built in {built['seconds']} s"
    )
    for key, value in figures.items():
        print(f"  {key:<22} {value}")
    print(
        f"goal < {GOAL_SECONDS} s: report {result['met']['report']}, verify {result['met']['verify']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
