"""Backups proven by a restore (issue #12, R-30): a backup of the database, the vault and the keys
verifies by a restore into a scratch directory; one changed byte or one missing vault file is
found; a failed verification is on the ledger with an alert; a restore goes into an empty
installation only. SQLite: the online backup API (PostgreSQL uses pg_dump, docs/operations.md)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from dalil.audit import integrity
from dalil.audit.models import Alert, Entry
from dalil.core import backup, vault

pytestmark = [
    pytest.mark.django_db(transaction=True),  # the backup reads committed data from the file
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="SQLite's online backup; PostgreSQL uses pg_dump"
    ),
]


@pytest.fixture(autouse=True)
def _english() -> Any:
    """The messages are checked in English (the source language), whatever ran before."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def installation(tree: Any, make_user: Any) -> Any:
    """A small live installation: users, a stored file, a signed checkpoint."""
    lead = make_user("lead.karada", role="investigator", at="BGD-KARADA")
    vault.file_store(
        actor=lead,
        unit=tree["BGD-KARADA"],
        upload=SimpleUploadedFile("محضر.txt", "محضر الضبط".encode(), content_type="text/plain"),
    )
    integrity.checkpoint_create()
    return lead


def test_a_backup_verifies_by_a_restore_and_is_on_the_ledger(installation: Any, tmp_path: Path):
    target = tmp_path / "backups"
    target.mkdir()
    out = io.StringIO()
    call_command("backup", to=target, stdout=out)
    [made] = list(target.iterdir())
    assert made.name.startswith("dalil-") and not made.name.endswith(".partial")
    manifest = json.loads((made / backup.MANIFEST).read_text())
    assert manifest["tables"]["audit_entry"] >= 3 and manifest["tables"]["core_storedfile"] == 1
    assert any(name.startswith("vault/") for name in manifest["files"])
    assert any(name.startswith("keys/") for name in manifest["files"])
    assert "OK:" in out.getvalue()
    entry = Entry.objects.get(action="core.backup_made")
    payload = json.loads(entry.payload)
    assert payload["verified"] is True and payload["problems"] == []
    assert not Alert.objects.exists()


@pytest.mark.parametrize("damage", ["one byte of the database", "a vault file removed"])
def test_a_damaged_backup_is_found_and_raises_an_alert(
    installation: Any, tmp_path: Path, damage: str
):
    target = tmp_path / "backups"
    target.mkdir()
    made = backup.make(target)
    if damage == "one byte of the database":
        database = made / backup.DATABASE
        data = bytearray(database.read_bytes())
        data[len(data) // 2] ^= 0xFF
        database.write_bytes(bytes(data))
        expected = "Changed since the backup was made: database.sqlite3"
    else:
        blob = next(p for p in (made / "vault").rglob("*") if p.is_file())
        blob.unlink()
        expected = f"Missing from the backup: {blob.relative_to(made)}"
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("backup", verify=made, stderr=err)
    assert expected in err.getvalue()
    entry = Entry.objects.get(action="core.backup_made")
    assert json.loads(entry.payload)["verified"] is False
    alert = Alert.objects.get(kind="core.backup_failed")
    assert entry.seq in alert.entries


def test_a_tampered_ledger_inside_a_consistent_backup_fails_the_restore_drill(
    installation: Any, tmp_path: Path
):
    """Even when the manifest is rewritten to match, the restored copy's ledger does not verify."""
    import sqlite3
    from contextlib import closing

    target = tmp_path / "backups"
    target.mkdir()
    made = backup.make(target)
    database = made / backup.DATABASE
    with closing(sqlite3.connect(database)) as db:
        for trigger in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"):
            db.execute(f'DROP TRIGGER "{trigger[0]}"')
        db.execute("UPDATE audit_entry SET payload = '{\"x\":1}' WHERE seq = 2")
        db.commit()
    manifest = json.loads((made / backup.MANIFEST).read_text())
    manifest["files"][backup.DATABASE]["sha256"] = backup.sha256_of(database)
    (made / backup.MANIFEST).write_text(json.dumps(manifest))
    report = backup.verify(made)
    assert not report.ok
    assert any("the ledger and its signed checkpoints" in p for p in report.problems)


def test_bad_targets_and_a_restore_into_a_live_installation_are_refused(
    installation: Any, tmp_path: Path
):
    with pytest.raises(CommandError, match="is not a directory"):
        call_command("backup", to=tmp_path / "nowhere")
    assert not Entry.objects.filter(action="core.backup_made").exists()
    target = tmp_path / "backups"
    target.mkdir()
    made = backup.make(target)
    entries = Entry.objects.count()
    with pytest.raises(CommandError, match="already holds a ledger"):
        call_command("backup", restore=made)
    assert Entry.objects.count() == entries  # nothing written, nothing replaced


def test_a_restore_into_an_empty_installation_verifies_there(installation: Any, tmp_path: Path):
    """The drill an operator runs on a new server: restore, then verify the ledger there."""
    import os
    import subprocess
    import sys

    target = tmp_path / "backups"
    target.mkdir()
    made = backup.make(target)
    server = tmp_path / "new-server"
    server.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{server / 'dalil.sqlite3'}",
        "DALIL_DATA_DIR": str(server),
        "DALIL_VAULT_DIR": str(server / "vault"),
        "DALIL_KEYS_DIR": str(server / "keys"),
        "DALIL_CHECKPOINT_WITNESS": str(server / "keys" / "checkpoints.jsonl"),
    }

    def dalil(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "dalil", *args], env=env, capture_output=True, text=True
        )

    restored = dalil("backup", "--restore", str(made))
    assert restored.returncode == 0, restored.stderr
    checked = dalil("audit", "verify")
    assert checked.returncode == 0 and checked.stdout.startswith("OK"), checked.stdout
    assert dalil("vault", "verify").returncode == 0
    again = dalil("backup", "--restore", str(made))  # now the installation is not empty
    # Refused in the server's language: it names the database that already holds a ledger.
    assert again.returncode != 0 and str(server / "dalil.sqlite3") in again.stderr


def test_a_backup_taken_while_eight_writers_write_holds_every_write_acknowledged_before_it(
    tree: Any, make_user: Any, tmp_path: Path
):
    """8 threads open cases (each a write and its ledger entry) while the backup runs. Every case
    acknowledged before the backup began is in the copy, and the copy's chain verifies."""
    import sqlite3
    import threading
    import time
    from contextlib import closing

    from dalil.cases import services as cases

    lead = make_user("lead.karada", role="investigator", at="BGD-KARADA")
    integrity.checkpoint_create()
    acknowledged: list[tuple[float, str]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def write(i: int) -> None:
        try:
            while not stop.is_set():
                case = cases.case_create(
                    actor=lead, unit=tree["BGD-KARADA"], title=f"قضية {i}", lead=lead
                )
                with lock:
                    acknowledged.append((time.monotonic(), case.number))
        finally:
            connection.close()

    writers = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for thread in writers:
        thread.start()
    time.sleep(1.0)  # the writers are writing
    target = tmp_path / "backups"
    target.mkdir()
    began = time.monotonic()
    made = backup.make(target)
    time.sleep(0.5)  # and go on writing after the copy
    stop.set()
    for thread in writers:
        thread.join()
    before = {number for at, number in acknowledged if at < began}
    assert len(before) >= 8 and len(acknowledged) > len(before)
    with closing(sqlite3.connect(made / backup.DATABASE)) as db:
        copied = {row[0] for row in db.execute("SELECT number FROM cases_case")}
    assert before <= copied
    report = backup.verify(made)
    assert report.ok, report.problems
