"""The case timeline and the case-page panel (IN-4): every event of the case in time order, for
the reader only; a compartmented case shows nothing to a reader without the clearance."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dalil import access
from dalil.access.models import Clearance, Compartment
from dalil.cases import contributions as contrib
from dalil.cases import services as case_services
from dalil.casework import contributions, services

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC)


def _story(case, lead):
    """A day in the case, one hour apart: offence, status, task, journal, amendment, document,
    task done."""
    steps = []
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        case_services.offence_add(actor=lead, case=case, code="0101", stage="completed")
    with time_machine.travel(T0 + dt.timedelta(hours=2), tick=False):
        case_services.case_transition(actor=lead, case=case, step="start", version=case.version)
    with time_machine.travel(T0 + dt.timedelta(hours=3), tick=False):
        task = services.task_create(actor=lead, case=case, title="استدعاء الشاهد")
    with time_machine.travel(T0 + dt.timedelta(hours=4), tick=False):
        entry = services.journal_write(
            actor=lead,
            case=case,
            text="سماع إفادة الحارس",
            occurred_at=T0 + dt.timedelta(hours=3, minutes=30),
        )
    with time_machine.travel(T0 + dt.timedelta(hours=5), tick=False):
        services.journal_amend(
            actor=lead,
            entry=entry,
            version=1,
            text="سماع إفادة الحارس الليلي",
            reason="إضافة صفة الشاهد إلى النص",
        )
    with time_machine.travel(T0 + dt.timedelta(hours=6), tick=False):
        services.document_add(
            actor=lead,
            case=case,
            title="محضر الكشف",
            kind="report",
            upload=SimpleUploadedFile("r.txt", b"report"),
        )
    with time_machine.travel(T0 + dt.timedelta(hours=7), tick=False):
        services.task_complete(actor=lead, task=task)
    return steps


@pytest.fixture
def early_case(tree, lead):
    with time_machine.travel(T0, tick=False):
        return case_services.case_create(
            actor=lead, unit=tree["BGD-KARADA"], title="قتل عمد", lead=lead
        )


def test_the_timeline_merges_every_source_newest_first(early_case, lead, client_for):
    _story(early_case, lead)
    events = contrib.timeline(lead, early_case)
    titles = [e.title for e in events]
    assert titles == [
        "Task done: استدعاء الشاهد",
        "Document added: محضر الكشف",
        "Journal entry amended (version 2)",
        "Journal entry",
        "Task created: استدعاء الشاهد",
        "Status: Under investigation",
        titles[6],  # the offence, with its ICCS label
        "Case opened",
    ], titles
    assert titles[6].startswith("Offence added: 0101")
    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)
    journal = events[3]
    assert journal.at == T0 + dt.timedelta(hours=3, minutes=30)  # the time of the event
    assert journal.detail == "سماع إفادة الحارس الليلي"  # its current text


def test_the_timeline_page_filters_by_kind_and_shows_baghdad_time(
    early_case, lead, make_user, client_for
):
    _story(early_case, lead)
    english = make_user("reader.en", role="investigator", at="BGD-KARADA", language="en")
    client = client_for(english)
    url = reverse("casework:timeline", args=[early_case.number])
    page = client.get(url).content.decode()
    assert "Case opened" in page and "Document added" in page
    # 06:00 UTC is 09:00 in Baghdad.
    assert 'datetime="2026-03-01T06:00:00+00:00"' in page or "09:00" in page
    tasks_only = client.get(url, {"kind": "Task"}).content.decode()
    assert "Task created" in tasks_only and "Document added" not in tasks_only
    oldest = client.get(url, {"order": "oldest"}).content.decode()
    assert oldest.index("Case opened") < oldest.index("Task done")


def test_a_parties_event_names_the_record_only_to_a_reader_who_may_see_it(
    tree, case, lead, operator
):
    from dalil.parties import services as parties

    person = parties.person_create(actor=operator, unit=tree["BGD-KARADA"], given_name_ar="شاهد")
    case_services.case_party_add(actor=lead, case=case, entity=person, role="witness")
    titles = [e.title for e in contributions.case_events(lead, case)]
    assert any("شاهد" in t for t in titles)


def test_a_compartmented_case_shows_nothing_to_a_reader_without_the_clearance(
    tree, make_user, client_for
):
    secret_unit = Compartment.objects.get(code="internal_affairs")
    cleared = make_user("ia.lead", role="investigator", at="BGD-KARADA")
    Clearance.objects.create(user=cleared, compartment=secret_unit)
    access.forget(cleared)
    secret = case_services.case_create(
        actor=cleared,
        unit=tree["BGD-KARADA"],
        title="سري",
        lead=cleared,
        compartment=secret_unit,
    )
    services.task_create(actor=cleared, case=secret, title="مهمة سرية")
    services.journal_write(actor=cleared, case=secret, text="قيد سري")
    colleague = make_user("plain.inv", role="investigator", at="BGD-KARADA")
    assert len(contrib.timeline(cleared, secret)) >= 3
    # Each source scopes for the reader, even when called directly with the case.
    assert contrib.timeline(colleague, secret) == []
    assert contributions.panel(type("R", (), {"user": colleague})(), secret) is None
    assert contributions.dossier_documents(colleague, secret) is None
    client = client_for(colleague)
    assert client.get(reverse("casework:timeline", args=[secret.number])).status_code == 404
    assert client.get(reverse("casework:task_list", args=[secret.number])).status_code == 404


def test_the_case_page_panel_shows_open_tasks_overdue_first_and_add_buttons_to_workers(
    case, lead, observer, client_for
):
    today = timezone.localdate()
    services.task_create(actor=lead, case=case, title="لاحقة", due_on=today + dt.timedelta(days=9))
    services.task_create(actor=lead, case=case, title="عاجلة", due_on=today + dt.timedelta(days=1))
    services.journal_write(actor=lead, case=case, text="قيد أول")
    with time_machine.travel(timezone.now() + dt.timedelta(days=3), tick=False):
        page = client_for(lead).get(reverse("cases:detail", args=[case.number])).content.decode()
        assert page.index("عاجلة") < page.index("لاحقة")
        assert "list-group-item-danger" in page and "قيد أول" in page
        assert reverse("casework:task_create", args=[case.number]) in page
        assert reverse("casework:timeline", args=[case.number]) in page
        seen = client_for(observer).get(reverse("cases:detail", args=[case.number]))
        html = seen.content.decode()
        assert "عاجلة" in html and reverse("casework:task_create", args=[case.number]) not in html
