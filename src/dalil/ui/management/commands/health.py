"""`dalil health`: every health check with its detail; exit 1 when Dalil is not ready to serve."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from dalil.ui import health


class Command(BaseCommand):
    help = "Print every health check; exit 1 when a required one fails."

    def handle(self, *args: Any, **options: Any) -> None:
        found = health.checks()
        for check in found:
            state = "OK  " if check.ok else ("FAIL" if check.required else "WARN")
            self.stdout.write(f"{state} {check.name}: {check.detail}")
        if not health.ready(found):
            sys.exit(1)
