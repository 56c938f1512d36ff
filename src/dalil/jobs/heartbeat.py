"""The worker's heartbeat: after each pass the worker writes the time to a small file (no database
write, so no ledger entry), and the health check reads how long ago it beat."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from django.conf import settings


def path() -> Path:
    return Path(
        getattr(settings, "DALIL_WORKER_HEARTBEAT", "")
        or Path(settings.DATA_DIR) / "worker.heartbeat"
    )


def beat() -> None:
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_text(dt.datetime.now(dt.UTC).isoformat())
    os.replace(partial, target)  # a reader never sees half a time


def last() -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(path().read_text().strip())
    except (OSError, ValueError):
        return None
