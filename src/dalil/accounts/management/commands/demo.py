import importlib

from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand

from dalil.access import operator_command
from dalil.accounts import demo


class Command(BaseCommand):
    help = "Load the synthetic demonstration ministry (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        # The operator's command line, recording (synthetic) older files: ADR 0006.
        with operator_command("demo", history=True) as actor:
            created = demo.load()
            # Then every other app's `demo.load()`, in INSTALLED_APPS order (parties before
            # cases, cases before what hangs on them).
            for config in apps.get_app_configs():
                if config.name.startswith("dalil.") and config.name != "dalil.accounts":
                    try:
                        module = importlib.import_module(f"{config.name}.demo")
                    except ModuleNotFoundError as exc:
                        if exc.name != f"{config.name}.demo":
                            raise
                        continue
                    module.load()
            from dalil.search.services import reindex_if_incomplete

            reindex_if_incomplete(actor=actor)  # a database from before search gets its index
        from dalil.audit.integrity import checkpoint_create

        checkpoint_create()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {created['units']} new units, {created['users']} new users. "
                f"Password for every demo user: {demo.DEMO_PASSWORD}  "
                f"Second factor: dalil demo-otp USERNAME"
            )
        )
