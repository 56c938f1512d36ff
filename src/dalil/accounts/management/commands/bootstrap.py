import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dalil.access import operator_command
from dalil.access import services as access_services
from dalil.access.models import Role
from dalil.accounts import services
from dalil.accounts.models import Unit


class Command(BaseCommand):
    help = "First start of a real installation: the ministry unit and the first administrator."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--unit-code", default="MOI")
        parser.add_argument("--unit-name", default="وزارة الداخلية")
        parser.add_argument("--username", required=True)
        parser.add_argument("--full-name", required=True)

    def handle(self, *args: object, **options: object) -> None:
        password = os.environ.get("DALIL_BOOTSTRAP_PASSWORD") or getpass.getpass("Password: ")
        try:
            with operator_command("bootstrap") as actor, transaction.atomic():
                root = Unit.objects.filter(parent=None).first() or services.unit_create(
                    actor=actor,
                    parent=None,
                    code=str(options["unit_code"]),
                    kind="ministry",
                    name_ar=str(options["unit_name"]),
                )
                user = services.user_create(
                    actor=actor,
                    unit=root,
                    username=str(options["username"]),
                    full_name=str(options["full_name"]),
                    password=password,
                )
                access_services.assignment_grant(
                    actor=actor, user=user, role=Role.objects.get(code="system_admin"), unit=root
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(
            f"Administrator {user.username} created at {root.code}. "
            "They set up their second factor at first sign-in."
        )
