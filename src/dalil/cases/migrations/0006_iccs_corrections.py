"""ICCS corrections of issue #10 (docs/adr/0009-iccs.md): every category carries the source it was
checked against; the codes that were wrong (0108, 0212, 02049, 0908 and the alcohol and tobacco
codes under 0609) are replaced, and each offence coded with one is moved to the right code with
one ledger entry, so the change is visible on the case's history."""

from django.db import migrations, models


def recode(apps, schema_editor):
    from dalil.audit.ledger import System, record
    from dalil.cases.data.iccs import REPLACED, rows

    IccsCategory = apps.get_model("cases", "IccsCategory")
    Offence = apps.get_model("cases", "Offence")
    by_code = {}
    for row in rows():
        obj, _ = IccsCategory.objects.update_or_create(
            code=row["code"],
            defaults={
                "level": row["level"],
                "parent": by_code.get(row["parent"]),
                "label_en": row["label_en"],
                "label_ar": row["label_ar"],
                "source": row["source"],
            },
        )
        by_code[obj.code] = obj
    actor = System("migrate")
    for old, new in REPLACED.items():
        for offence in Offence.objects.filter(category__code=old).order_by("pk"):
            offence.category = by_code[new]
            offence.save(update_fields=["category"])
            # The real ledger (the historical model has no chain): written in this migration's
            # transaction, so the recoding and its entries commit together.
            record(
                actor=actor,
                action="cases.offence_recoded",
                target=("cases.case", str(offence.case_id), ""),
                payload={"offence": offence.pk, "from": old, "to": new, "why": "ICCS 1.0"},
            )
        # Children first (02049 has none; the old 0609 children are leaves).
        IccsCategory.objects.filter(code=old).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_parties"), ("audit", "0004_alert_one_open_per_key")]
    operations = [
        migrations.AddField(
            model_name="iccscategory",
            name="source",
            field=models.CharField(blank=True, max_length=300, verbose_name="checked against"),
        ),
        migrations.RunPython(recode, migrations.RunPython.noop),
    ]
