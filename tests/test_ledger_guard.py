"""The rule 7 guard (tests/ledger_guard.py) that watches every test: it names a transaction that
Dalil's code commits with a business write and no ledger entry, and leaves alone what a test
writes itself, what rolls back, and a write that comes with its entry.

The probe below plays Dalil's code: it is compiled under a file name in src/dalil, which is what
the guard looks at to tell Dalil's writes from a test's own."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ledger_guard import APP, EXEMPT

pytestmark = pytest.mark.django_db

PROBE = """
from django.db import connection, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from dalil import audit
from dalil.audit.ledger import System
from dalil.core.models import Counter


def count(scope):
    return Counter.objects.create(scope=scope, year=2025)


def count_in_a_transaction(scope, *, ledger=False, fail=False):
    with transaction.atomic():
        counter = count(scope)
        if ledger:
            audit.record(actor=System("test"), action="core.file_uploaded", target=counter)
        if fail:
            raise ValueError("refused")


def run(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def add_device(user, confirmed):
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=confirmed)


def count_then_ledger_apart(scope):
    with transaction.atomic():
        counter = count(scope)
    with transaction.atomic():
        audit.record(actor=System("test"), action="core.file_uploaded", target=counter)
"""
PROBE_FILE = APP / "core" / "probe_for_the_guard.py"  # never written: only its name counts


@pytest.fixture
def probe():
    namespace: dict = {}
    exec(compile(PROBE, str(PROBE_FILE), "exec"), namespace)
    return type("Probe", (), {k: staticmethod(v) for k, v in namespace.items() if callable(v)})


@pytest.fixture
def found(ledger_guard):
    """What the guard of this very test found; emptied before the test ends, so the deliberate
    breaches below do not fail the test they prove."""
    yield ledger_guard.problems
    ledger_guard.problems.clear()


def _line(text: str) -> int:
    return PROBE.splitlines().index(text) + 1


def test_a_committed_write_without_a_ledger_entry_is_named_with_its_table_and_line(probe, found):
    probe.count_in_a_transaction("a")
    where = f"src/dalil/core/probe_for_the_guard.py:{_line('    return Counter.objects.create(scope=scope, year=2025)')}"
    assert found == [f"committed without a ledger entry: core_counter ({where})"]


def test_a_write_with_its_ledger_entry_in_the_same_transaction_passes(probe, found):
    probe.count_in_a_transaction("b", ledger=True)
    assert found == []


def test_a_ledger_entry_in_another_transaction_does_not_cover_the_write(probe, found):
    probe.count_then_ledger_apart("c")
    assert len(found) == 1 and "core_counter" in found[0]


def test_a_write_outside_any_transaction_commits_alone_and_is_named(probe, found):
    probe.count("d")
    assert len(found) == 1 and "core_counter" in found[0]


def test_a_transaction_that_rolls_back_wrote_nothing(probe, found):
    with pytest.raises(ValueError):
        probe.count_in_a_transaction("e", fail=True)
    assert found == []


def test_a_test_that_sets_up_rows_itself_is_not_judged(found):
    from dalil.core.models import Counter

    Counter.objects.create(scope="f", year=2025)
    assert found == []


def test_the_exempt_tables_exist():
    """A renamed table would silently stop being exempt (and fail every test) or, worse, an
    exempt name would linger for a table that became business data."""
    from django.db import connection

    assert set(connection.introspection.table_names()) >= EXEMPT


def test_the_guard_watches_every_test_through_the_root_conftest():
    conftest = Path(__file__).resolve().parent.parent / "conftest.py"
    fixtures = {
        node.name
        for node in ast.parse(conftest.read_text()).body
        if isinstance(node, ast.FunctionDef)
        and any("autouse=True" in ast.unparse(d) for d in node.decorator_list)
    }
    assert "ledger_guard" in fixtures


def test_an_update_of_bookkeeping_columns_alone_is_no_business_write(probe, found, make_user):
    from django.utils import timezone

    from dalil.api.models import ApiToken

    token = ApiToken.objects.create(  # the test's own row: not judged
        user=make_user("holder"), key_id="k1", name="t", digest="d", expires_at=timezone.now()
    )
    now = "2025-01-01 00:00:00"
    probe.run('UPDATE "api_apitoken" SET "last_used_at" = %s WHERE "id" = %s', [now, token.pk])
    assert found == []
    probe.run(
        'UPDATE "api_apitoken" SET "last_used_at" = %s, "name" = %s WHERE "id" = %s',
        [now, "x", token.pk],
    )
    assert len(found) == 1 and "api_apitoken" in found[0]


def test_an_update_that_matches_no_row_wrote_nothing(probe, found):
    probe.run('UPDATE "api_apitoken" SET "name" = %s WHERE "id" = %s', ["x", 0])
    assert found == []


def test_a_draft_device_is_no_business_write_but_a_confirmed_one_is(probe, found, make_user):
    user = make_user("enrolling", mfa=False)
    probe.add_device(user, confirmed=False)
    assert found == []
    probe.add_device(user, confirmed=True)
    assert len(found) == 1 and "otp_totp_totpdevice" in found[0]


def test_a_used_recovery_code_goes_with_its_ledger_entry(make_user, found):
    """The one breach the guard found when it was switched on: a recovery code was spent in one
    transaction and ledgered in another."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from dalil.accounts import auth

    user = make_user("recovering")
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    StaticToken.objects.create(device=static, token=auth.recovery_digest("abcde-12345"))
    assert auth.verify_second_factor(user, "abcde-12345") == static
    assert not StaticToken.objects.filter(device=static).exists()
    assert found == []
