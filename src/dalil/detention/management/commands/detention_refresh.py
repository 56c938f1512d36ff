"""`dalil detention_refresh`: recompute the register's stored copies of the clock (next deadline,
breach flag) for everyone held, after an upgrade that changed the rules or after changing
DALIL_DETENTION_DEATH_NEEDS_COURT_PERMISSION. One ledger entry says how many were refreshed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from dalil.access import operator_command
from dalil.detention.services import clocks_refresh


class Command(BaseCommand):
    help = "Recompute the stored clock of every detainee still held."

    def handle(self, *args: Any, **options: Any) -> None:
        with operator_command("detention-refresh") as actor:
            count = clocks_refresh(actor=actor)
        self.stdout.write(_("Clocks refreshed: %(n)s detainees held.") % {"n": count})
