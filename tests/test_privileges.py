"""R-20 on PostgreSQL: the application role may read and add to the append-only tables but never
change them, by privileges as well as by triggers; `dalil audit privileges` shows and applies the
grants (one ledger entry), migrations re-apply them when DALIL_DB_APP_ROLE is set, and the deploy
check warns while Dalil connects as a role that could still change them. On SQLite the command
says that triggers are the guard."""

from __future__ import annotations

import json
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from dalil import audit
from dalil.audit import privileges, triggers
from dalil.audit.ledger import System
from dalil.audit.models import Entry
from dalil.core.checks import check_append_only_privileges

pytestmark = pytest.mark.django_db

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="database roles exist only on PostgreSQL"
)


def _sql(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cur:
        cur.execute(sql, params or [])


@pytest.fixture
def app_role() -> str:
    """A role created inside the test's transaction (rolled back with it, never left behind)."""
    role = f"dalil_app_{uuid.uuid4().hex[:10]}"
    _sql(f"CREATE ROLE {role} NOLOGIN")
    return role


class AsRole:
    def __init__(self, role: str) -> None:
        self.role = role

    def __enter__(self) -> None:
        _sql(f"SET ROLE {self.role}")

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if exc_type is None:  # after an error, rolling back the savepoint undoes the SET ROLE
            _sql("RESET ROLE")


@on_postgresql
def test_the_application_role_adds_to_the_ledger_but_cannot_change_it_even_without_triggers(
    app_role,
):
    before = Entry.objects.count()
    statements = privileges.apply(app_role, actor=System("test"))
    assert any("REVOKE UPDATE, DELETE, TRUNCATE" in s and "audit_entry" in s for s in statements)
    entry = Entry.objects.order_by("-seq").first()
    assert Entry.objects.count() == before + 1 and entry.action == "audit.privileges_applied"
    assert json.loads(entry.payload)["role"] == app_role
    assert privileges.loose_tables(app_role) == []

    with AsRole(app_role):
        # It writes the ledger and ordinary tables as the application must.
        with transaction.atomic():
            audit.record(actor=System("test"), action="audit.ledger_verified", payload={"ok": True})
        _sql("UPDATE accounts_user SET full_name = full_name WHERE id < 0")
    # With every trigger gone (as the owner could do), the privileges alone still refuse.
    for statement in (
        "UPDATE audit_entry SET actor = 'someone-else'",
        "DELETE FROM audit_entry",
        "TRUNCATE audit_entry CASCADE",
    ):
        with pytest.raises(ProgrammingError, match="permission denied"), transaction.atomic():
            for table in triggers.registered_tables():
                for drop in triggers._drop_statements("postgresql", table):
                    _sql(drop)
            with AsRole(app_role):
                _sql(statement)
        with connection.cursor() as cur:
            cur.execute("SELECT current_user")
            assert cur.fetchone()[0] != app_role
    assert Entry.objects.filter(actor="someone-else").count() == 0
    assert triggers.installed_tables()  # the savepoints put the triggers back


@on_postgresql
def test_the_command_prints_then_applies_and_refuses_an_unknown_role(app_role):
    out = StringIO()
    call_command("audit", "privileges", "--role", app_role, stdout=out)
    printed = out.getvalue()
    assert (
        f'REVOKE UPDATE, DELETE, TRUNCATE ON "public"."audit_entry" FROM "{app_role}";' in printed
    )
    assert '"detention_detentionorder"' in printed and '"judicial_decision"' in printed
    assert not Entry.objects.filter(action="audit.privileges_applied").exists()  # only shown
    applied = StringIO()
    call_command("audit", "privileges", "--role", app_role, "--apply", stdout=applied)
    assert applied.getvalue().startswith("OK: ")
    assert Entry.objects.filter(action="audit.privileges_applied").count() == 1
    for mode in ((), ("--apply",)):
        with pytest.raises(CommandError, match="no database role named"):
            call_command("audit", "privileges", "--role", "no_such_role_here", *mode)


@on_postgresql
def test_migrations_that_change_something_reapply_the_grants(app_role, settings):
    from django.apps import apps
    from django.db.models.signals import post_migrate

    _sql("CREATE TABLE audit_scratch_new (id int)")  # a table a later migration might add
    settings.DALIL_DB_APP_ROLE = app_role

    def migrated(plan: list) -> None:
        for config in apps.get_app_configs():
            post_migrate.send(
                sender=config,
                app_config=config,
                verbosity=0,
                interactive=False,
                using="default",
                plan=plan,
                apps=apps,
            )

    migrated([])  # `dalil serve` migrates with nothing to do: nothing granted, nothing written
    assert not Entry.objects.filter(action="audit.privileges_applied").exists()
    migrated([("a migration", False)])
    assert privileges.loose_tables(app_role) == []
    with AsRole(app_role):
        _sql("INSERT INTO audit_scratch_new VALUES (1)")  # new tables are granted too
    assert Entry.objects.filter(action="audit.privileges_applied").count() == 1


@on_postgresql
def test_a_role_that_could_change_the_tables_anyway_is_refused_and_nothing_is_granted(app_role):
    owner_member = f"{app_role}_own"
    _sql(f"CREATE ROLE {owner_member} NOLOGIN")
    _sql(f"GRANT {connection.settings_dict['USER']} TO {owner_member}")  # a member of the owner
    for role, why in (
        (owner_member, "owns Dalil's tables"),
        (connection.settings_dict["USER"], "is a superuser"),
        ('bad"name', "not a plain role"),
    ):
        with pytest.raises(privileges.PrivilegeError, match=why):
            privileges.apply(role, actor=System("test"))
        with pytest.raises(CommandError, match=why.split()[0]):
            call_command("audit", "privileges", "--role", role, "--apply", stdout=StringIO())
    assert not Entry.objects.filter(action="audit.privileges_applied").exists()
    assert privileges.loose_tables(owner_member)  # it could, and the check says so


@on_postgresql
def test_the_deploy_check_warns_while_dalil_connects_as_a_role_that_could_change_the_ledger():
    # The test suite connects as the superuser: it could change anything.
    warnings = check_append_only_privileges(databases=["default"])
    assert [w.id for w in warnings] == ["dalil.W021"]
    assert "audit_entry" in warnings[0].msg


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite wording")
def test_on_sqlite_the_command_says_the_triggers_are_the_guard():
    out = StringIO()
    call_command("audit", "privileges", "--role", "anyone", "--apply", stdout=out)
    assert "SQLite has no database roles" in out.getvalue()
    assert check_append_only_privileges(databases=["default"]) == []
    assert not Entry.objects.filter(action="audit.privileges_applied").exists()
