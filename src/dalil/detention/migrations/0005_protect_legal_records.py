"""The register's legal records protect their detainee: deleting a detainee who has orders,
transfers, intake injuries or statements is refused (PROTECT) instead of cascading onto
append-only rows. The referral's list of injuries becomes a declared table (the same table and
columns) whose rows protect both sides. And a person is held at most once in a case at a time.

Only Python-side behaviour changes for the foreign keys (Django does not put ON DELETE in the
schema); the constraint is a partial unique index."""

import django.db.models.deletion
from django.db import migrations, models

APPEND_ONLY = [
    "detention_detentionorder",
    "detention_transfer",
    "detention_intakeinjury",
    "detention_statement",
    "detention_integrityreferral",
    "detention_integrityreferral_injuries",
]


def no_one_held_twice(apps, schema_editor):
    """The constraint cannot be added over two open detentions of one person in one case (left
    by the race this migration closes): a person must decide which one to release."""
    Detainee = apps.get_model("detention", "Detainee")
    seen, twice = set(), []
    for number, case_id, person_id in (
        Detainee.objects.filter(released_at__isnull=True)
        .order_by("pk")
        .values_list("number", "case_id", "person_id")
    ):
        if (case_id, person_id) in seen:
            twice.append(number)
        seen.add((case_id, person_id))
    if twice:
        raise RuntimeError(
            "These detainees are held a second time in the same case: record the release of "
            "the duplicate record before upgrading: " + ", ".join(twice)
        )


def keep_append_only(apps, schema_editor):
    # Installing the triggers is idempotent: whatever the database did to the tables, they stay
    # append-only.
    from dalil.audit import triggers

    for table in APPEND_ONLY:
        triggers.install(schema_editor, table)


def _protect(model, related_name):
    return migrations.AlterField(
        model_name=model,
        name="detainee",
        field=models.ForeignKey(
            on_delete=django.db.models.deletion.PROTECT,
            related_name=related_name,
            to="detention.detainee",
            verbose_name="detainee",
        ),
    )


class Migration(migrations.Migration):
    dependencies = [("detention", "0004_order_decision")]

    operations = [
        _protect("detentionorder", "orders"),
        _protect("transfer", "transfers"),
        _protect("intakeinjury", "injuries"),
        _protect("statement", "statements"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ReferralInjury",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "intakeinjury",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                to="detention.intakeinjury",
                            ),
                        ),
                        (
                            "integrityreferral",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                to="detention.integrityreferral",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "detention_integrityreferral_injuries",
                        "unique_together": {("integrityreferral", "intakeinjury")},
                    },
                ),
                migrations.AlterField(
                    model_name="integrityreferral",
                    name="injuries",
                    field=models.ManyToManyField(
                        related_name="+",
                        through="detention.ReferralInjury",
                        to="detention.intakeinjury",
                        verbose_name="injuries",
                    ),
                ),
            ],
        ),
        migrations.RunPython(no_one_held_twice, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="detainee",
            constraint=models.UniqueConstraint(
                condition=models.Q(("released_at__isnull", True)),
                fields=("case", "person"),
                name="detainee_held_once_per_case",
            ),
        ),
        migrations.RunPython(keep_append_only, migrations.RunPython.noop),
    ]
