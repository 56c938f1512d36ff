from django.db import migrations


def forwards(apps, schema_editor):
    from dalil.audit import triggers

    for table in ("audit_entry", "audit_checkpoint"):
        triggers.install(schema_editor, table)


def backwards(apps, schema_editor):
    from dalil.audit import triggers

    for table in ("audit_entry", "audit_checkpoint"):
        triggers.uninstall(schema_editor, table)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
