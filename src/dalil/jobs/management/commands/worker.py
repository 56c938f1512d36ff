import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from dalil.audit.ledger import source
from dalil.jobs import heartbeat, registry


class Command(BaseCommand):
    help = (
        "Background worker: runs the periodic duties the apps registered (signing ledger "
        "checkpoints, raising the detainee register's alerts, failing the jobs whose worker died)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between checks")
        parser.add_argument("--once", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        while not stop.is_set():
            close_old_connections()
            for duty in registry.duties():
                with source("system:worker"):
                    line = duty.run_if_due()
                if line:
                    self.stdout.write(line)
            heartbeat.beat()  # the health check's sign that the worker is alive
            if options["once"]:
                return
            stop.wait(float(options["interval"]))  # type: ignore[arg-type]
