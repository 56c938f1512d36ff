"""Tasks (IN-4): created, changed, done, reopened and cancelled through services with one ledger
entry each; who may give and take them; overdue in red; "My tasks"."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dalil import access
from dalil.audit.testing import actions_since, last_seq
from dalil.cases import services as case_services
from dalil.casework import selectors, services
from dalil.casework.models import Task

pytestmark = pytest.mark.django_db


def _task(case, lead, **kwargs):
    return services.task_create(actor=lead, case=case, title=kwargs.pop("title", "مهمة"), **kwargs)


# --- Happy path -----------------------------------------------------------------------------------
def test_a_task_is_created_on_its_page_with_one_ledger_entry(case, lead, client_for):
    client = client_for(lead)
    since = last_seq()
    due = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        reverse("casework:task_create", args=[case.number]),
        {
            "title": "طلب تسجيلات الكاميرات",
            "description": "من المحلات المجاورة",
            "assignee": lead.pk,
            "due_on": due.isoformat(),
            "priority": "high",
        },
    )
    task = Task.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("casework:task_detail", args=[case.number, task.pk])
    assert (task.title, task.assignee, task.due_on, task.priority, task.status) == (
        "طلب تسجيلات الكاميرات",
        lead,
        due,
        "high",
        "open",
    )
    assert task.created_by == lead
    assert actions_since(since) == ["casework.task_created"]
    page = client.get(reverse("casework:task_detail", args=[case.number, task.pk])).content.decode()
    assert "طلب تسجيلات الكاميرات" in page and "من المحلات المجاورة" in page
    listing = client.get(reverse("casework:task_list", args=[case.number])).content.decode()
    assert "طلب تسجيلات الكاميرات" in listing


def test_done_reopened_and_cancelled_are_one_entry_each_and_a_second_click_changes_nothing(
    case, lead
):
    task = _task(case, lead)
    since = last_seq()
    services.task_complete(actor=lead, task=task, note="تم")
    task.refresh_from_db()
    assert task.status == "done" and task.closed_by == lead and task.closed_at
    stale = Task.objects.get(pk=task.pk)
    stale.status = "open"  # a second tab that still shows the task open
    with pytest.raises(ValidationError, match="not open"):
        services.task_complete(actor=lead, task=stale)
    services.task_reopen(actor=lead, task=task)
    task.refresh_from_db()
    assert task.status == "open" and task.closed_at is None and task.closed_by is None
    with pytest.raises(ValidationError, match="reason"):
        services.task_cancel(actor=lead, task=task, reason="قصير")
    services.task_cancel(actor=lead, task=task, reason="لم تعد مطلوبة بعد ضبط المتهم")
    task.refresh_from_db()
    assert task.status == "cancelled" and task.close_note == "لم تعد مطلوبة بعد ضبط المتهم"
    assert actions_since(since) == [
        "casework.task_completed",
        "casework.task_reopened",
        "casework.task_cancelled",
    ]


def test_changing_a_task_writes_one_entry_and_saving_it_unchanged_writes_none(case, lead):
    task = _task(case, lead, priority="normal")
    since = last_seq()
    services.task_update(actor=lead, task=task, title="مهمة", priority="normal")
    assert actions_since(since) == []
    services.task_update(actor=lead, task=task, title="مهمة معدلة", priority="urgent")
    assert actions_since(since) == ["casework.task_changed"]
    task.refresh_from_db()
    assert (task.title, task.priority) == ("مهمة معدلة", "urgent")
    services.task_complete(actor=lead, task=task)
    with pytest.raises(ValidationError, match="open task"):
        services.task_update(actor=lead, task=task, title="أخرى", priority="low")


# --- Bad input ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "مهمة", "priority": "whenever"}, "priority"),
        ({"title": "مهمة", "due_on": dt.date(2000, 1, 1)}, "due_on"),
    ],
)
def test_bad_task_input_gets_a_message_and_writes_nothing(case, lead, kwargs, field):
    since = last_seq()
    with pytest.raises(ValidationError) as exc:
        services.task_create(actor=lead, case=case, **kwargs)
    assert field in exc.value.message_dict
    assert not Task.objects.exists() and actions_since(since) == []


def test_a_due_date_before_the_case_was_opened_is_explained_on_the_page(case, lead, client_for):
    response = client_for(lead).post(
        reverse("casework:task_create", args=[case.number]),
        {"title": "مهمة", "priority": "normal", "due_on": "2001-01-01"},
    )
    assert response.status_code == 200
    assert "before the case was opened" in response.content.decode()
    assert not Task.objects.exists()


def test_a_due_date_already_past_but_after_the_opening_is_accepted_and_overdue(case, lead):
    with time_machine.travel(timezone.now() + dt.timedelta(days=10), tick=False):
        task = _task(case, lead, due_on=timezone.localdate() - dt.timedelta(days=2))
        assert task.is_overdue


def test_the_assignee_must_be_able_to_see_the_case(case, lead, make_user, observer, outsider):
    # Same unit, but no right to see its cases: refused.
    instructor = make_user("instr.karada", role="instructor", at="BGD-KARADA")
    # Same unit and cases.case.view over it: accepted; so is a member from another unit.
    scene = make_user("scene.karada", role="scene_officer", at="BGD-KARADA")
    for user in (instructor, outsider):
        with pytest.raises(ValidationError) as exc:
            _task(case, lead, assignee=user)
        assert "assignee" in exc.value.message_dict
    assert _task(case, lead, assignee=scene).assignee == scene
    assert _task(case, lead, assignee=observer).assignee == observer
    candidates = services.assignee_candidates(case)
    assert scene in candidates and observer in candidates and lead in candidates
    assert instructor not in candidates and outsider not in candidates


def test_a_closed_case_takes_no_new_task_with_a_clear_message(case, lead, client_for):
    task = _task(case, lead)
    case_services.case_transition(actor=lead, case=case, step="close", version=case.version)
    since = last_seq()
    with pytest.raises(ValidationError, match="closed"):
        _task(case, lead)
    with pytest.raises(ValidationError, match="closed"):
        services.task_complete(actor=lead, task=task)
    client = client_for(lead)
    page = client.get(reverse("casework:task_create", args=[case.number]), follow=True)
    assert "The case is closed" in page.content.decode()
    assert actions_since(since) == [] and Task.objects.count() == 1


# --- Who may --------------------------------------------------------------------------------------
def test_an_observer_reads_the_tasks_but_cannot_write_them(case, lead, observer, client_for):
    task = _task(case, lead)
    client = client_for(observer)
    assert client.get(reverse("casework:task_list", args=[case.number])).status_code == 200
    assert (
        client.get(reverse("casework:task_detail", args=[case.number, task.pk])).status_code == 200
    )
    since = last_seq()
    assert client.get(reverse("casework:task_create", args=[case.number])).status_code == 404
    refused = client.post(
        reverse("casework:task_create", args=[case.number]), {"title": "x", "priority": "low"}
    )
    assert refused.status_code == 404
    done = client.post(reverse("casework:task_complete", args=[case.number, task.pk]))
    assert done.status_code == 404
    assert actions_since(since) == ["access.denied"] * 3
    with pytest.raises(access.Denied):
        services.task_complete(actor=observer, task=task)
    task.refresh_from_db()
    assert task.status == "open" and Task.objects.count() == 1


def test_another_units_investigator_gets_404_everywhere(case, lead, outsider, client_for):
    task = _task(case, lead, title="تفريغ كاميرات الشارع")
    client = client_for(outsider)
    for url in [
        reverse("casework:task_list", args=[case.number]),
        reverse("casework:task_detail", args=[case.number, task.pk]),
        reverse("casework:timeline", args=[case.number]),
    ]:
        assert client.get(url).status_code == 404, url
    assert task.title not in client.get(reverse("mywork:tasks")).content.decode()


def test_investigator_members_and_commanders_work_on_the_case(case, lead, colleague, commander):
    assert _task(case, colleague, title="من الزميل").created_by == colleague
    assert _task(case, commander, title="من الآمر").created_by == commander


# --- Overdue and "My tasks" -----------------------------------------------------------------------
def test_overdue_follows_the_baghdad_calendar_and_is_shown_in_red_with_a_badge(
    case, lead, client_for
):
    today = timezone.localdate()
    late = _task(case, lead, title="متأخرة", due_on=today + dt.timedelta(days=1), assignee=lead)
    done = _task(case, lead, title="منجزة", due_on=today + dt.timedelta(days=1), assignee=lead)
    services.task_complete(actor=lead, task=done)
    assert not late.is_overdue
    # 21:30 UTC is 00:30 the next day in Baghdad (UTC+3): two days on, the due date has passed.
    later = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(21, 30), tzinfo=dt.UTC)
    with time_machine.travel(later, tick=False):
        late.refresh_from_db()
        assert late.is_overdue and not Task.objects.get(pk=done.pk).is_overdue
        rows = {t.title: t.overdue for t in selectors.task_list(lead, case)}
        assert rows == {"متأخرة": True, "منجزة": False}
        page = client_for(lead).get(reverse("casework:task_list", args=[case.number]))
        html = page.content.decode()
        assert 'class="table-danger"' in html and "badge text-bg-danger" in html
        only = client_for(lead).get(
            reverse("casework:task_list", args=[case.number]), {"overdue": "1"}
        )
        assert "متأخرة" in only.content.decode() and "منجزة" not in only.content.decode()
    # One minute before midnight in Baghdad it is still the due date: not overdue.
    earlier = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(20, 59), tzinfo=dt.UTC)
    with time_machine.travel(earlier, tick=False):
        assert not Task.objects.get(pk=late.pk).is_overdue


def test_my_tasks_lists_my_open_tasks_in_cases_i_may_see_overdue_first(
    tree, case, lead, make_user, client_for
):
    from dalil.cases.models import CaseMember

    today = timezone.localdate()
    me = make_user("worker", unit="BGD-MANSOUR", role="investigator", at="BGD-MANSOUR")
    case_services.member_add(actor=lead, case=case, user=me, role="investigator")
    soon = _task(case, lead, title="قريبة", assignee=me, due_on=today + dt.timedelta(days=5))
    late = _task(case, lead, title="متأخرة", assignee=me, due_on=today + dt.timedelta(days=1))
    _task(case, lead, title="بلا موعد", assignee=me)
    _task(case, lead, title="لغيري", assignee=lead)
    services.task_complete(actor=lead, task=_task(case, lead, title="منجزة", assignee=me))
    with time_machine.travel(timezone.now() + dt.timedelta(days=3), tick=False):
        titles = [t.title for t in selectors.my_tasks(me)]
        assert titles == ["متأخرة", "قريبة", "بلا موعد"]
        page = client_for(me).get(reverse("mywork:tasks")).content.decode()
        assert page.index("متأخرة") < page.index("قريبة") and "لغيري" not in page
        assert "منجزة" not in page
        assert selectors.my_overdue_count(me) == 1
    assert soon.pk and late.pk
    assert selectors.my_overdue_count(me) == 0  # nothing overdue yet
    # Out of the case, out of the list: the tasks stay, but the case is no longer theirs to see.
    CaseMember.objects.filter(case=case, user=me).delete()
    access.forget(me)
    assert list(selectors.my_tasks(me)) == []
    with time_machine.travel(timezone.now() + dt.timedelta(days=3), tick=False):
        assert selectors.my_overdue_count(me) == 0  # overdue, but in a case no longer theirs


def test_my_tasks_is_in_the_navigation(make_user, client_for):
    user = make_user("nav.user", role="instructor")
    page = client_for(user).get("/").content.decode()
    assert reverse("mywork:tasks") in page


def test_break_glass_on_the_case_opens_its_tasks_too_and_only_until_it_expires(
    case, lead, make_user, client_for
):
    task = _task(case, lead, title="مهمة الكسر")
    inspector = make_user("cmd.basra", unit="BSR-POL", role="commander", at="BSR-POL")
    url = reverse("casework:task_detail", args=[case.number, task.pk])
    assert client_for(inspector).get(url).status_code == 404
    access.break_glass_open(actor=inspector, obj=case, reason="تفتيش على ملف القضية", minutes=30)
    assert client_for(inspector).get(url).status_code == 200
    assert access.can(inspector, "view", task) and not access.can(inspector, "work", case)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31), tick=False):
        access.forget(inspector)
        assert not access.can(inspector, "view", task)
