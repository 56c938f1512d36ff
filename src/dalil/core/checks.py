"""Startup self-checks: the database must be configured not to lose or fork data."""

from __future__ import annotations

from typing import Any

from django.core.checks import Error, Warning, register
from django.db import connection
from django.db.utils import DatabaseError

MIN_BUSY_TIMEOUT_MS = 5000  # writers wait for each other instead of failing "database is locked"


def sqlite_pragmas() -> dict[str, Any]:
    with connection.cursor() as cur:
        out = {}
        for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout"):
            cur.execute(f"PRAGMA {name}")
            out[name] = cur.fetchone()[0]
        return out


@register("database")
def check_database(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[Error]:
    if not databases or connection.vendor != "sqlite":
        return []
    try:
        p = sqlite_pragmas()
    except DatabaseError as exc:
        return [Error(f"cannot read SQLite settings: {exc}", id="dalil.E001")]
    errors = []
    if str(p["journal_mode"]).lower() != "wal":
        errors.append(Error("SQLite must run in WAL mode", id="dalil.E002"))
    if int(p["synchronous"]) != 2:
        errors.append(Error("SQLite must run with synchronous=FULL", id="dalil.E003"))
    if int(p["foreign_keys"]) != 1:
        errors.append(Error("SQLite must enforce foreign keys", id="dalil.E004"))
    if int(p["busy_timeout"]) < MIN_BUSY_TIMEOUT_MS:
        errors.append(
            Error(f"SQLite busy_timeout must be at least {MIN_BUSY_TIMEOUT_MS} ms", id="dalil.E005")
        )
    if getattr(connection, "transaction_mode", None) != "IMMEDIATE":
        errors.append(Error("SQLite transactions must BEGIN IMMEDIATE", id="dalil.E006"))
    return errors


@register("database", deploy=True)
def check_append_only_privileges(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[Warning]:
    """`dalil check --deploy --database default`: on PostgreSQL, the role Dalil connects as must not
    be able to change the append-only tables (R-20): triggers alone stop it, and an owner or a
    superuser can drop triggers."""
    if not databases or connection.vendor != "postgresql":
        return []
    from dalil.audit.privileges import loose_tables

    try:
        loose = loose_tables()
    except DatabaseError as exc:
        return [Warning(f"cannot read the database privileges: {exc}", id="dalil.W020")]
    if not loose:
        return []
    return [
        Warning(
            "The database role Dalil connects as may change append-only tables "
            f"({', '.join(loose)}): only triggers stop it, and it could drop them.",
            hint="Run migrations as the schema's owner with DALIL_DB_APP_ROLE set (or "
            "`dalil audit privileges --role ROLE --apply`) and serve as that role.",
            id="dalil.W021",
        )
    ]
