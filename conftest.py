"""Shared test fixtures: a small organisation tree, users with roles, signed-in clients.

Also teaches transactional tests to empty a database whose ledger is append-only: the triggers
are lifted for the flush and the reference data (governorates, roles) is loaded again.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from typing import Any

import pytest

os.environ.setdefault("DALIL_PLAIN_STATIC", "1")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "tests"))  # tests/*.py helpers
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dalil.config.settings")


def _reload_reference_data() -> None:
    from django.apps import apps

    importlib.import_module("dalil.accounts.migrations.0002_governorates").load(apps, None)
    importlib.import_module("dalil.access.migrations.0002_roles").load(apps, None)


def _patch_transactional_flush() -> None:
    from django.test import testcases

    from dalil.audit import triggers

    original = testcases.TransactionTestCase._fixture_teardown
    if getattr(original, "_dalil", False):
        return

    def teardown(self: Any) -> None:
        with triggers.suspended():
            original(self)
        _reload_reference_data()

    teardown._dalil = True  # type: ignore[attr-defined]
    testcases.TransactionTestCase._fixture_teardown = teardown  # type: ignore[method-assign]


def pytest_configure(config: Any) -> None:
    import django
    from django.conf import settings

    config.addinivalue_line(
        "markers",
        "real_password_hasher: hash passwords with the production setting (Argon2id), not the"
        " tests' fast MD5 (see `_fast_password_hasher`)",
    )
    # pytest-django loads the settings before this file runs, so the DALIL_PLAIN_STATIC default
    # above comes too late: without this, every rendered page needs a collectstatic manifest.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    django.setup()
    _patch_transactional_flush()


@pytest.fixture(autouse=True)
def _isolated_files(tmp_path: Any, settings: Any) -> None:
    """Each test gets its own vault and signing-key folder."""
    settings.DALIL_VAULT_DIR = tmp_path / "vault"
    settings.DALIL_KEYS_DIR = tmp_path / "keys"


FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_password_hasher(request: Any, settings: Any) -> None:
    """Argon2 is slow on purpose (a third of a second per hash on the CI machine, and every
    `make_user` hashes one): tests hash with MD5, as Django's own test-speed advice says. The
    tests about the stored hash itself, and one sign-in through the forms end to end, say
    `@pytest.mark.real_password_hasher` and keep the production setting (Argon2id)."""
    if request.node.get_closest_marker("real_password_hasher") is None:
        settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS


@pytest.fixture
def tree(db: Any) -> dict[str, Any]:
    """MOI → {BGD-POL → {BGD-KARADA, BGD-MANSOUR}, BSR-POL → BSR-ASHAR, MOI-IA}."""
    from dalil.access import operator_command
    from dalil.accounts import services
    from dalil.accounts.models import Governorate

    bg = Governorate.objects.get(code="IQ-BG")
    ba = Governorate.objects.get(code="IQ-BA")
    with operator_command("test") as actor:
        moi = services.unit_create(
            actor=actor,
            parent=None,
            code="MOI",
            kind="ministry",
            name_ar="وزارة الداخلية",
            name_en="Ministry of Interior",
        )
        units = {"MOI": moi}
        for code, parent, kind, gov in [
            ("BGD-POL", "MOI", "governorate", bg),
            ("BGD-KARADA", "BGD-POL", "station", bg),
            ("BGD-MANSOUR", "BGD-POL", "station", bg),
            ("BSR-POL", "MOI", "governorate", ba),
            ("BSR-ASHAR", "BSR-POL", "station", ba),
            ("MOI-IA", "MOI", "ia_office", bg),
        ]:
            units[code] = services.unit_create(
                actor=actor,
                parent=units[parent],
                code=code,
                kind=kind,
                name_ar=f"وحدة {code}",
                name_en=f"Unit {code}",
                governorate=gov,
            )
    return units


@pytest.fixture
def operator() -> Any:
    """The operator's command line (ADR 0006) for the whole test: its `System` actor."""
    from dalil.access import operator_command

    with operator_command("test") as actor:
        yield actor


@pytest.fixture
def demo_operator() -> Any:
    """`dalil demo` for the whole test: the operator recording (synthetic) older files."""
    from dalil.access import operator_command

    with operator_command("demo", history=True) as actor:
        yield actor


PASSWORD = "Correct-horse-battery-9"  # noqa: S105 (test fixture)


@pytest.fixture
def make_user(tree: dict[str, Any]) -> Callable[..., Any]:
    from dalil.access import operator_command
    from dalil.access import services as access_services
    from dalil.access.models import Role
    from dalil.accounts import auth, services
    from dalil.accounts.demo import demo_key

    def make(
        username: str,
        unit: str = "BGD-KARADA",
        role: str | None = None,
        at: str | None = None,
        subtree: bool = True,
        mfa: bool = True,
        **extra: Any,
    ) -> Any:
        with operator_command("test") as actor:
            user = services.operator_user_create(
                actor=actor,
                unit=tree[unit],
                username=username,
                full_name=extra.pop("full_name", f"مستخدم {username}"),
                password=PASSWORD,
                **extra,
            )
            if role:
                access_services.assignment_grant(
                    actor=actor,
                    user=user,
                    role=Role.objects.get(code=role),
                    unit=tree[at or unit],
                    include_subtree=subtree,
                )
            if mfa:
                auth.enrol_fixed_key(actor=actor, user=user, key_hex=demo_key(username))
        return user

    return make


def sign_in(client: Any, user: Any) -> Any:
    """A fully signed-in session (both factors), without going through the forms."""
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from dalil.accounts import auth

    device = TOTPDevice.objects.get(user=user, confirmed=True)
    client.force_login(user, backend="dalil.accounts.backends.UsernameBackend")
    session = client.session
    now = timezone.now().timestamp()
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session[auth.STARTED_KEY] = now
    session[auth.SEEN_KEY] = now
    session.save()
    return client


@pytest.fixture
def client_for(client: Any) -> Callable[[Any], Any]:
    from django.test import Client

    def make(user: Any) -> Any:
        return sign_in(Client(HTTP_HOST="127.0.0.1"), user)

    return make


@pytest.fixture(autouse=True)
def ledger_guard() -> Any:
    """ARCHITECTURE rule 7 under every test: a transaction Dalil's code commits with a write to a
    business table holds a ledger entry (tests/ledger_guard.py)."""
    from ledger_guard import guarded

    with guarded() as guard:
        yield guard
    if guard.problems:
        pytest.fail("\n".join(["Rule 7 (ledger_guard):", *guard.problems]), pytrace=False)
