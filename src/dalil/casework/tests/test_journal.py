"""The case journal (IN-4): an entry is amended only by a new version with its reason; the original
stays; the versions table refuses UPDATE and DELETE in the database itself (SQLite and PostgreSQL:
run this file with DATABASE_URL set to check the second)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from dalil import access
from dalil.audit import triggers
from dalil.audit.models import Entry
from dalil.audit.testing import actions_since, last_seq
from dalil.cases import services as case_services
from dalil.casework import services
from dalil.casework.models import JournalEntry, JournalVersion

pytestmark = pytest.mark.django_db

TEXT = "الوصول إلى مكان الحادث الساعة 23:10 وتطويق المحل."
AMENDED = "الوصول إلى مكان الحادث الساعة 23:40 وتطويق المحل."
REASON = "تصحيح ساعة الوصول وفق سجل الدورية."


def _write(case, user, text=TEXT, **kwargs):
    return services.journal_write(actor=user, case=case, text=text, **kwargs)


def test_an_entry_is_written_with_its_first_version_and_one_ledger_entry(case, lead, client_for):
    since = last_seq()
    at = timezone.now() - dt.timedelta(hours=3)
    entry = _write(case, lead, occurred_at=at)
    assert entry.version == 1 and entry.author == lead and entry.occurred_at == at
    v1 = entry.versions.get()
    assert (v1.number, v1.text, v1.reason, v1.author) == (1, TEXT, "", lead)
    assert actions_since(since) == ["casework.journal_written"]
    payload = json.loads(Entry.objects.get(action="casework.journal_written").payload)
    # The ledger proves the text by its hash and does not carry the narrative itself.
    assert payload["text_sha256"] == hashlib.sha256(TEXT.encode()).hexdigest()
    assert TEXT not in Entry.objects.get(action="casework.journal_written").payload
    page = client_for(lead).get(reverse("casework:journal_list", args=[case.number]))
    assert TEXT in page.content.decode()


def test_the_journal_page_writes_an_entry_in_baghdad_time(case, lead, client_for):
    response = client_for(lead).post(
        reverse("casework:journal_create", args=[case.number]),
        {"occurred_at": "2026-01-02T22:50", "text": TEXT},
    )
    assert response.status_code == 302
    entry = JournalEntry.objects.get()
    assert entry.occurred_at == dt.datetime(2026, 1, 2, 19, 50, tzinfo=dt.UTC)


def test_an_amendment_appends_a_version_and_the_original_stays(case, lead, client_for):
    entry = _write(case, lead)
    written_at = entry.occurred_at
    since = last_seq()
    client = client_for(lead)
    shown = timezone.localtime(entry.occurred_at).strftime("%Y-%m-%dT%H:%M")
    url = reverse("casework:journal_amend", args=[case.number, entry.pk])
    # The same text and the time as the form shows it (to the minute): nothing to amend.
    same = client.post(url, {"version": 1, "occurred_at": shown, "text": TEXT, "reason": REASON})
    assert same.status_code == 200 and "changes nothing" in same.content.decode()
    response = client.post(
        reverse("casework:journal_amend", args=[case.number, entry.pk]),
        {
            "version": 1,
            "occurred_at": timezone.localtime(entry.occurred_at).strftime("%Y-%m-%dT%H:%M"),
            "text": AMENDED,
            "reason": REASON,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry.refresh_from_db()
    assert entry.version == 2 and entry.occurred_at == written_at  # the time was not touched
    versions = list(entry.versions.order_by("number").values_list("number", "text", "reason"))
    assert versions == [(1, TEXT, ""), (2, AMENDED, REASON)]
    assert actions_since(since) == ["casework.journal_amended"]
    payload = json.loads(Entry.objects.get(action="casework.journal_amended").payload)
    assert payload["version"] == 2 and payload["reason"] == REASON
    assert payload["text_sha256"] == hashlib.sha256(AMENDED.encode()).hexdigest()
    page = client.get(reverse("casework:journal_detail", args=[case.number, entry.pk]))
    html = page.content.decode()
    assert TEXT in html and AMENDED in html and REASON in html and lead.full_name in html
    listing = client.get(reverse("casework:journal_list", args=[case.number])).content.decode()
    assert AMENDED in listing and TEXT not in listing


def test_the_time_of_the_event_can_be_amended_and_the_first_time_is_kept(case, lead):
    first = timezone.now() - dt.timedelta(hours=5)
    entry = _write(case, lead, occurred_at=first)
    later = first + dt.timedelta(minutes=30)
    services.journal_amend(
        actor=lead, entry=entry, version=1, text=TEXT, reason=REASON, occurred_at=later
    )
    entry.refresh_from_db()
    assert entry.occurred_at == later
    assert entry.versions.get(number=1).occurred_at == first


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"text": "  ", "reason": REASON}, "text"),
        ({"text": TEXT, "reason": REASON}, "text"),  # the same text and time: nothing to amend
        ({"text": AMENDED, "reason": "خطأ"}, "reason"),
    ],
)
def test_an_empty_or_identical_amendment_or_a_short_reason_is_refused(case, lead, kwargs, field):
    entry = _write(case, lead)
    since = last_seq()
    with pytest.raises(ValidationError) as exc:
        services.journal_amend(actor=lead, entry=entry, version=1, **kwargs)
    assert field in exc.value.message_dict
    assert actions_since(since) == [] and JournalVersion.objects.count() == 1


def test_an_amendment_on_a_stale_version_is_a_conflict_and_writes_nothing(case, lead):
    entry = _write(case, lead)
    services.journal_amend(actor=lead, entry=entry, version=1, text=AMENDED, reason=REASON)
    since = last_seq()
    with pytest.raises(services.Conflict):
        services.journal_amend(actor=lead, entry=entry, version=1, text="ثالث", reason=REASON)
    assert actions_since(since) == [] and JournalVersion.objects.count() == 2


def test_only_the_author_amends_and_others_add_an_entry(case, lead, colleague, client_for):
    entry = _write(case, lead)
    with pytest.raises(ValidationError, match="author"):
        services.journal_amend(actor=colleague, entry=entry, version=1, text=AMENDED, reason=REASON)
    page = client_for(colleague).get(
        reverse("casework:journal_detail", args=[case.number, entry.pk])
    )
    assert reverse("casework:journal_amend", args=[case.number, entry.pk]) not in (
        page.content.decode()
    )
    assert _write(case, colleague, text="ملاحظة الزميل").author == colleague


def test_a_time_in_the_future_or_an_empty_text_is_refused(case, lead):
    with pytest.raises(ValidationError) as exc:
        _write(case, lead, occurred_at=timezone.now() + dt.timedelta(hours=2))
    assert "occurred_at" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _write(case, lead, text=" \n ")
    assert "text" in exc.value.message_dict
    assert not JournalEntry.objects.exists()


def test_an_observer_reads_the_journal_and_cannot_write_it(case, lead, observer, client_for):
    entry = _write(case, lead)
    client = client_for(observer)
    assert TEXT in client.get(reverse("casework:journal_list", args=[case.number])).content.decode()
    since = last_seq()
    posted = client.post(reverse("casework:journal_create", args=[case.number]), {"text": "x"})
    amended = client.post(
        reverse("casework:journal_amend", args=[case.number, entry.pk]),
        {"version": 1, "text": "x", "reason": REASON},
    )
    assert posted.status_code == 404 and amended.status_code == 404
    assert actions_since(since) == ["access.denied", "access.denied"]
    with pytest.raises(access.Denied):
        _write(case, observer)


def test_a_closed_case_takes_no_journal_entry(case, lead):
    entry = _write(case, lead)
    case_services.case_transition(actor=lead, case=case, step="close", version=case.version)
    with pytest.raises(ValidationError, match="closed"):
        _write(case, lead)
    with pytest.raises(ValidationError, match="closed"):
        services.journal_amend(actor=lead, entry=entry, version=1, text=AMENDED, reason=REASON)


# --- Append-only in the database ------------------------------------------------------------------
def test_the_versions_table_refuses_update_and_delete_in_the_database(case, lead):
    entry = _write(case, lead)
    version = entry.versions.get()
    assert "casework_journalversion" in triggers.installed_tables()
    assert "casework_journalversion" in triggers.registered_tables()
    statements = [
        ("UPDATE casework_journalversion SET text = %s WHERE id = %s", ["مزور", version.pk]),
        ("DELETE FROM casework_journalversion WHERE id = %s", [version.pk]),
    ]
    if connection.vendor == "postgresql":
        statements.append(("TRUNCATE casework_journalversion CASCADE", []))
    for sql, params in statements:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cur,
        ):
            if sql.startswith("TRUNCATE"):  # let the pending foreign-key checks run first
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute(sql, params)
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalVersion.objects.filter(pk=version.pk).update(text="مزور")
    with pytest.raises(DatabaseError), transaction.atomic():
        JournalVersion.objects.filter(pk=version.pk).delete()
    version.refresh_from_db()
    assert version.text == TEXT
    # Appending still works.
    services.journal_amend(actor=lead, entry=entry, version=1, text=AMENDED, reason=REASON)
    assert JournalVersion.objects.count() == 2
