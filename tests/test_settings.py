"""Deployment and database settings (R-26, R-44), security headers, text rules, log records (R-25)."""

from __future__ import annotations

import io
import json
import logging
import os
import secrets
import sqlite3
import string
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection, transaction

from dalil.core import text
from dalil.core.checks import check_database
from dalil.core.logging import JsonFormatter
from dalil.core.models import Blob

REPO = Path(__file__).resolve().parent.parent
sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite settings (R-26)")


# --- SQLite must not lose or fork data --------------------------------------------------
def _pragma(name: str) -> object:
    with connection.cursor() as cur:
        cur.execute(f"PRAGMA {name}")
        return cur.fetchone()[0]


@sqlite_only
@pytest.mark.django_db
def test_sqlite_runs_wal_with_full_sync_foreign_keys_and_a_busy_timeout():
    assert str(_pragma("journal_mode")).lower() == "wal"
    assert _pragma("synchronous") == 2  # FULL
    assert _pragma("foreign_keys") == 1
    assert int(_pragma("busy_timeout")) >= 5000
    assert connection.transaction_mode == "IMMEDIATE"


def _other_connection(timeout: float = 0.2) -> sqlite3.Connection:
    return sqlite3.connect(connection.settings_dict["NAME"], timeout=timeout, isolation_level=None)


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_transaction_takes_the_write_lock_when_it_begins_before_any_write():
    other = _other_connection()
    try:
        # Nothing written inside the block: a DEFERRED transaction would not hold the lock yet.
        with transaction.atomic(), pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released at the end of the block
        other.execute("ROLLBACK")
    finally:
        other.close()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_the_lock_test_can_tell_a_deferred_begin_from_an_immediate_one():
    """Control: a plain (deferred) BEGIN on the same file does not block another writer."""
    first, second = _other_connection(), _other_connection()
    try:
        first.execute("BEGIN")
        first.execute("SELECT count(*) FROM core_blob").fetchone()
        second.execute("BEGIN IMMEDIATE")
        second.execute("ROLLBACK")
        first.execute("ROLLBACK")
    finally:
        first.close()
        second.close()


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_two_writers_queue_instead_of_failing_with_database_locked():
    order: list[str] = []
    errors: list[BaseException] = []
    started = threading.Event()

    def second_writer() -> None:
        try:
            started.wait(5)
            with transaction.atomic():
                order.append("second begun")
                Blob.objects.create(sha256="b" * 64, size=2)
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)
        finally:
            connection.close()

    worker = threading.Thread(target=second_writer)
    with transaction.atomic():
        worker.start()
        started.set()
        time.sleep(0.4)  # the second writer is waiting on the lock meanwhile
        Blob.objects.create(sha256="a" * 64, size=1)
        order.append("first committing")
    worker.join(20)
    assert not worker.is_alive() and errors == []
    assert order == ["first committing", "second begun"]
    assert set(Blob.objects.values_list("sha256", flat=True)) == {"a" * 64, "b" * 64}


@sqlite_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "statement,error_id",
    [
        ("PRAGMA synchronous=NORMAL", "dalil.E003"),
        ("PRAGMA foreign_keys=OFF", "dalil.E004"),
        ("PRAGMA journal_mode=DELETE", "dalil.E002"),
        ("PRAGMA busy_timeout=100", "dalil.E005"),
    ],
)
def test_the_startup_check_reports_a_wrong_sqlite_pragma(statement, error_id):
    assert check_database(databases=["default"]) == []
    try:
        with connection.cursor() as cur:
            cur.execute(statement)
        assert [e.id for e in check_database(databases=["default"])] == [error_id]
        with pytest.raises(SystemCheckError, match=error_id):
            call_command(
                "check", "--database", "default", stdout=io.StringIO(), stderr=io.StringIO()
            )
    finally:
        connection.close()  # the next connection gets the configured PRAGMAs again
    assert check_database(databases=["default"]) == []


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_the_startup_check_reports_deferred_transactions():
    connection.ensure_connection()
    try:
        connection.transaction_mode = "DEFERRED"
        assert [e.id for e in check_database(databases=["default"])] == ["dalil.E006"]
    finally:
        connection.close()
    assert check_database(databases=["default"]) == []


# --- deployment settings -----------------------------------------------------------------
def _manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # A clean environment: nothing the test run set (DALIL_*, DJANGO_ALLOW_ASYNC_UNSAFE, ...).
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DALIL_", "DJANGO_")) and k != "DATABASE_URL"
    }
    clean |= {"DALIL_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(REPO / "src"), **env}
    return subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args],
        cwd=tmp_path,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _production_env() -> dict[str, str]:
    key = "".join(
        secrets.choice(string.ascii_letters + string.digits + "!@#%^&*(-_=+)") for _ in range(64)
    )
    return {
        "DALIL_ENV": "production",
        "DALIL_SECRET_KEY": key,
        "DALIL_ALLOWED_HOSTS": "dalil.example.iq",
    }


def test_deploy_check_finds_no_issue_in_production_mode(tmp_path):
    result = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **_production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr and "?:" not in result.stderr


def test_production_settings_force_tls_cookies_hsts_and_no_debug(tmp_path):
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in ["
        "'DEBUG', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'ALLOWED_HOSTS', 'X_FRAME_OPTIONS', 'SECURE_CONTENT_TYPE_NOSNIFF']}))"
    )
    result = _manage(tmp_path, "shell", "-c", code, **_production_env(), DALIL_DEBUG="1")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "ALLOWED_HOSTS": ["dalil.example.iq"],
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
    }


@pytest.mark.parametrize("key", [None, "", "too-short-" * 4])
def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, key):
    env = {"DALIL_ENV": "production", "DALIL_ALLOWED_HOSTS": "dalil.example.iq"}
    if key is not None:
        env["DALIL_SECRET_KEY"] = key
    result = _manage(tmp_path, "check", **env)
    assert result.returncode != 0
    assert "DALIL_SECRET_KEY must be set" in result.stderr


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_runserver_serves_pages_and_static_files_before_any_collectstatic(tmp_path):
    """Django's development server on a fresh checkout (no collectstatic, no manifest): a page
    and its stylesheet answer 200, not the 500 of a missing manifest entry."""
    import urllib.request

    port = _free_port()
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DALIL_", "DJANGO_")) and k != "DATABASE_URL"
    }
    clean |= {"DALIL_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(REPO / "src")}
    server = subprocess.Popen(
        [sys.executable, "-m", "dalil", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=tmp_path,
        env=clean,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        answers = {}
        for path in ("/accounts/login/", "/static/ui/dalil.css"):
            for _ in range(100):  # the server needs a moment to start
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
                        answers[path] = r.status
                    break
                except urllib.error.HTTPError as exc:
                    answers[path] = exc.code
                    break
                except OSError:
                    time.sleep(0.1)
    finally:
        server.terminate()
        errors = server.communicate(timeout=10)[1]
    assert answers == {"/accounts/login/": 200, "/static/ui/dalil.css": 200}, errors[-2000:]
    assert not (tmp_path / "data" / "static" / "staticfiles.json").exists()


# --- Security headers on every response --------------------------------------------------------
def _assert_security_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_anonymous_pages_redirects_and_404s_carry_the_security_headers(client):
    for url, status in [("/accounts/login/", 200), ("/vault/", 302), ("/no-such-page/", 404)]:
        response = client.get(url)
        assert response.status_code == status, url
        _assert_security_headers(response)
        assert "no-store" in response["Cache-Control"], url


@pytest.mark.django_db
def test_authenticated_pages_carry_the_security_headers_and_are_never_cached(make_user, client_for):
    client = client_for(make_user("inv.headers", role="investigator"))
    for url in ["/", "/vault/", "/vault/upload/", "/accounts/password/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_security_headers(response)
        assert response["Cache-Control"] == "no-store", url


@pytest.mark.django_db
def test_static_files_carry_the_security_headers_but_may_be_cached(client):
    response = client.get("/static/ui/dalil.css")
    assert response.status_code == 200
    _assert_security_headers(response)
    assert "no-store" not in response.get("Cache-Control", "")


# --- core/text.py: identifiers ----------------------------------------------------------------
@pytest.mark.parametrize("control", sorted(text.BIDI_CONTROLS))
def test_an_identifier_with_a_bidi_control_is_refused(control):
    for value in (f"admin{control}", f"{control}admin", f"ad{control}min"):
        with pytest.raises(ValidationError) as exc:
            text.clean_identifier(value)
        assert exc.value.code == "bidi"


def test_the_listed_bidi_controls_are_all_known():
    listed = {"\u202e", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f", "\u061c"}
    assert listed <= text.BIDI_CONTROLS


@pytest.mark.parametrize(
    "value",
    [
        "ab cd",
        "ab\tcd",
        "ab\u00a0cd",
        "ab\u3000cd",
        "محمد",
        "unit-محمد",
        "ahmed٫1",
        "\u0430dmin",
        "p\u0430ypal",
        "\u0410DMIN",
        "g\u03bfogle",
        "ad\u200bmin",
        "ad\ufeffmin",
        "-leading-dash",
        ".hidden",
        "a/b",
        "a\\b",
        "a\x00b",
        "",
        "   ",
    ],
)
def test_an_identifier_outside_the_ascii_rule_is_refused(value):
    with pytest.raises(ValidationError):
        text.clean_identifier(value)


@pytest.mark.parametrize("value", ["a" * 1024 * 1024, "\u202e" * 1024 * 1024, "١" * 1024 * 1024])
def test_a_megabyte_identifier_is_refused_by_its_length_before_anything_reads_it(
    value, monkeypatch
):
    """R-43: nothing scans, normalises or folds a megabyte (how fast: bench/limits_bench.py)."""

    def never(*args: object) -> None:
        raise AssertionError("a megabyte identifier was read")

    monkeypatch.setattr(text, "has_bidi_control", never)
    monkeypatch.setattr(text, "normalize_digits", never)
    monkeypatch.setattr(text, "unicodedata", type("U", (), {"normalize": staticmethod(never)}))
    with pytest.raises(ValidationError) as exc:
        text.clean_identifier(value)
    assert exc.value.code == "too_long"


@pytest.mark.parametrize(
    "value,expected",
    [
        ("١٢٣", "123"),
        ("۱۲۳", "123"),
        ("123", "123"),
        ("unit-٤٥", "unit-45"),
        ("BGD-۰۹", "BGD-09"),
        ("ahmed.ali", "ahmed.ali"),
    ],
)
def test_arabic_indic_and_persian_digits_become_ascii(value, expected):
    assert text.clean_identifier(value) == expected
    assert text.normalize_digits(value) == expected


# --- one log record per message ----------------------------------------------------------
HOSTILE_LOG = [
    "line one\nline two",
    'fake\r\n{"ts": "2026", "level": "CRITICAL", "message": "forged"}',
    "\x1b[2J\x1b[31mred\x1b[0m",
    "bidi \u202eevil\u2066x\u2069 \u200f \u061c",
    'quotes " and \\" and \'',
    "\u2028separator\u2029paragraph\x85nel\x00nul",
]


def test_the_json_log_formatter_writes_one_line_per_record_whatever_the_message():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("dalil.tests.injection")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        for message in HOSTILE_LOG:
            logger.warning("user said %s", message)
        try:
            raise ValueError("boom\nforged line")
        except ValueError:
            logger.exception("failure \r\n%s", HOSTILE_LOG[1])
    finally:
        logger.removeHandler(handler)
        logger.propagate = True

    lines = stream.getvalue().split("\n")
    assert lines[-1] == "" and len(lines) == len(HOSTILE_LOG) + 2
    records = [json.loads(line) for line in lines[:-1]]
    for line in lines[:-1]:  # printable ASCII only: no raw control or bidi character
        assert all(" " <= ch <= "~" for ch in line), line
    assert [r["message"] for r in records[:-1]] == [f"user said {m}" for m in HOSTILE_LOG]
    assert records[-1]["message"] == f"failure \r\n{HOSTILE_LOG[1]}"
    assert "ValueError: boom\nforged line" in records[-1]["exc"]
    assert {r["level"] for r in records} == {"WARNING", "ERROR"}


def test_the_console_log_uses_the_json_formatter():
    console = settings.LOGGING["handlers"]["console"]
    assert (
        settings.LOGGING["formatters"][console["formatter"]]["()"]
        == "dalil.core.logging.JsonFormatter"
    )
    assert settings.LOGGING["root"]["handlers"] == ["console"]
