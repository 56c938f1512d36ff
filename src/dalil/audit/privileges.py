"""Database privileges that keep the append-only tables append-only on PostgreSQL (R-20).

Triggers refuse UPDATE, DELETE and TRUNCATE on the ledger and the other append-only tables, but the
owner of a table can drop its triggers. So a production installation runs its migrations as the
owner of the schema and serves as another role (the *application role*) that may read and write
every table, yet holds no UPDATE, DELETE or TRUNCATE on the append-only ones: even a stolen
application password cannot rewrite the record.

`grant_statements()` is the SQL; `apply()` runs it as the owner (after every `migrate` when
`DALIL_DB_APP_ROLE` is set, or with `dalil audit privileges --role R --apply`), with a ledger
entry; `loose_tables()` names the append-only tables a role could still change (the deploy check).
SQLite has no roles: its triggers are the guard, and the file's permissions the rest.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from . import triggers

FORBIDDEN = ("UPDATE", "DELETE", "TRUNCATE")


def _ident(name: str) -> str:
    return connection.ops.quote_name(name)


def _schema() -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT current_schema()")
        return str(cur.fetchone()[0])


def grant_statements(role: str, schema: str, tables: list[str]) -> list[str]:
    """Everything the application needs, then the append-only tables taken back to SELECT and
    INSERT. Rerun after migrations that add tables (new tables start with no grant)."""
    r, s = _ident(role), _ident(schema)
    out = [
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        f"REVOKE TRUNCATE, TRIGGER, REFERENCES ON ALL TABLES IN SCHEMA {s} FROM {r}",
    ]
    out += [f"REVOKE UPDATE, DELETE, TRUNCATE ON {s}.{_ident(t)} FROM {r}" for t in tables]
    return out


def role_exists(role: str) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        return cur.fetchone() is not None


def loose_tables(role: str | None = None) -> list[str]:
    """The append-only tables `role` (default: the connected role) may still UPDATE, DELETE or
    TRUNCATE: by a grant, as their owner, or as a superuser."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cur:
        if role is None:
            cur.execute("SELECT current_user")
            role = str(cur.fetchone()[0])
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        present = {r[0] for r in cur.fetchall()}
        loose = []
        for table in triggers.registered_tables():
            if table not in present:
                continue
            cur.execute(
                "SELECT bool_or(has_table_privilege(%s, %s, p)) FROM unnest(%s::text[]) AS p",
                [role, table, list(FORBIDDEN)],
            )
            if cur.fetchone()[0]:
                loose.append(table)
        return loose


def apply(role: str, actor: Any) -> list[str]:
    """Grant `role` what the application needs, minus changes to the append-only tables; one
    ledger entry. Returns the statements run. PostgreSQL only; the role must exist (the DBA
    creates it, with its password, outside Dalil)."""
    from django.db import transaction

    from dalil import audit

    if connection.vendor != "postgresql":
        raise ValueError("database roles exist only on PostgreSQL")
    if not role_exists(role):
        raise ValueError(f"no database role named {role!r}: create it first (CREATE ROLE … LOGIN)")
    tables = triggers.registered_tables()
    sql = grant_statements(role, _schema(), tables)
    with transaction.atomic():
        with connection.cursor() as cur:
            for statement in sql:
                cur.execute(statement)
        audit.record(
            actor=actor,
            action="audit.privileges_applied",
            payload={"role": role, "append_only_tables": tables},
        )
    return sql
