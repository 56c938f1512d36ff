"""The journal's versions are append-only in the database itself: an amendment is a new row,
never a change to an old one (triggers refuse UPDATE, DELETE and, on PostgreSQL, TRUNCATE)."""

from django.db import migrations

TABLE = "casework_journalversion"


def forwards(apps, schema_editor):
    from dalil.audit import triggers

    triggers.install(schema_editor, TABLE)


def backwards(apps, schema_editor):
    from dalil.audit import triggers

    triggers.uninstall(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [("casework", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
