"""Alerts to auditors: raised in the action's transaction with their own ledger entry, listed and
acknowledged by auditors only, on the page and through the API (issue #9 §1)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from dalil import audit
from dalil.api import services as api_services
from dalil.audit import alert_review, alerts, text_digest
from dalil.audit.ledger import System
from dalil.audit.models import Alert, Entry
from dalil.audit.testing import entry_count, last_seq


def _raise(**kwargs: Any) -> Alert:
    with transaction.atomic():
        alert = alerts.raise_alert(
            **{"kind": "access.break_glass", "facts": {"user": "x"}, **kwargs}
        )
    assert alert is not None
    return alert


@pytest.fixture
def auditor(make_user: Any) -> Any:
    return make_user("auditor.moi", unit="MOI", role="auditor")


def test_an_alert_is_raised_inside_the_action_s_transaction_with_one_ledger_entry(db):
    with pytest.raises(LookupError), transaction.atomic():
        alerts.raise_alert(kind="no.such.kind", facts={})
    seq = last_seq()
    alert = _raise(entries=[3, 1, 3])
    assert alert.entries == [1, 3]
    new = list(Entry.objects.filter(seq__gt=seq))
    assert [e.action for e in new] == ["audit.alert_raised"]
    assert new[0].actor == "system:watch" and new[0].target_id == str(alert.pk)
    assert json.loads(new[0].payload) == {
        "kind": "access.break_glass",
        "facts": {"user": "x"},
        "entries": [1, 3],
    }


def test_an_alert_with_an_open_key_is_raised_once_and_gathers_its_entries(db):
    first = _raise(entries=[5], key="pair:1:2")
    # The second time, as in life, inside the transaction of the action that repeats the pattern.
    with transaction.atomic():
        audit.record(
            actor=System("test"), action="access.break_glass_opened", target=("x.y", "1", "")
        )
        again = alerts.raise_alert(
            kind="access.break_glass", facts={"count": 4}, entries=[9], key="pair:1:2"
        )
    assert again is not None and again.pk == first.pk and Alert.objects.count() == 1
    assert again.entries == [5, 9] and again.facts == {"user": "x", "count": 4}
    assert entry_count("audit.alert_raised") == 1  # gathered, not raised anew


def test_an_auditor_reads_and_acknowledges_an_alert_with_a_note(auditor, client_for):
    alert = _raise(entries=[1])
    client = client_for(auditor)
    page = client.get(reverse("audit:alerts"))
    assert page.status_code == 200
    html = page.content.decode()
    assert reverse("audit:alert_acknowledge", args=[alert.pk]) in html
    assert f"{reverse('audit:ledger')}?seq=1" in html
    seq = last_seq()
    note = "Asked the commander: a planned inspection."
    done = client.post(reverse("audit:alert_acknowledge", args=[alert.pk]), {"note": note})
    assert done.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == "auditor.moi" and alert.note == note
    entry = Entry.objects.get(seq__gt=seq, action="audit.alert_acknowledged")
    assert json.loads(entry.payload) == {
        "kind": "access.break_glass",
        "note_sha256": text_digest(note),
    }
    # Gone from the open list, kept in "all".
    assert (
        reverse("audit:alert_acknowledge", args=[alert.pk])
        not in client.get(reverse("audit:alerts")).content.decode()
    )
    assert note in client.get(reverse("audit:alerts") + "?show=all").content.decode()


def test_a_short_note_or_a_second_acknowledgement_changes_nothing(auditor, client_for):
    alert = _raise()
    client = client_for(auditor)
    seq = last_seq()
    client.post(reverse("audit:alert_acknowledge", args=[alert.pk]), {"note": "ok"})
    alert.refresh_from_db()
    assert alert.acknowledged_at is None and last_seq() == seq
    client.post(reverse("audit:alert_acknowledge", args=[alert.pk]), {"note": "Looked: fine."})
    seq = last_seq()
    response = client.post(
        reverse("audit:alert_acknowledge", args=[alert.pk]), {"note": "Again, later."}, follow=True
    )
    with translation.override("ar"):
        said = gettext("This alert has already been acknowledged.")
    assert said in response.content.decode()
    alert.refresh_from_db()
    assert alert.note == "Looked: fine." and last_seq() == seq


def test_alerts_are_for_auditors_only(make_user, client_for):
    alert = _raise()
    admin = make_user("admin.moi", unit="MOI", role="system_admin")
    client = client_for(admin)
    seq = last_seq()
    assert client.get(reverse("audit:alerts")).status_code == 404
    post = client.post(reverse("audit:alert_acknowledge", args=[alert.pk]), {"note": "Not mine."})
    assert post.status_code == 404
    assert [e.action for e in Entry.objects.filter(seq__gt=seq)] == ["access.denied"] * 2
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    assert alert_review.open_count(admin) == 0


def test_the_badge_counts_open_alerts(auditor):
    _raise()
    done = _raise()
    alert_review.alert_acknowledge(actor=auditor, alert=done, note="Checked: fine.")
    assert alert_review.open_count(auditor) == 1


def _token(user: Any) -> str:
    user.is_verified = lambda: True
    _token_row, secret = api_services.token_create(actor=user, name="test")
    del user.is_verified
    return secret


def test_the_api_lists_and_acknowledges_alerts_for_auditors_only(auditor, make_user, client):
    open_alert = _raise()
    closed = _raise()
    alert_review.alert_acknowledge(actor=auditor, alert=closed, note="Checked: fine.")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {_token(auditor)}"}
    listed = client.get("/api/v1/alerts/?open=true", **headers)
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()["results"]] == [open_alert.pk]
    bad = client.post(
        f"/api/v1/alerts/{open_alert.pk}/acknowledge/",
        {"note": "x"},
        content_type="application/json",
        **headers,
    )
    assert bad.status_code == 400
    ok = client.post(
        f"/api/v1/alerts/{open_alert.pk}/acknowledge/",
        {"note": "Called the station: a drill."},
        content_type="application/json",
        **headers,
    )
    assert ok.status_code == 200 and ok.json()["acknowledged_by"] == "auditor.moi"
    other = make_user("lead.karada", role="investigator")
    refused = client.get(
        f"/api/v1/alerts/{open_alert.pk}/",
        HTTP_AUTHORIZATION=f"Bearer {_token(other)}",
    )
    assert refused.status_code == 404


def test_the_database_keeps_one_open_alert_per_key(db):
    """Two transactions that raise the same alert at once cannot both create it: the loser's
    insert fails and `raise_alert` gathers into the winner's alert."""
    from django.db import IntegrityError
    from django.utils import timezone

    first = _raise(key="pair:7:8")
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(kind="access.break_glass", raised_at=timezone.now(), key="pair:7:8")
    Alert.objects.filter(pk=first.pk).update(acknowledged_at=timezone.now())
    again = _raise(key="pair:7:8")  # once acknowledged, a new wave is a new alert
    assert again.pk != first.pk
