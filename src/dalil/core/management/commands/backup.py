"""`dalil backup --to DIR` makes a backup and verifies it by a restore into a scratch directory;
`dalil backup --verify DIR` verifies an existing one; `dalil backup --restore DIR` puts a verified
backup into an empty installation. Each writes one ledger entry; a backup that fails its
verification also raises an alert to the auditors (docs/operations.md)."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from dalil import audit
from dalil.access import operator_command
from dalil.audit.alerts import raise_alert
from dalil.core import backup
from dalil.core.events import BACKUP_FAILED


class Command(BaseCommand):
    help = "Back up the database, the vault and the keys, verified by a restore."

    def add_arguments(self, parser: Any) -> None:
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--to", type=Path, help="make a backup in this directory")
        what.add_argument("--verify", type=Path, help="verify this backup")
        what.add_argument("--restore", type=Path, help="restore this backup (empty installation)")

    def handle(self, *args: Any, **options: Any) -> None:
        say = self.stdout.write
        try:
            if options["restore"]:
                report = backup.restore(options["restore"])
                with operator_command("backup-restore") as actor, transaction.atomic():
                    audit.record(
                        actor=actor,
                        action="core.backup_restored",
                        payload={"path": str(report.path), "files": report.files},
                    )
                say(_("Restored from %(path)s; it verified first.") % {"path": report.path})
                return
            path = options["verify"] or backup.make(options["to"], progress=say)
            report = backup.verify(path, progress=say)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest_sha = hashlib.sha256((Path(path) / backup.MANIFEST).read_bytes()).hexdigest()
        with operator_command("backup") as actor, transaction.atomic():
            entry = audit.record(
                actor=actor,
                action="core.backup_made",
                payload={
                    "path": str(path),
                    "manifest_sha256": manifest_sha,
                    "verified": report.ok,
                    "problems": report.problems[:20],
                    "files": report.files,
                    "tables": report.tables,
                },
            )
            if not report.ok:
                raise_alert(
                    kind=BACKUP_FAILED,
                    facts={"record": str(path), "count": len(report.problems)},
                    entries=[entry.seq],
                )
        for problem in report.problems:
            self.stderr.write(problem)
        if not report.ok:
            sys.exit(1)
        say(
            _("OK: %(path)s verified by a restore (%(files)s files, %(tables)s tables).")
            % {"path": path, "files": report.files, "tables": report.tables}
        )
