import sys

from django.core.management.base import BaseCommand

from dalil.audit.ledger import source
from dalil.core import vault


class Command(BaseCommand):
    help = "Vault tools: verify re-hashes every stored file."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        sub = parser.add_subparsers(dest="sub", required=True)
        sub.add_parser("verify")

    def handle(self, *args: object, **options: object) -> None:
        with source("cli:vault"):
            report = vault.verify_all()
        for sha in report.bad:
            self.stderr.write(f"MISMATCH: {sha}")
        for sha in report.missing:
            self.stderr.write(f"MISSING: {sha}")
        if not report.ok:
            sys.exit(1)
        self.stdout.write(f"OK: {report.checked} stored files match their SHA-256.")
