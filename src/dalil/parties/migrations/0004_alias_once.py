"""A person's alias is recorded once: the alias service checks it with the person's row locked,
and this constraint backs it. Copies left by the race it closes (the same alias of the same
person, recorded twice at the same moment) are folded into the first: they say nothing more,
and the ledger keeps both entries."""

from django.db import migrations, models


def fold_copies(apps, schema_editor):
    PersonAlias = apps.get_model("parties", "PersonAlias")
    seen = set()
    for pk, person_id, name in PersonAlias.objects.order_by("pk").values_list(
        "pk", "person_id", "name"
    ):
        if (person_id, name) in seen:
            PersonAlias.objects.filter(pk=pk).delete()
        seen.add((person_id, name))


class Migration(migrations.Migration):
    dependencies = [("parties", "0003_bounds")]

    operations = [
        migrations.RunPython(fold_copies, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="personalias",
            constraint=models.UniqueConstraint(fields=("person", "name"), name="person_alias_once"),
        ),
    ]
