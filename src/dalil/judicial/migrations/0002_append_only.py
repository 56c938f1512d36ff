"""The judge's decisions are append-only in the database itself: a correction is a new row that
names the old one, never a change to it (triggers refuse UPDATE, DELETE and, on PostgreSQL,
TRUNCATE)."""

from django.db import migrations

TABLE = "judicial_decision"


def forwards(apps, schema_editor):
    from dalil.audit import triggers

    triggers.install(schema_editor, TABLE)


def backwards(apps, schema_editor):
    from dalil.audit import triggers

    triggers.uninstall(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [("judicial", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
