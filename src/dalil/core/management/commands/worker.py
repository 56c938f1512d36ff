import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from dalil.audit.integrity import checkpoint_if_due
from dalil.audit.ledger import source
from dalil.detention.jobs import raise_if_due as detention_alerts_if_due
from dalil.jobs.runner import fail_abandoned


class Command(BaseCommand):
    help = (
        "Background worker: signs ledger checkpoints at least every 15 minutes and raises the "
        "detainee register's alerts every 10 minutes; fails the jobs whose worker died."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between checks")
        parser.add_argument("--once", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        while not stop.is_set():
            close_old_connections()
            with source("system:worker"):
                cp = checkpoint_if_due()
            if cp:
                self.stdout.write(f"checkpoint signed at entry {cp.seq}")
            with source("system:worker"):
                raised = detention_alerts_if_due()
            if raised:
                self.stdout.write(f"{raised} detention alerts raised")
            with source("system:worker"):
                abandoned = fail_abandoned()
            if abandoned:
                self.stdout.write(f"{abandoned} abandoned jobs marked failed")
            if options["once"]:
                return
            stop.wait(float(options["interval"]))  # type: ignore[arg-type]
