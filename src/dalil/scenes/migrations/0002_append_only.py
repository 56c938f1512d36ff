"""The photo log is append-only in the database itself (triggers refuse UPDATE, DELETE and, on
PostgreSQL, TRUNCATE): a photograph can be added, never replaced or taken out of the sequence. The
crime-scene officer's role gets scenes.scene.record."""

from django.db import migrations

TABLE = "scenes_scenephoto"


def forwards(apps, schema_editor):
    from dalil.access.roles import sync
    from dalil.audit import triggers

    triggers.install(schema_editor, TABLE)
    sync(apps)


def backwards(apps, schema_editor):
    from dalil.audit import triggers

    triggers.uninstall(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [("scenes", "0001_initial"), ("evidence", "0002_append_only_and_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
