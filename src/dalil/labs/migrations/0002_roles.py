"""The laboratory's roles get their permissions: examiners and supervisors see the requests sent
to their laboratory (labs.work.view); supervisors accept or send them back (labs.request.receive)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from dalil.access.roles import sync

    sync(apps)


class Migration(migrations.Migration):
    dependencies = [("labs", "0001_initial"), ("access", "0003_grant_approval")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
