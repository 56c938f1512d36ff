import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Dalil on 127.0.0.1:8000 (gunicorn) with the background worker beside it."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--bind", default=os.environ.get("DALIL_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args: object, **options: object) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        call_command("collectstatic", verbosity=0, interactive=False)

        def stop(*_: object) -> None:  # SIGTERM: take the children down with us
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        children = [
            subprocess.Popen([sys.executable, "-m", "dalil", "worker"]),
            # Background jobs (django-tasks-db): on SIGTERM it finishes the running job, then stops.
            subprocess.Popen([sys.executable, "-m", "dalil", "db_worker", "--no-reload"]),
            subprocess.Popen(  # noqa: S603 (fixed argument list, no shell)
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "dalil.config.wsgi:application",
                    "--bind",
                    str(options["bind"]),
                    "--workers",
                    str(options["workers"]),
                    "--access-logfile",
                    "-",
                    "--timeout",
                    "120",
                ]
            ),
        ]
        self.stdout.write(f"Dalil is serving on http://{options['bind']}/  (Ctrl-C stops it)")
        try:
            children[-1].wait()
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                child.terminate()
            for child in children:
                try:
                    child.wait(timeout=15)
                except subprocess.TimeoutExpired:  # a long job: its transaction rolls back
                    child.kill()
