"""Health an operator can watch (issue #12): what must hold for Dalil to serve (the database, a
writable vault, and, where configured, a live worker) and what an operator should know (the age of
the last signed checkpoint and of the last verified backup). `/health/ready` answers only up or
down; `dalil health` prints every check."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from dalil.audit.models import Checkpoint, Entry
from dalil.jobs import heartbeat


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    required: bool  # a failing required check makes /health/ready answer 503


def _age(moment: dt.datetime | None) -> str:
    if moment is None:
        return "never"
    return f"{int((timezone.now() - moment).total_seconds())} s ago"


def _database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Check("database", True, connection.vendor, True)
    except DatabaseError as exc:
        return Check("database", False, type(exc).__name__, True)


def _vault() -> Check:
    root = Path(settings.DALIL_VAULT_DIR)
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=root, prefix=".health-"):
            pass
        return Check("vault", True, "writable", True)
    except OSError as exc:
        return Check("vault", False, type(exc).__name__, True)


def _worker() -> Check:
    limit = float(getattr(settings, "DALIL_HEALTH_WORKER_MAX_SECONDS", 300))
    beat = heartbeat.last()
    alive = beat is not None and (timezone.now() - beat).total_seconds() <= limit
    required = bool(getattr(settings, "DALIL_HEALTH_REQUIRE_WORKER", False))
    return Check("worker", alive, f"last beat {_age(beat)}", required)


def _checkpoint() -> Check:
    limit = float(getattr(settings, "DALIL_HEALTH_CHECKPOINT_MAX_HOURS", 24)) * 3600
    try:
        last = Checkpoint.objects.order_by("-seq").values_list("ts", flat=True).first()
    except DatabaseError:
        return Check("checkpoint", False, "unreadable", False)
    fresh = last is not None and (timezone.now() - last).total_seconds() <= limit
    return Check("checkpoint", fresh, f"last signed {_age(last)}", False)


def _backup() -> Check:
    limit = float(getattr(settings, "DALIL_HEALTH_BACKUP_MAX_HOURS", 26)) * 3600
    try:
        last = (
            Entry.objects.filter(action="core.backup_made", payload__contains='"verified":true')
            .order_by("-seq")
            .values_list("ts", flat=True)
            .first()
        )
    except DatabaseError:
        return Check("backup", False, "unreadable", False)
    fresh = last is not None and (timezone.now() - last).total_seconds() <= limit
    return Check("backup", fresh, f"last verified {_age(last)}", False)


def checks() -> list[Check]:
    database = _database()
    later = [_checkpoint(), _backup()] if database.ok else []
    return [database, _vault(), _worker(), *later]


def ready(found: list[Check]) -> bool:
    return all(c.ok for c in found if c.required)
