"""The law as written (issue #10). The 24-hour rules: the papers before the judge within 24 hours,
extendable once by the same period (Constitution Art. 19(13)); the accused questioned within 24
hours of the appearance (CPC Art. 123): a lawful 24–48 hour hold is not a breach, an unlawful one
is. And Art. 109(ب): a mandatory order for a death-penalty offence is recorded, never refused."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dalil.audit.models import Entry
from dalil.audit.testing import entry_count
from dalil.detention import clock, selectors, services

pytestmark = pytest.mark.django_db
H = dt.timedelta(hours=1)


def test_a_30_hour_hold_with_the_recorded_extension_is_lawful_and_without_it_a_breach(
    arrest, order, lead, make_user, tree
):
    now = timezone.now()
    extended = arrest(arrested_at=now - 31 * H, registered_at=now - 30 * H, now=now)
    services.hold_extension_record(
        actor=lead, detainee=extended, granted_by="القاضي حسن", granted_at=now - 20 * H, now=now
    )
    entry = Entry.objects.get(action="detention.hold_extended")
    assert json.loads(entry.payload)["granted_by"] == "القاضي حسن"
    order(extended, now - H, 15)  # the first order, 30 hours after the arrest
    extended.refresh_from_db()
    assert not extended.breached
    assert selectors.clock_of(extended, now).first_order_due_at == extended.arrested_at + 48 * H

    from dalil.cases import services as cases
    from dalil.parties import services as parties

    other = parties.person_create(actor=lead, unit=tree["BGD-KARADA"], given_name_ar="سالم")
    cases.case_party_add(actor=lead, case=extended.case, entity=other, role="suspect")
    plain = arrest(person=other, arrested_at=now - 31 * H, registered_at=now - 30 * H, now=now)
    order(plain, now - H, 15)
    plain.refresh_from_db()
    assert plain.breached
    state = selectors.clock_of(plain, now)
    assert state.breaches == (clock.Deadline(clock.Kind.FIRST_ORDER, plain.arrested_at + 24 * H),)


def test_the_extension_is_granted_once_within_24_hours_and_before_any_order(arrest, order, lead):
    now = timezone.now()
    d = arrest(arrested_at=now - 30 * H, registered_at=now - 29 * H, now=now)
    before = entry_count()
    with pytest.raises(ValidationError) as refused:
        services.hold_extension_record(
            actor=lead, detainee=d, granted_by="القاضي", granted_at=now - H, now=now
        )
    assert "within the first 24 hours" in refused.value.message_dict["granted_at"][0]
    services.hold_extension_record(
        actor=lead, detainee=d, granted_by="القاضي", granted_at=now - 10 * H, now=now
    )
    with pytest.raises(ValidationError) as refused:
        services.hold_extension_record(
            actor=lead, detainee=d, granted_by="القاضي", granted_at=now - 9 * H, now=now
        )
    assert "no second extension" in refused.value.messages[0]
    assert entry_count() == before + 1


def test_the_questioning_is_due_24_hours_after_the_appearance(arrest, lead):
    now = timezone.now()
    d = arrest(arrested_at=now - 40 * H, registered_at=now - 39 * H, now=now)
    services.appearance_record(actor=lead, detainee=d, presented_at=now - 30 * H, now=now)
    state = selectors.clock_of(d, now)
    assert clock.Deadline(clock.Kind.QUESTIONING, now - 6 * H) in state.breaches
    with pytest.raises(ValidationError) as refused:
        services.appearance_record(actor=lead, detainee=d, questioned_at=now - 31 * H, now=now)
    assert "after the appearance" in refused.value.message_dict["questioned_at"][0]
    services.appearance_record(actor=lead, detainee=d, questioned_at=now - 2 * H, now=now)
    d.refresh_from_db()
    state = selectors.clock_of(d, now)
    # Questioned 28 hours after the appearance: the late questioning stays a recorded breach.
    assert clock.Deadline(clock.Kind.QUESTIONING, now - 6 * H) in state.breaches
    assert [e.action for e in Entry.objects.filter(action="detention.appearance_recorded")] == [
        "detention.appearance_recorded",
        "detention.appearance_recorded",
    ]
    with pytest.raises(ValidationError):
        services.appearance_record(actor=lead, detainee=d, questioned_at=now - H, now=now)


def test_the_pages_record_the_extension_and_the_appearance(arrest, client_for, lead):
    d = arrest()
    client = client_for(lead)
    page = client.get(f"/detention/{d.pk}/").content.decode()
    assert f'href="/detention/{d.pk}/hold-extension/"' in page
    assert f'href="/detention/{d.pk}/appearance/"' in page
    stamp = timezone.localtime() - H
    done = client.post(
        f"/detention/{d.pk}/hold-extension/",
        {"granted_by": "القاضي حسن", "granted_at": stamp.strftime("%Y-%m-%dT%H:%M")},
    )
    assert done.status_code == 302
    page = client.get(f"/detention/{d.pk}/").content.decode()
    assert 'id="hold-extended"' in page and "within 48 hours (extended once)" in page
    assert f'href="/detention/{d.pk}/hold-extension/"' not in page  # once only
    refused = client.post(f"/detention/{d.pk}/appearance/", {})
    assert (
        refused.status_code == 200 and "Give the time of the appearance" in refused.content.decode()
    )
    done = client.post(
        f"/detention/{d.pk}/appearance/",
        {"presented_at": stamp.strftime("%Y-%m-%dT%H:%M")},
    )
    assert done.status_code == 302
    page = client.get(f"/detention/{d.pk}/").content.decode()
    assert "Questioning by the judge within 24 hours" in page


# --- Art. 109(ب): an offence punishable by death ------------------------------------------------
def test_a_death_penalty_order_past_six_months_is_recorded_and_asks_the_legal_adviser(
    arrest, order, make_user, lead, settings
):
    """Detention is mandatory: the order is never refused for want of the court's permission.
    With the default reading (the permission applies), the order is recorded, the breach shows,
    and the question goes to the unit's legal adviser and the lead."""
    from dalil.detention.demo import _chain
    from dalil.detention.models import Alert

    adviser = make_user("legal.karada", role="legal_adviser", at="BGD-KARADA", language="en")
    now = timezone.now()
    arrested = clock.add_months(now, -6) + 5 * 24 * H
    d = arrest(
        arrested_at=arrested,
        registered_at=arrested + H,
        penalty="death",
        penalty_years=None,
        now=now,
    )
    six = clock.six_months_point(selectors.arrest_of(d))
    for n, (start, days) in enumerate(_chain(arrested + H, six - 2 * 24 * H)):
        order(d, start, days, order_number=f"ت/{n}")
    last = d.orders.order_by("-starts_at").first()
    past = order(d, last.ends_at, 15, order_number="ت/إعدام")  # ends 13 days past six months
    assert past.court_permission is False  # no permission: the question went to the adviser
    question = Alert.objects.get(level="question")
    assert (question.kind, question.deadline_at) == ("six_months", six)
    to = set(question.recipients.values_list("user__username", flat=True))
    assert to == {adviser.username, lead.username}
    assert "legal adviser should decide" in question.message
    entry = Entry.objects.filter(action="detention.order_recorded").latest("seq")
    assert json.loads(entry.payload)["questions"] == ["six_months"]
    # The other reading, configured: no question, and the six months do not apply.
    settings.DALIL_DETENTION_DEATH_NEEDS_COURT_PERMISSION = False
    d.refresh_from_db()
    state = selectors.clock_of(d, now)
    assert clock.Kind.SIX_MONTHS not in {b.kind for b in state.breaches}


# --- The maximum penalties, as data with their sources ------------------------------------------
def test_the_quarter_of_a_life_sentence_follows_the_penalty_scale_a_legal_adviser_corrects(
    arrest, make_user, client_for, lead
):
    from dalil.detention.models import PenaltyScale

    adviser = make_user("legal.moi", role="legal_adviser", at="MOI", language="en")
    d = arrest(penalty="aggravated_life", penalty_years=None)
    arrest_ = selectors.arrest_of(d)
    assert clock.quarter_cap_point(arrest_, d.clock_offence) == clock.add_months(
        d.arrested_at,
        75,  # 25 years (Penal Code Art. 87 as amended) → 75 months
    )
    page = client_for(lead).get("/detention/rules/penalties/").content.decode()
    assert "Penal Code (Law 111 of 1969) Art. 87: life imprisonment is 20 years" in page
    assert "/detention/rules/penalties/life/" not in page  # the lead corrects nothing
    url = "/detention/rules/penalties/aggravated_life/"
    before = entry_count()
    assert client_for(lead).post(url, {"years": 1, "source": "x"}).status_code == 404
    client = client_for(adviser)
    refused = client.post(url, {"years": "", "source": "المادة 87"})
    assert refused.status_code == 200 and "from 1 to 100" in refused.content.decode()
    assert entry_count() == before + 1  # only the lead's refusal, on the ledger
    done = client.post(url, {"years": 24, "source": "المادة 87 المعدلة", "note": ""})
    assert done.status_code == 302
    entry = Entry.objects.get(action="detention.penalty_scale_changed")
    assert json.loads(entry.payload)["before"]["years"] == 25
    assert json.loads(entry.payload)["after"]["years"] == 24
    d.refresh_from_db()
    assert clock.quarter_cap_point(arrest_, d.clock_offence) == clock.add_months(d.arrested_at, 72)
    death = client.post("/detention/rules/penalties/death/", {"years": 30, "source": "x"})
    assert "no quarter limit" in death.content.decode()
    assert PenaltyScale.objects.get(code="death").years is None


def test_a_maximum_penalty_above_the_scale_is_refused_at_the_arrest(arrest):
    with pytest.raises(ValidationError) as refused:
        arrest(penalty_years=16)
    assert "1 to 15" in refused.value.message_dict["penalty_years"][0]


def test_the_order_form_refuses_an_offence_of_three_years_naming_article_110(
    arrest, client_for, lead
):
    d = arrest(penalty_years=3)
    before = entry_count()
    page = client_for(lead).post(
        f"/detention/{d.pk}/orders/add/",
        {
            "starts_at": timezone.localtime(d.arrested_at + H).strftime("%Y-%m-%dT%H:%M"),
            "days": 10,
            "order_number": "ت/1",
            "judge_name": "القاضي",
            "court": "محكمة التحقيق",
            "issued_on": timezone.localdate().isoformat(),
        },
    )
    assert page.status_code == 200 and "Art. 110 applies" in page.content.decode()
    assert not d.orders.exists() and entry_count() == before


def test_a_judges_extension_granted_at_hour_20_may_be_recorded_after_a_first_order_at_hour_30(
    arrest, order, lead
):
    now = timezone.now()
    d = arrest(arrested_at=now - 40 * H, registered_at=now - 39 * H, now=now)
    order(d, now - 10 * H, 15)  # hour 30: a breach of the 24 hours, as recorded so far
    d.refresh_from_db()
    assert d.breached
    services.hold_extension_record(
        actor=lead, detainee=d, granted_by="القاضي", granted_at=now - 20 * H, now=now
    )
    d.refresh_from_db()
    assert not d.breached  # the order came within the 48 hours the judge allowed


def test_a_permission_granted_before_a_release_still_counts_after_the_re_arrest(
    arrest, order, lead
):
    """Held five months and three weeks, permitted by the court until seven months, released,
    re-arrested a week later: the six months are used up, and the court's period still runs."""
    now = timezone.now()
    first_at = clock.add_months(now, -7)
    first = arrest(arrested_at=first_at, registered_at=first_at + H, now=now)
    six = clock.six_months_point(selectors.arrest_of(first))
    services.court_permission_record(
        actor=lead,
        detainee=first,
        court="محكمة جنايات الرصافة",
        decision_number="ج/1",
        decided_on=clock.baghdad(six - 3 * 24 * H).date(),
        permitted_until=clock.add_months(first_at, 9),
        now=six - 2 * 24 * H,
    )
    services.release_record(
        actor=lead, detainee=first, released_at=six - 24 * H, basis="bail", now=now
    )
    again = arrest(arrested_at=now - 2 * H, registered_at=now - H, now=now)
    state = selectors.clock_of(again, now)
    assert state.court_permitted_until == clock.add_months(first_at, 9)
    order(again, now - H, 10)  # within the court's period: recorded, not refused


def test_the_operator_refreshes_the_stored_clocks_after_changing_the_death_reading(
    arrest, settings
):
    import io

    from django.core.management import call_command

    d = arrest()
    d.__class__.objects.filter(pk=d.pk).update(next_deadline_at=None)  # as after an upgrade
    out = io.StringIO()
    call_command("detention_refresh", stdout=out)
    d.refresh_from_db()
    assert d.next_deadline_at is not None and "1" in out.getvalue()
    entry = Entry.objects.get(action="detention.clocks_refreshed")
    assert entry.actor == "system:cli:detention-refresh" and json.loads(entry.payload)["held"] == 1
