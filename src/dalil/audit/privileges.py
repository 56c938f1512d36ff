"""Database privileges that keep the append-only tables append-only on PostgreSQL (R-20).

Triggers refuse UPDATE, DELETE and TRUNCATE on the ledger and the other append-only tables, but the
owner of a table can drop its triggers. So a production installation runs its migrations as the
owner of the schema and serves as another role (the *application role*) that may read and write
every table, yet holds no UPDATE, DELETE or TRUNCATE on the append-only ones, owns nothing and is
no superuser: even a stolen application password cannot rewrite the record.

`grant_statements()` is the SQL; `apply()` runs it as the owner (after every `migrate` that changes
something when `DALIL_DB_APP_ROLE` is set, or with `dalil audit privileges --role R --apply`), with
a ledger entry; `loose_tables()` names the append-only tables a role could still change (the
deploy check). SQLite has no roles: its triggers are the guard, and the file's permissions the rest.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection

from . import triggers

FORBIDDEN = ("UPDATE", "DELETE", "TRUNCATE")
# Plain lower-case identifiers only: nothing to quote wrongly, nothing to inject.
ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class PrivilegeError(ValueError):
    """The grants cannot make `role` a safe application role; the message says why."""


def _ident(name: str) -> str:
    if not ROLE_NAME.match(name):
        raise PrivilegeError(f"not a plain role or schema name: {name!r} (use a-z, 0-9 and _)")
    return f'"{name}"'


def _one(sql: str, params: list[Any] | None = None) -> Any:
    with connection.cursor() as cur:
        cur.execute(sql, params or [])
        row = cur.fetchone()
        return row[0] if row else None


def schema() -> str:
    return str(_one("SELECT current_schema()"))


def grant_statements(role: str, schema_name: str, tables: list[str]) -> list[str]:
    """Everything the application needs, then the append-only tables taken back to SELECT and
    INSERT. Rerun after migrations that add tables (new tables start with no grant)."""
    r, s = _ident(role), _ident(schema_name)
    out = [
        f"GRANT USAGE ON SCHEMA {s} TO {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}",
        f"REVOKE TRUNCATE, TRIGGER, REFERENCES ON ALL TABLES IN SCHEMA {s} FROM {r}",
    ]
    out += [f"REVOKE UPDATE, DELETE, TRUNCATE ON {s}.{_ident(t)} FROM {r}" for t in tables]
    return out


def role_exists(role: str) -> bool:
    return _one("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]) is not None


def why_unsafe(role: str) -> str:
    """Why `role` could change the append-only tables whatever it is granted ("" when it could
    not): a superuser, or a member of (or the same as) the role owning Dalil's tables."""
    if _one("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role]):
        return f"{role} is a superuser"
    owners = _one(
        "SELECT array_agg(DISTINCT tableowner::text) FROM pg_tables "
        "WHERE schemaname = current_schema() AND pg_has_role(%s, tableowner, 'MEMBER')",
        [role],
    )
    if owners:
        return (
            f"{role} owns Dalil's tables (as {', '.join(sorted(owners))}) and could drop triggers"
        )
    return ""


def loose_tables(role: str | None = None) -> list[str]:
    """The append-only tables `role` (default: the connected role) may still UPDATE, DELETE or
    TRUNCATE: by a grant, as a member of their owner, or as a superuser."""
    if connection.vendor != "postgresql":
        return []
    role = role or str(_one("SELECT current_user"))
    superuser = bool(_one("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role]))
    loose = []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT tablename, pg_has_role(%s, tableowner, 'MEMBER') FROM pg_tables "
            "WHERE schemaname = current_schema()",
            [role],
        )
        present = dict(cur.fetchall())
        for table in triggers.registered_tables():
            if table not in present:
                continue
            cur.execute(
                "SELECT bool_or(has_table_privilege(%s, %s, p)) FROM unnest(%s::text[]) AS p",
                [role, table, list(FORBIDDEN)],
            )
            if superuser or present[table] or cur.fetchone()[0]:
                loose.append(table)
    return loose


def apply(role: str, actor: Any) -> list[str]:
    """Grant `role` what the application needs, minus changes to the append-only tables; one
    ledger entry. PostgreSQL only, run as the owner; the role must exist (the DBA creates it, with
    its password, outside Dalil) and must not be one that could change the tables anyway."""
    from django.db import transaction

    from dalil import audit

    if connection.vendor != "postgresql":
        raise PrivilegeError("database roles exist only on PostgreSQL")
    _ident(role)
    if not role_exists(role):
        raise PrivilegeError(
            f"no database role named {role!r}: create it first (CREATE ROLE … LOGIN)"
        )
    unsafe = why_unsafe(role)
    if unsafe:
        raise PrivilegeError(f"{unsafe}: serve as a role that owns nothing and is no superuser")
    me = str(_one("SELECT current_user"))
    if (
        _one(
            "SELECT bool_and(pg_has_role(%s, tableowner, 'MEMBER')) FROM pg_tables "
            "WHERE schemaname = current_schema()",
            [me],
        )
        is not True
    ):
        raise PrivilegeError(f"run this as the owner of Dalil's tables, not as {me}")
    tables = triggers.registered_tables()
    sql = grant_statements(role, schema(), tables)
    with transaction.atomic():
        with connection.cursor() as cur:
            for statement in sql:
                cur.execute(statement)
        loose = loose_tables(role)
        if loose:  # rolls the grants back with the transaction
            raise PrivilegeError(f"{role} could still change {', '.join(loose)}")
        audit.record(
            actor=actor,
            action="audit.privileges_applied",
            payload={"role": role, "append_only_tables": tables},
        )
    return sql
