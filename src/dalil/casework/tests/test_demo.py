"""The demonstration case work loads once, through the services, on the demo cases."""

from __future__ import annotations

import pytest

from dalil.casework import demo
from dalil.casework.models import Document, JournalEntry, Task

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("demo_operator")
def test_the_demo_loads_tasks_journal_and_documents_once(tree, make_user):
    assert demo.load() == 0  # without the demo cases nothing is added (and nothing breaks)
    make_user("investigator.karada", role="investigator", at="BGD-KARADA")
    make_user("scene.karada", role="scene_officer", at="BGD-KARADA")
    make_user("investigator.basra", unit="BSR-ASHAR", role="investigator", at="BSR-ASHAR")
    from dalil.cases import demo as cases_demo

    assert cases_demo.load() >= 2
    added = demo.load()
    assert added == len(demo.TASKS) + len(demo.JOURNAL) + len(demo.DOCUMENTS)
    assert demo.load() == 0
    assert sum(t.is_overdue for t in Task.objects.all()) == 2
    assert Task.objects.filter(status="done").count() == 1
    assert JournalEntry.objects.filter(version=2).count() == 1
    assert Document.objects.count() == 2 and all(d.ledger_hash for d in Document.objects.all())
