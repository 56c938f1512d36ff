"""Give detention.referral.view to the internal-affairs roles (roles.sync adds what is missing)."""

from django.db import migrations


def load(apps, schema_editor):
    from dalil.access.roles import sync

    sync(apps)


class Migration(migrations.Migration):
    dependencies = [("detention", "0001_initial"), ("access", "0002_roles")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
