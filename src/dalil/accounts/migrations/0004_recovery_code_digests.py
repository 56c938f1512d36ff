"""Recovery codes stored before this migration were kept as typed; keep only their digests."""

from typing import Any

from django.db import migrations


def digest_codes(apps: Any, schema_editor: Any) -> None:
    from dalil.accounts.auth import recovery_digest

    token_model = apps.get_model("otp_static", "StaticToken")
    for token in token_model.objects.all():
        if "-" in token.token:  # a code as shown to the user, not yet a digest
            token.token = recovery_digest(token.token)
            token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_user_digits"), ("otp_static", "0003_add_timestamps")]
    operations = [migrations.RunPython(digest_codes, migrations.RunPython.noop)]
