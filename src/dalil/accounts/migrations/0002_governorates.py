from django.db import migrations


def load(apps, schema_editor):
    from dalil.accounts.data.governorates import GOVERNORATES

    Governorate = apps.get_model("accounts", "Governorate")
    for code, ar, ckb, en, kr in GOVERNORATES:
        Governorate.objects.update_or_create(
            code=code, defaults={"name_ar": ar, "name_ckb": ckb, "name_en": en, "kurdistan_region": kr}
        )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
