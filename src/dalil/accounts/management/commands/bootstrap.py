from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dalil.access import operator_command
from dalil.access import services as access_services
from dalil.access.models import Role
from dalil.accounts import services
from dalil.accounts.models import Unit


class Command(BaseCommand):
    help = (
        "First start of a real installation: the ministry unit and the first administrator, who "
        "sets their own password and second factor with the one-time enrolment code printed here."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--unit-code", default="MOI")
        parser.add_argument("--unit-name", default="وزارة الداخلية")
        parser.add_argument("--username", required=True)
        parser.add_argument("--full-name", required=True)

    def handle(self, *args: object, **options: object) -> None:
        try:
            with operator_command("bootstrap") as actor, transaction.atomic():
                root = Unit.objects.filter(parent=None).first() or services.unit_create(
                    actor=actor,
                    parent=None,
                    code=str(options["unit_code"]),
                    kind="ministry",
                    name_ar=str(options["unit_name"]),
                )
                issued = services.user_create(
                    actor=actor,
                    unit=root,
                    username=str(options["username"]),
                    full_name=str(options["full_name"]),
                )
                access_services.assignment_grant(
                    actor=actor,
                    user=issued.user,
                    role=Role.objects.get(code="system_admin"),
                    unit=root,
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(
            f"Administrator {issued.user.username} created at {root.code}.\n"
            "They choose their password and second factor with this one-time code "
            f"(shown only now, valid until {issued.expires_at:%Y-%m-%d %H:%M} UTC):\n"
            f"  {issued.link}\n  code: {issued.code}"
        )
