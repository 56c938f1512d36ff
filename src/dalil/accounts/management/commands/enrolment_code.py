from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from dalil.access import operator_command
from dalil.accounts import selectors, services
from dalil.accounts.models import User


class Command(BaseCommand):
    help = (
        "Issue a one-time enrolment code for an account (the operator's way out when the first "
        "administrator's code expired, or no administrator can sign in). --reset for an account "
        "that has enrolled: its password, second factor, sessions and API tokens end."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")
        parser.add_argument("--reset", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        user = User.objects.filter(username=str(options["username"]).lower()).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        enrolled = user.has_usable_password() or selectors.has_mfa(user)
        if enrolled and not options["reset"]:
            raise CommandError(f"{user.username} has enrolled: add --reset to reset their sign-in")
        try:
            with operator_command("enrolment-code") as actor, transaction.atomic():
                issued = services.user_credentials_reset(
                    actor=actor,
                    user=user,
                    what="password" if enrolled else "new_code",
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(
            f"One-time enrolment code for {user.username} (shown only now, valid until "
            f"{issued.expires_at:%Y-%m-%d %H:%M} UTC):\n  {issued.link}\n  code: {issued.code}"
        )
