"""Load the UN ICCS v1.0 categories (src/dalil/cases/data/iccs.py; docs/adr/0009-iccs.md)."""

from django.db import migrations


def load(apps, schema_editor):
    from dalil.cases.data.iccs import rows

    IccsCategory = apps.get_model("cases", "IccsCategory")
    by_code = {}
    for row in rows():
        obj, _ = IccsCategory.objects.update_or_create(
            code=row["code"],
            defaults={
                "level": row["level"],
                "parent": by_code.get(row["parent"]),
                "label_en": row["label_en"],
                "label_ar": row["label_ar"],
            },
        )
        by_code[obj.code] = obj


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
