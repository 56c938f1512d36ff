"""A detention order names the judge's decision it carries out (optional: older orders and orders
recorded from paper may have none), and its number and court are as long as the decision's and
the request's, which it may copy."""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "detention_detentionorder"


def keep_append_only(apps, schema_editor):
    # Altering a column must not leave the table without its triggers, whatever way the database
    # altered it (SQLite rebuilds the table); installing is idempotent. It runs last going
    # forwards and, as the reverse of the first operation, last going backwards too.
    from dalil.audit import triggers

    triggers.install(schema_editor, TABLE)


class Migration(migrations.Migration):
    dependencies = [
        ("detention", "0003_append_only"),
        ("judicial", "0002_append_only"),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, keep_append_only),
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
        migrations.AlterField(
            model_name="detentionorder",
            name="order_number",
            field=models.CharField(max_length=100, verbose_name="order number"),
        ),
        migrations.AlterField(
            model_name="detentionorder",
            name="court",
            field=models.CharField(max_length=250, verbose_name="court"),
        ),
        migrations.RunPython(keep_append_only, migrations.RunPython.noop),
    ]
