"""The chain of custody is append-only in the database itself (triggers refuse UPDATE, DELETE and,
on PostgreSQL, TRUNCATE); the custodian and commander roles get the evidence permissions."""

from django.db import migrations

TABLE = "evidence_custodyevent"


def forwards(apps, schema_editor):
    from dalil.access.roles import sync
    from dalil.audit import triggers

    triggers.install(schema_editor, TABLE)
    sync(apps)


def backwards(apps, schema_editor):
    from dalil.audit import triggers

    triggers.uninstall(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0001_initial"), ("access", "0003_grant_approval")]
    operations = [migrations.RunPython(forwards, backwards)]
