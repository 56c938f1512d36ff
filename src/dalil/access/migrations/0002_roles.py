from django.db import migrations


def load(apps, schema_editor):
    from dalil.access.roles import sync

    sync(apps)


class Migration(migrations.Migration):
    dependencies = [("access", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
