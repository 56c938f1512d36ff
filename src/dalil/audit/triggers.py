"""Append-only tables, enforced by the database itself (SQLite and PostgreSQL triggers).

Other apps with append-only tables (custody) call `install(schema_editor, table)` from a
migration. Tests that must empty the database use `suspended()` (test support only).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.db import connection

APPEND_ONLY_TABLES = ["audit_entry", "audit_checkpoint", "audit_merkle_block"]

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION dalil_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'dalil: % is append-only; % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;
"""


def _statements(vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'dalil: {table} is append-only; UPDATE refused'); END",
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'dalil: {table} is append-only; DELETE refused'); END",
        ]
    if vendor == "postgresql":
        return [
            _PG_FUNCTION,
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION dalil_append_only()",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION dalil_append_only()",
        ]
    raise RuntimeError(
        f"Dalil supports SQLite and PostgreSQL; no append-only triggers for {vendor}"
    )


def _drop_statements(vendor: str, table: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_update",
            f"DROP TRIGGER IF EXISTS {table}_no_delete",
        ]
    return [
        f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
        f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
    ]


def install(schema_editor: Any, table: str) -> None:
    for sql in _statements(schema_editor.connection.vendor, table):
        schema_editor.execute(sql, params=None)


def uninstall(schema_editor: Any, table: str) -> None:
    for sql in _drop_statements(schema_editor.connection.vendor, table):
        schema_editor.execute(sql, params=None)


def installed_tables() -> list[str]:
    """Tables that currently carry the append-only triggers (for the startup self-check)."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type='trigger' AND name LIKE '%_no_delete'"
            )
        else:
            cur.execute(
                "SELECT DISTINCT event_object_table FROM information_schema.triggers "
                "WHERE trigger_name LIKE '%_append_only'"
            )
        return sorted(r[0] for r in cur.fetchall())


@contextlib.contextmanager
def suspended(tables: list[str] | None = None) -> Iterator[None]:
    """Drop the triggers, run the block, put them back. Only for tests that flush the database."""
    tables = tables or registered_tables()
    with connection.schema_editor(atomic=False) as editor:
        for t in tables:
            uninstall(editor, t)
    try:
        yield
    finally:
        with connection.schema_editor(atomic=False) as editor:
            for t in tables:
                install(editor, t)


def registered_tables() -> list[str]:
    return list(APPEND_ONLY_TABLES)


def register_table(table: str) -> None:
    if table not in APPEND_ONLY_TABLES:
        APPEND_ONLY_TABLES.append(table)
