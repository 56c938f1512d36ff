import datetime as dt
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.dateparse import parse_date, parse_datetime

from dalil import audit
from dalil.audit import integrity
from dalil.audit.ledger import System, source


def _when(value: str | None, end: bool = False) -> dt.datetime | None:
    if not value:
        return None
    # A bare date means the whole day: `--to 2026-01-12` includes the 12th. (parse_datetime would
    # read "2026-01-12" as its midnight, so the date is tried first.)
    try:
        day = parse_date(value)
        moment = parse_datetime(value) if day is None else None
    except ValueError:
        day = moment = None
    if day is not None:
        moment = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    if moment is None:
        raise CommandError(
            f"not a date or date-time: {value!r} (use YYYY-MM-DD or an ISO date-time)"
        )
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class Command(BaseCommand):
    help = "Ledger tools: verify, export, checkpoint."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        sub = parser.add_subparsers(dest="sub", required=True)
        sub.add_parser("verify", help="recompute the hash chain and check the signed checkpoints")
        exp = sub.add_parser("export", help="write a bundle that verifies offline")
        exp.add_argument("--from", dest="start")
        exp.add_argument("--to", dest="end")
        exp.add_argument("--out", default="dalil-ledger-export.zip")
        sub.add_parser("checkpoint", help="sign a checkpoint of the current head now")
        priv = sub.add_parser(
            "privileges",
            help="PostgreSQL: show (or --apply) the grants of the application role, which may "
            "not change the append-only tables",
        )
        priv.add_argument("--role", required=True, help="the role the application connects as")
        priv.add_argument("--apply", action="store_true", help="run the statements (as the owner)")

    def handle(self, *args: object, **options: object) -> None:
        with source("cli:audit"):
            getattr(self, f"do_{options['sub']}")(options)

    def do_verify(self, options: dict) -> None:
        report = integrity.verify()
        with transaction.atomic():
            audit.record(
                actor=System("cli:audit"),
                action="audit.ledger_verified",
                payload={
                    "ok": report.ok,
                    "entries": report.entries,
                    "first_bad_seq": report.first_bad_seq,
                },
            )
        if not report.ok:
            for p in report.problems:
                self.stderr.write(f"FAILED: {p}")
            self.stderr.write(f"first bad entry: {report.first_bad_seq}")
            sys.exit(1)
        self.stdout.write(
            f"OK: {report.entries} entries and {report.checkpoints} signed checkpoints verify."
        )

    def do_export(self, options: dict) -> None:
        out = Path(str(options["out"]))
        manifest = integrity.export_bundle(
            out,
            actor=System("cli:audit"),
            withheld=None,  # the operator's command line exports in full (ADR 0006)
            start=_when(options["start"]),
            end=_when(options["end"], end=True),
        )
        self.stdout.write(
            f"wrote {out}: entries {manifest['first_seq']}..{manifest['last_seq']}, in full. "
            f"Check it anywhere with: python3 verify_ledger.py {out.name} (inside the zip)"
        )

    def do_privileges(self, options: dict) -> None:
        from django.db import connection

        from dalil.audit import privileges, triggers

        role = str(options["role"])
        if connection.vendor != "postgresql":
            self.stdout.write(
                "SQLite has no database roles: the append-only triggers guard the tables; "
                "protect the database file with the file system's permissions."
            )
            return
        try:
            if not options["apply"]:
                if not privileges.role_exists(role):
                    raise privileges.PrivilegeError(f"no database role named {role!r}")
                tables = triggers.registered_tables()
                for sql in privileges.grant_statements(role, privileges.schema(), tables):
                    self.stdout.write(f"{sql};")
                unsafe = privileges.why_unsafe(role)
                if unsafe:
                    self.stderr.write(f"warning: {unsafe}; these grants would not protect anything")
                return
            privileges.apply(role, actor=System("cli:audit"))
        except privileges.PrivilegeError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"OK: {role} may read and add to the append-only tables, never change them."
        )

    def do_checkpoint(self, options: dict) -> None:
        cp = integrity.checkpoint_create(actor=System("cli:audit"))
        self.stdout.write(f"checkpoint signed at entry {cp.seq if cp else 0}")
