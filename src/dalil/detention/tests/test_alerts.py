"""Alerts of the detainee register: raised once per limit and level (idempotent), addressed to the
case's lead investigator and the commanders of its unit, one ledger entry each, read by their
addressee only; the worker's periodic call and the job; the demo."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from dalil.audit.ledger import System
from dalil.audit.models import Entry
from dalil.detention import selectors, services
from dalil.detention.models import (
    Alert,
    AlertRecipient,
    Detainee,
    DetentionOrder,
    IntegrityReferral,
)
from dalil.jobs import registry

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


def test_alerts_are_raised_once_and_addressed_to_the_lead_and_the_commanders(
    arrest, lead, commander, make_user
):
    now = timezone.now()
    other_commander = make_user("cmd.basra", unit="BSR-POL", role="commander", at="BSR-POL")
    d = arrest(arrested_at=now - 20 * H, now=now)  # a judge's order is due in 4 hours
    before = Entry.objects.count()
    last = Entry.objects.order_by("-seq").values_list("seq", flat=True).first()
    raised = services.alerts_raise(now=now)
    assert [(a.kind, a.level) for a in raised] == [("first_order", "due_soon")]
    alert = raised[0]
    assert alert.detainee == d and alert.deadline_at == d.arrested_at + 24 * H
    assert set(alert.recipients.values_list("user__username", flat=True)) == {
        lead.username,
        commander.username,
    }
    assert other_commander.username not in alert.recipients.values_list("user__username", flat=True)
    new = list(Entry.objects.filter(seq__gt=last).values_list("action", "actor"))
    assert new == [("detention.alert_raised", "system:detention-alerts")]
    # Idempotent: nothing new on a second run, nor on a third one an hour later.
    assert services.alerts_raise(now=now) == []
    assert services.alerts_raise(now=now + H) == []
    assert Alert.objects.count() == 1 and Entry.objects.count() == before + 1
    # Once the limit is passed, the breach is raised (once).
    later = services.alerts_raise(now=now + 5 * H)
    assert [(a.kind, a.level) for a in later] == [("first_order", "breached")]
    assert services.alerts_raise(now=now + 6 * H) == []


def test_no_alert_far_from_any_limit_nor_after_the_release(arrest, order, lead):
    now = timezone.now()
    d = arrest(now=now)
    order(d, d.arrested_at + H, 15)
    assert services.alerts_raise(now=now) == []
    services.release_record(actor=lead, detainee=d, released_at=now, basis="bail")
    assert services.alerts_raise(now=now + 20 * D) == []


def test_the_lead_time_is_a_setting(arrest, settings):
    now = timezone.now()
    arrest(arrested_at=now - 2 * H, now=now)  # first order due in 22 hours
    settings.DALIL_DETENTION_ALERT_HOURS = 12
    assert services.alerts_raise(now=now) == []
    settings.DALIL_DETENTION_ALERT_HOURS = 48
    assert len(services.alerts_raise(now=now)) == 1


def test_a_late_registration_is_an_alert(arrest):
    now = timezone.now()
    arrest(arrested_at=now - 2 * D, registered_at=now - H, now=now)
    kinds = {(a.kind, a.level) for a in services.alerts_raise(now=now)}
    assert ("registration", "breached") in kinds and ("first_order", "breached") in kinds


def test_the_badge_counts_only_the_unread_alerts_the_reader_may_still_see(arrest, lead, case):
    from dalil.access.models import Compartment
    from dalil.cases.models import Case

    now = timezone.now()
    assert selectors.unread_alert_count(lead) == 0
    arrest(arrested_at=now - 20 * H, now=now)
    services.alerts_raise(now=now)
    unread = AlertRecipient.objects.filter(user=lead, read_at__isnull=True).count()
    assert unread >= 1 and selectors.unread_alert_count(lead) == unread
    # The case moves behind a clearance the lead lacks: the alerts stay, unread, but unseen.
    secret = Compartment.objects.get(code="internal_affairs")
    Case.objects.filter(pk=case.pk).update(compartment=secret)
    assert selectors.unread_alert_count(lead) == 0


def test_my_alerts_page_lists_unread_alerts_and_marks_them_read(
    arrest, lead, commander, client_for
):
    now = timezone.now()
    d = arrest(arrested_at=now - 20 * H, now=now)
    services.alerts_raise(now=now)
    client = client_for(lead)
    page = client.get("/detention/alerts/").content.decode()
    assert d.number in page and "A judge&#x27;s detention order is needed by" in page
    # The navigation bar counts what waits, on every page.
    badge = re.search(r'href="/detention/alerts/">[^<]*<span class="badge[^"]*">([^<]+)<', page)
    assert badge and badge.group(1) == str(AlertRecipient.objects.filter(user=lead).count())
    mine = AlertRecipient.objects.get(user=lead)
    theirs = AlertRecipient.objects.get(user=commander)
    before = Entry.objects.count()
    assert client.post(f"/detention/alerts/{theirs.pk}/read/").status_code == 404
    assert client.post(f"/detention/alerts/{mine.pk}/read/").status_code == 302
    assert Entry.objects.filter(action="detention.alert_read").count() == 1
    assert Entry.objects.count() == before + 2  # the refusal (access.denied) and the read
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None and theirs.read_at is None
    after = client.get("/detention/alerts/").content.decode()
    assert d.number not in after and 'href="/detention/alerts/"> ' not in after
    assert (
        'href="/detention/alerts/">' in after
        and "text-bg-danger" not in after.split('href="/detention/alerts/">')[1].split("</a>")[0]
    )
    assert d.number in client.get("/detention/alerts/?all=1").content.decode()
    # Reading it again writes nothing.
    client.post(f"/detention/alerts/{mine.pk}/read/")
    assert Entry.objects.filter(action="detention.alert_read").count() == 1
    assert d.number in client_for(commander).get("/detention/alerts/").content.decode()


def test_the_worker_raises_alerts_at_most_every_interval(arrest, settings, monkeypatch):
    now = timezone.now()
    arrest(arrested_at=now - 20 * H, now=now)
    duty = registry.duty("detention.alerts")
    monkeypatch.setattr(duty, "last_run", None)
    settings.DALIL_DETENTION_ALERT_EVERY_SECONDS = 600
    assert duty.run_if_due(now=1000.0) == "1 detention alerts raised"
    assert duty.run_if_due(now=1300.0) is None  # not yet
    assert duty.run_if_due(now=1700.0) == ""  # ran again: nothing new


def test_the_job_raises_the_alerts(arrest, commander):
    from dalil.jobs import services as job_services
    from dalil.jobs.models import Job
    from dalil.jobs.testing import run_queued

    now = timezone.now()
    arrest(arrested_at=now - 20 * H, now=now)
    job = job_services.enqueue(actor=commander, kind="detention.alerts")
    run_queued()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.result == {"raised": 1} and Alert.objects.count() == 1


@pytest.mark.usefixtures("demo_operator")
def test_the_demo_loads_once_with_its_stories(settings):
    from dalil.accounts import demo as accounts_demo
    from dalil.cases import demo as cases_demo
    from dalil.detention import demo
    from dalil.judicial import demo as judicial_demo
    from dalil.parties import demo as parties_demo

    assert demo.load() == 0  # nothing to hang detainees on yet
    accounts_demo.load()
    parties_demo.load()
    cases_demo.load()
    judicial_demo.load()
    assert demo.load() == 7
    assert demo.load() == 0
    assert Detainee.objects.filter(registered_late=True).count() == 1
    released = Detainee.objects.get(released_at__isnull=False)
    # The released man was arrested again in the same case: his clock counts the 8 days served.
    again = Detainee.objects.get(case=released.case, person=released.person, released_at=None)
    assert selectors.arrest_of(again).used_before == 8 * D
    now = timezone.now()
    assert (
        Detainee.objects.filter(
            released_at__isnull=True, next_deadline_at__lte=now + 48 * H
        ).count()
        >= 2
    )
    referral = IntegrityReferral.objects.get()
    assert referral.statement.kind == "confession" and referral.injuries.get().photo
    assert Alert.objects.filter(kind="six_months", level="due_soon").exists()
    assert Alert.objects.filter(kind="order_expiry", level="due_soon").exists()
    assert Alert.objects.filter(kind="registration", level="breached").exists()
    assert Entry.objects.filter(actor=str(System("detention-alerts"))).exists()
    # One extension carries out the judge's decision recorded in the judicial demo.
    extension = DetentionOrder.objects.get(decision__isnull=False)
    assert extension.order_number == "87/ت/2026" and extension.kind == "extension"


def test_an_alert_is_no_longer_read_by_a_recipient_who_lost_the_case(
    arrest, lead, commander, client_for
):
    from dalil.access.models import Assignment

    now = timezone.now()
    d = arrest(arrested_at=now - 20 * H, now=now)
    services.alerts_raise(now=now)
    theirs = AlertRecipient.objects.get(user=commander)
    client = client_for(commander)
    assert d.number in client.get("/detention/alerts/").content.decode()
    # The commander is moved to another unit: Baghdad's cases are no longer theirs to read.
    Assignment.objects.filter(user=commander).delete()
    page = client.get("/detention/alerts/?all=1").content.decode()
    assert d.number not in page
    assert client.post(f"/detention/alerts/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    # The lead, still on the case, reads theirs.
    assert d.number in client_for(lead).get("/detention/alerts/").content.decode()
