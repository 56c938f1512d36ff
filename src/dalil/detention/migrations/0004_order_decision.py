"""A detention order names the judge's decision it carries out (optional: older orders and orders
recorded from paper may have none)."""

import django.db.models.deletion
from django.db import migrations, models


def keep_append_only(apps, schema_editor):
    # Adding a column must not leave the table without its triggers, whatever way the database
    # altered it (SQLite may rebuild a table); installing is idempotent.
    from dalil.audit import triggers

    triggers.install(schema_editor, "detention_detentionorder")


class Migration(migrations.Migration):
    dependencies = [
        ("detention", "0003_append_only"),
        ("judicial", "0002_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="detentionorder",
            name="decision",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="detention_orders",
                to="judicial.decision",
                verbose_name="decision of the judge",
            ),
        ),
        migrations.RunPython(keep_append_only, migrations.RunPython.noop),
    ]
