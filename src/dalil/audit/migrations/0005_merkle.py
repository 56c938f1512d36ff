"""The Merkle tree over the ledger (ADR 0026): a checkpoint also signs the root of the tree over
entries 1..seq; the lower levels are kept as 64-entry blocks, append-only like the ledger. The
column is added as NULL-able so that SQLite adds it in place (a rebuilt table would lose its
append-only triggers); checkpoints signed before keep no root."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    from dalil.audit import triggers

    triggers.install(schema_editor, "audit_merkle_block")


def backwards(apps, schema_editor):
    from dalil.audit import triggers

    triggers.uninstall(schema_editor, "audit_merkle_block")


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_alert_one_open_per_key")]

    operations = [
        migrations.CreateModel(
            name="MerkleBlock",
            fields=[
                ("index", models.BigIntegerField(primary_key=True, serialize=False)),
                ("hash", models.CharField(max_length=64)),
            ],
            options={"db_table": "audit_merkle_block"},
        ),
        migrations.AddField(
            model_name="checkpoint",
            name="merkle_root",
            field=models.CharField(
                blank=True, max_length=64, null=True, verbose_name="Merkle root"
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
