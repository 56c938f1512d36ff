"""The register's legal records are append-only in the database itself: a detention order, a
transfer, an intake injury record, a statement and an integrity referral, once written, are never
changed or deleted (triggers refuse UPDATE, DELETE and, on PostgreSQL, TRUNCATE)."""

from django.db import migrations

TABLES = [
    "detention_detentionorder",
    "detention_transfer",
    "detention_intakeinjury",
    "detention_statement",
    "detention_integrityreferral",
    "detention_integrityreferral_injuries",
]


def forwards(apps, schema_editor):
    from dalil.audit import triggers

    for table in TABLES:
        triggers.install(schema_editor, table)


def backwards(apps, schema_editor):
    from dalil.audit import triggers

    for table in TABLES:
        triggers.uninstall(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("detention", "0002_roles")]
    operations = [migrations.RunPython(forwards, backwards)]
