"""Health an operator can watch (issue #12): up or down to anyone, details to the operator only;
503 when the database or the vault fails, or the worker when it is required."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.test import Client

from dalil.jobs import heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _heartbeat_file(settings: Any, tmp_path: Path) -> None:
    settings.DALIL_WORKER_HEARTBEAT = str(tmp_path / "worker.heartbeat")


def test_live_and_ready_answer_up_or_down_and_nothing_more():
    client = Client()
    live = client.get("/health/live")
    ready = client.get("/health/ready")
    assert live.status_code == ready.status_code == 200
    assert live.json() == ready.json() == {"status": "up"}
    assert "no-store" in ready["Cache-Control"] or "max-age=0" in ready["Cache-Control"]
    assert client.post("/health/ready").status_code == 405


def test_ready_is_down_when_the_database_fails(monkeypatch: Any):
    from dalil.ui import health

    def broken() -> Any:
        raise DatabaseError("server closed the connection")

    monkeypatch.setattr(health.connection, "cursor", broken)
    response = Client().get("/health/ready")
    assert response.status_code == 503 and response.json() == {"status": "down"}
    assert "server closed" not in response.content.decode()  # nothing leaks to a caller


def test_ready_is_down_when_the_vault_cannot_be_written(settings: Any, tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.DALIL_VAULT_DIR = blocker / "vault"
    assert Client().get("/health/ready").status_code == 503


def test_the_worker_counts_when_required_and_its_heartbeat_is_stale(settings: Any):
    settings.DALIL_HEALTH_REQUIRE_WORKER = True
    assert Client().get("/health/ready").status_code == 503  # it never beat
    heartbeat.beat()
    assert Client().get("/health/ready").status_code == 200
    settings.DALIL_HEALTH_WORKER_MAX_SECONDS = -1  # every beat is too old
    assert Client().get("/health/ready").status_code == 503


def test_the_operator_reads_every_check(settings: Any):
    out = io.StringIO()
    call_command("health", stdout=out)
    text = out.getvalue()
    for name in ("database", "vault", "worker", "checkpoint", "backup"):
        assert f" {name}: " in text
    assert "WARN worker: last beat never" in text  # not required here: a warning only
