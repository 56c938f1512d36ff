from django.core.management.base import BaseCommand, CommandError

from dalil.accounts import auth
from dalil.accounts.models import User


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo user."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("username")

    def handle(self, *args: object, **options: object) -> None:
        user = User.objects.filter(username=str(options["username"]).lower()).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}; run `dalil demo` first")
        try:
            self.stdout.write(auth.current_code(user))
        except LookupError:
            raise CommandError(f"{user.username} has no second factor enrolled") from None
