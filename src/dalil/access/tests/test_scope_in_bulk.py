"""scope() without a global DISTINCT, the scoped prefetch, and "which of these users may…" in a
constant number of queries (the task form offers up to 300 people)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dalil import access
from dalil.access.models import BreakGlass
from dalil.audit.ledger import System
from dalil.cases import services
from dalil.cases.models import Case, CaseMember, CaseParty
from dalil.parties import services as party_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(make_user):
    return make_user("lead.karada", role="investigator", at="BGD-KARADA")


@pytest.fixture
def case(tree, lead, make_user):
    """A Karada case with three members (the lead and two investigators)."""
    case = services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="سرقة", lead=lead)
    for name in ("member.one", "member.two"):
        user = make_user(name, role="investigator", at="BGD-KARADA")
        services.member_add(actor=lead, case=case, user=user, role="investigator")
    return case


def test_scope_gives_each_object_once_without_a_distinct_on_the_callers_query(case, make_user):
    commander = make_user("commander", role="commander", at="BGD-KARADA")
    # The commander holds the unit grant and is no member: the rules' join through the three
    # members used to give the case three times, hidden by a DISTINCT over the whole query.
    scoped = access.scope(commander, "view", Case.objects.all())
    assert list(scoped) == [case]
    assert "DISTINCT" not in str(scoped.query).upper()


def test_an_annotation_counts_the_rows_of_the_case_and_not_those_of_the_rules_join(case, lead):
    counted = access.scope(lead, "view", Case.objects.annotate(n=Count("members")))
    assert [(c.pk, c.n) for c in counted] == [(case.pk, 3)]


def test_scope_can_lock_the_rows_it_opens(case, lead):
    """PostgreSQL refuses FOR UPDATE with DISTINCT, and on the nullable side of an outer join:
    the rules now live in a subquery, so a service can lock the row it reads."""
    with transaction.atomic():
        locked = access.scope(lead, "view", Case.objects.select_for_update()).get(pk=case.pk)
    assert locked == case


def test_scope_still_refuses_what_no_rule_opens(case, make_user):
    outsider = make_user("outsider", role="investigator", unit="BGD-MANSOUR", at="BGD-MANSOUR")
    assert not access.scope(outsider, "view", Case.objects.all()).exists()
    assert not access.can(outsider, "view", case)


def test_the_scoped_prefetch_leaves_out_the_rows_the_reader_may_not_see(tree, case, lead, operator):
    person = party_services.person_create(
        actor=System("test"), unit=tree["BGD-KARADA"], given_name_ar="سالم"
    )
    source = party_services.person_create(
        actor=System("test"), unit=tree["BGD-KARADA"], given_name_ar="نبيل"
    )
    operator = System("cli:test")
    services.case_party_add(actor=operator, case=case, entity=person, role="suspect")
    services.case_party_add(actor=operator, case=case, entity=source, role="informant")
    parties = access.scoped_prefetch(lead, "view", "parties", CaseParty.objects.all(), "seen")
    (loaded,) = Case.objects.filter(pk=case.pk).prefetch_related(parties)
    # The lead has no informants clearance: the confidential source is not among the rows.
    assert [p.entity_id for p in loaded.seen] == [person.pk]
    assert case.parties.count() == 2  # the unscoped manager would have shown both


def _people(make_user, tree, n):
    return [make_user(f"staff.{i:02d}", role="investigator", at="BGD-KARADA") for i in range(n)]


def test_users_who_can_answers_as_can_does_for_each_user(case, lead, make_user, tree):
    member = CaseMember.objects.filter(case=case).exclude(user=lead).first().user
    unit_reader = make_user("reader", role="analyst", at="BGD-KARADA")
    outsider = make_user("outsider", role="investigator", unit="BGD-MANSOUR", at="BGD-MANSOUR")
    glass = make_user("glass", role="investigator", unit="BGD-MANSOUR", at="BGD-MANSOUR")
    BreakGlass.objects.create(
        user=glass,
        target_type="cases.case",
        target_id=str(case.pk),
        target_label="x",
        reason="an urgent request from the prosecutor",
        started_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    locked = make_user("locked", role="investigator", at="BGD-KARADA")
    locked.locked_at = timezone.now()
    inactive = make_user("inactive", role="investigator", at="BGD-KARADA")
    inactive.is_active = False
    users = [outsider, member, locked, unit_reader, glass, inactive, lead]
    expected = [u for u in users if access.can(u, "view", case)]
    assert expected == [member, unit_reader, glass, lead]
    fresh = [type(u).objects.get(pk=u.pk) for u in users]  # no grants cached yet
    fresh[2].locked_at, fresh[5].is_active = locked.locked_at, False
    assert access.users_who_can(fresh, "view", case) == [fresh[1], fresh[3], fresh[4], fresh[6]]


def test_users_who_can_takes_the_same_queries_for_3_users_as_for_30(case, make_user, tree):
    people = _people(make_user, tree, 30)

    def queries(users):
        fresh = [type(u).objects.get(pk=u.pk) for u in users]
        with CaptureQueriesContext(connection) as captured:
            allowed = access.users_who_can(fresh, "view", case)
        assert len(allowed) == len(users)
        return len(captured)

    assert queries(people[:3]) == queries(people) <= 5


def test_the_task_form_offers_the_case_s_people_in_constant_queries(case, make_user, tree):
    from dalil.casework import services as casework_services

    _people(make_user, tree, 12)
    with CaptureQueriesContext(connection) as few:
        offered = casework_services.assignee_candidates(case)
    assert len(offered) == 15  # the lead, two members, twelve investigators of the unit
    for i in range(20):
        make_user(f"more.{i:02d}", role="investigator", at="BGD-KARADA")
    with CaptureQueriesContext(connection) as many:
        offered = casework_services.assignee_candidates(case)
    assert len(offered) == 35
    assert len(many) == len(few)
