"""Backups proven by a restore (issue #12, R-30): `make()` copies the database (SQLite through its
online backup API, consistent while Dalil serves), the vault's files and the signing keys into a
new directory with a manifest of SHA-256s; `verify()` checks every file against the manifest, then
restores the copy into a scratch directory and runs there the same checks an operator would run
on the live system — the ledger's chain and checkpoint signatures (`dalil audit verify`), the
vault (`dalil vault verify`) — and compares the row counts with the manifest.

A backup is complete only once its manifest is written and its directory renamed from
`….partial`: an interrupted backup never looks like a good one. PostgreSQL installations use
`pg_dump`/`pg_basebackup` as docs/operations.md describes; this module refuses them clearly.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "database.sqlite3"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be made: the message says why, in the reader's language."""


@dataclass
class Report:
    path: Path
    problems: list[str] = field(default_factory=list)
    files: int = 0
    tables: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _sqlite_path() -> Path:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.sqlite3":
        raise BackupError(
            _(
                "This installation runs on PostgreSQL: back it up with pg_dump or pg_basebackup "
                "as docs/operations.md describes."
            )
        )
    return Path(connection.settings_dict["NAME"])


def _table_counts(database: Path) -> dict[str, int]:
    with closing(sqlite3.connect(database)) as db:
        names = [
            row[0]
            for row in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        # Table names come from the database's own catalogue, quoted: not user input.
        return {
            name: db.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for name in names
        }


def _copy_tree(source: Path, target: Path) -> None:
    if not source.exists():
        return
    for path in sorted(source.rglob("*")):
        if path.is_file():
            destination = target / path.relative_to(source)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)


def _needed_bytes(database: Path) -> int:
    total = database.stat().st_size
    for folder in (Path(settings.DALIL_VAULT_DIR), Path(settings.DALIL_KEYS_DIR)):
        if folder.exists():
            total += sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return total


def make(target: Path, progress: Callable[[str], None] | None = None) -> Path:
    """Write a new backup under `target` and return its directory (not yet verified)."""
    say = progress or (lambda _message: None)
    database = _sqlite_path()
    target = Path(target)
    if not target.is_dir():
        raise BackupError(_("The backup target %(path)s is not a directory.") % {"path": target})
    if not os.access(target, os.W_OK):
        raise BackupError(_("The backup target %(path)s is read-only.") % {"path": target})
    needed = _needed_bytes(database)
    if shutil.disk_usage(target).free < needed * 1.1:
        raise BackupError(
            _("The backup target has too little free space: %(mb)s MB are needed.")
            % {"mb": needed // (1024 * 1024) + 1}
        )
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
    final = target / f"dalil-{stamp}"
    partial = target / f"dalil-{stamp}.partial"
    partial.mkdir()
    try:
        say(_("Copying the database"))
        with (
            closing(sqlite3.connect(database)) as source,
            closing(sqlite3.connect(partial / DATABASE)) as copy,
        ):
            source.backup(copy, pages=4096)  # SQLite's online backup: a consistent snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
        tables = _table_counts(partial / DATABASE)
        say(_("Copying the vault and the keys"))
        _copy_tree(Path(settings.DALIL_VAULT_DIR), partial / "vault")
        _copy_tree(Path(settings.DALIL_KEYS_DIR), partial / "keys")
        say(_("Writing the manifest"))
        files = {
            str(p.relative_to(partial)): {"sha256": sha256_of(p), "size": p.stat().st_size}
            for p in sorted(partial.rglob("*"))
            if p.is_file()
        }
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "engine": "sqlite",
            "database": DATABASE,
            "tables": tables,
            "files": files,
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final


def _load_manifest(path: Path) -> dict:
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(
            _("%(path)s holds no readable backup manifest.") % {"path": path}
        ) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(_("%(path)s is not a backup this version reads.") % {"path": path})
    return manifest


def _check_files(path: Path, manifest: dict, report: Report) -> None:
    listed = manifest["files"]
    for name, facts in sorted(listed.items()):
        file = path / name
        if not file.is_file():
            report.problems.append(_("Missing from the backup: %(name)s") % {"name": name})
        elif sha256_of(file) != facts["sha256"]:
            report.problems.append(
                _("Changed since the backup was made: %(name)s") % {"name": name}
            )
    for file in sorted(path.rglob("*")):
        name = str(file.relative_to(path))
        if file.is_file() and name != MANIFEST and name not in listed:
            report.problems.append(_("Not listed in the manifest: %(name)s") % {"name": name})
    report.files = len(listed)


def _run(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    done = subprocess.run(  # noqa: S603 (our own command line, fixed arguments)
        [sys.executable, "-m", "dalil", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    return done.returncode, (done.stdout + done.stderr).strip()[-2000:]


def verify(path: Path, progress: Callable[[str], None] | None = None) -> Report:
    """Check a backup the way a restore would need it: every file against the manifest, then a
    restore into a scratch directory where the ledger, its signatures, the vault and the row
    counts are checked by the same commands as on a live system."""
    say = progress or (lambda _message: None)
    path = Path(path)
    report = Report(path)
    manifest = _load_manifest(path)
    say(_("Checking every file against the manifest"))
    _check_files(path, manifest, report)
    if not report.ok:
        return report
    with tempfile.TemporaryDirectory(prefix="dalil-restore-drill-") as scratch_name:
        scratch = Path(scratch_name)
        say(_("Restoring into a scratch directory"))
        shutil.copy2(path / DATABASE, scratch / DATABASE)
        _copy_tree(path / "vault", scratch / "vault")
        _copy_tree(path / "keys", scratch / "keys")
        counts = _table_counts(scratch / DATABASE)
        report.tables = len(counts)
        if counts != manifest["tables"]:
            differ = sorted(
                name
                for name in set(counts) | set(manifest["tables"])
                if counts.get(name) != manifest["tables"].get(name)
            )
            report.problems.append(
                _("Row counts differ from the manifest in: %(tables)s")
                % {"tables": ", ".join(differ)}
            )
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{scratch / DATABASE}",
            "DALIL_DATA_DIR": str(scratch),
            "DALIL_VAULT_DIR": str(scratch / "vault"),
            "DALIL_KEYS_DIR": str(scratch / "keys"),
            "DALIL_CHECKPOINT_WITNESS": str(scratch / "keys" / "checkpoints.jsonl"),
        }
        for label, args in [
            (_("the ledger and its signed checkpoints"), ["audit", "verify"]),
            (_("the vault"), ["vault", "verify"]),
        ]:
            say(_("Verifying %(what)s") % {"what": label})
            code, output = _run(args, env)
            if code != 0:
                report.problems.append(
                    _("The restored copy fails the check of %(what)s: %(output)s")
                    % {"what": label, "output": output}
                )
    return report


def restore(path: Path) -> Report:
    """Put a verified backup in place of an *empty* installation (a new server, a drill): the
    database file, the vault and the keys. Refuses a database that holds any ledger entry."""
    database = _sqlite_path()
    report = verify(path)
    if not report.ok:
        raise BackupError(
            _("The backup does not verify; nothing was restored: %(problems)s")
            % {"problems": "; ".join(report.problems)}
        )
    if database.exists() and _has_ledger(database):
        raise BackupError(
            _(
                "The database %(path)s already holds a ledger: a restore goes into an empty "
                "installation. Move the database aside first."
            )
            % {"path": database}
        )
    for folder in (Path(settings.DALIL_VAULT_DIR), Path(settings.DALIL_KEYS_DIR)):
        if folder.exists() and any(p.is_file() for p in folder.rglob("*")):
            raise BackupError(
                _("%(path)s is not empty: a restore goes into an empty installation.")
                % {"path": folder}
            )
    connection.close()
    vault_dir, keys_dir = Path(settings.DALIL_VAULT_DIR), Path(settings.DALIL_KEYS_DIR)
    try:
        _copy_tree(Path(path) / "vault", vault_dir)
        _copy_tree(Path(path) / "keys", keys_dir)
        partial = database.with_name(database.name + ".restoring")
        shutil.copy2(Path(path) / DATABASE, partial)
        partial.replace(database)  # the database last, in one step
    except BaseException:
        # The installation was empty: a restore that fails half-way leaves it empty again.
        for folder in (vault_dir, keys_dir):
            for file in folder.rglob("*") if folder.exists() else []:
                if file.is_file():
                    file.unlink()
        database.with_name(database.name + ".restoring").unlink(missing_ok=True)
        raise
    return report


def _has_ledger(database: Path) -> bool:
    try:
        with closing(sqlite3.connect(database)) as db:
            return bool(db.execute("SELECT COUNT(*) FROM audit_entry").fetchone()[0])
    except sqlite3.Error:
        return False
