"""CO-7 background jobs: the framework, the worker path, the pages and the ledger."""

from __future__ import annotations

import signal
import time
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext, gettext_noop
from django_tasks_db.models import DBTaskResult

from dalil.access import Denied
from dalil.accounts import services as account_services
from dalil.accounts.models import Unit
from dalil.audit.models import Entry
from dalil.jobs import registry, runner, services
from dalil.jobs.models import Job, JobLogLine
from dalil.jobs.registry import job_type
from dalil.jobs.testing import WorkerThread, run_queued

pytestmark = pytest.mark.django_db

HOOKS: dict[str, Any] = {}


# --- Job kinds used only by these tests ------------------------------------------------------------
def _new_unit(job: Any, code: str, parent: str) -> Unit:
    """A write through a service, as the job's actor: the user who started the job."""
    return account_services.unit_create(
        actor=job.actor,
        parent=Unit.objects.get(code=parent),
        code=code,
        kind="station",
        name_ar=f"وحدة {code}",
        name_en=f"Unit {code}",
    )


@job_type("testjobs.write_then_fail", "test: write, then fail")
def _write_then_fail(job: Any, parent: str) -> None:
    job.progress(0, 2)
    with job.atomic():
        _new_unit(job, "JOB-TMP-1", parent)
        _new_unit(job, "JOB-TMP-2", parent)
        job.log("two units written <b>inside</b> the atomic block")
        raise RuntimeError("disk on fire <script>alert(1)</script>")


@job_type("testjobs.write_outside_atomic", "test: write without job.atomic()")
def _write_outside(job: Any, parent: str) -> None:
    _new_unit(job, "JOB-TMP-3", parent)


@job_type("testjobs.fail_politely", "test: fail with a message")
def _fail_politely(job: Any, name: str) -> None:
    raise runner.JobFailed(gettext_noop("The file %(name)s could not be read."), name=name)


@job_type("testjobs.steps", "test: compute in steps, write at the end")
def _steps(job: Any, n: int, parent: str, pause: float = 0.0) -> dict[str, int]:
    job.progress(0, n)
    for i in range(1, n + 1):
        job.check_cancelled()
        if pause:
            time.sleep(pause)
        job.progress(i, n)
        hook = HOOKS.get("after_step")
        if hook:
            hook(job, i)
    with job.atomic():
        _new_unit(job, "JOB-STEPS", parent)
        job.log("unit written")
    return {"steps": n}


@job_type("testjobs.auditors_only", "test: auditors only", permissions=("audit.ledger.verify",))
def _auditors_only(job: Any) -> None:
    job.log("ran")


def _unit_steward(make_user: Any) -> Any:
    """Amal may add units below her station (what the test jobs write, as her), and nothing
    else: not an administrator of jobs."""
    from dalil.access.models import Assignment, Role, RolePermission

    user = make_user("amal")
    role = Role.objects.create(code="unit_steward", name_ar="مسؤول الوحدات")
    now = timezone.now()  # in force at once, as the operator's seeding is (ADR 0014)
    RolePermission.objects.create(role=role, code="accounts.unit.manage", approved_at=now)
    Assignment.objects.create(
        user=user, role=role, unit=user.unit, include_subtree=True, approved_at=now
    )
    return user


@pytest.fixture(autouse=True)
def _no_hooks():
    HOOKS.clear()
    yield
    HOOKS.clear()


def _actions(job: Job) -> list[str]:
    return list(
        Entry.objects.filter(target_type="jobs.job", target_id=str(job.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


# --- Framework ------------------------------------------------------------------------------------
def test_job_kinds_must_be_named_like_app_thing_and_registered_once():
    with pytest.raises(ValueError, match=r"app\.thing"):
        job_type("nodot", "x")
    with pytest.raises(ValueError, match="registered twice"):
        job_type("jobs.demo", "again")(lambda job: None)
    assert registry.get("jobs.demo").startable
    with pytest.raises(LookupError):
        registry.get("jobs.nothing_like_this")


def test_enqueue_writes_the_job_the_task_and_one_ledger_entry_in_one_transaction(make_user):
    user = make_user("amal")
    job = services.enqueue(actor=user, kind="jobs.demo", n=3, pause=0)
    assert job.status == Job.Status.QUEUED and job.owner == user and job.unit == user.unit
    assert job.arguments == {"n": 3, "pause": 0}
    task = DBTaskResult.objects.get(id=job.task_id)
    assert task.task_path == "dalil.jobs.tasks.run_job" and task.args_kwargs["args"] == [job.pk]
    entry = Entry.objects.get(action="jobs.job_started", target_id=str(job.pk))
    assert entry.actor_id == user.pk and '"kind":"jobs.demo"' in entry.payload


def test_enqueue_refuses_unknown_kinds_arguments_that_are_not_json_and_kinds_the_user_may_not_start(
    make_user,
):
    user = make_user("amal", role="investigator")
    before = (Job.objects.count(), Entry.objects.count())
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.enqueue(actor=user, kind="jobs.nothing_like_this")
    with pytest.raises(ValidationError):
        services.enqueue(actor=user, kind="jobs.demo", n=object())
    with pytest.raises(Denied):
        services.enqueue(actor=user, kind="testjobs.auditors_only")
    assert (Job.objects.count(), Entry.objects.count()) == before
    auditor = make_user("audra", role="auditor", unit="MOI", at="MOI")
    assert (
        services.enqueue(actor=auditor, kind="testjobs.auditors_only").status == Job.Status.QUEUED
    )


@pytest.mark.django_db(transaction=True)
def test_the_real_db_worker_command_runs_the_demo_job_to_its_total(make_user):
    user = make_user("amal")
    job = services.enqueue(actor=user, kind="jobs.demo", n=5, pause=0)
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for s, h in handlers.items():
            signal.signal(s, h)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.done, job.total, job.percent) == (5, 5, 100)
    assert job.result == {"counted": 5}
    assert job.started_at and job.finished_at and job.finished_at >= job.started_at
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"
    assert _actions(job) == ["jobs.job_started", "jobs.job_succeeded"]
    done = Entry.objects.get(action="jobs.job_succeeded", target_id=str(job.pk))
    assert done.actor_id is None and done.actor == f"system:job:{job.pk}:jobs.demo"
    assert done.source == "task:jobs.demo"
    assert list(job.lines.values_list("text", flat=True)) == ["Counted to 5."]


def test_a_failing_job_changes_nothing_and_records_a_translated_error(make_user, client_for):
    user = _unit_steward(make_user)
    units, ledger = Unit.objects.count(), Entry.objects.count()
    job = services.enqueue(actor=user, kind="testjobs.write_then_fail", parent="BGD-KARADA")
    run_queued()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == runner.GENERIC_ERROR
    # Neither the units nor their ledger entries survived; only the job's own start/failure.
    assert Unit.objects.count() == units
    assert not Unit.objects.filter(code__startswith="JOB-TMP").exists()
    assert Entry.objects.count() == ledger + 2
    assert _actions(job) == ["jobs.job_started", "jobs.job_failed"]
    assert not Entry.objects.filter(action="accounts.unit_created", seq__gt=ledger).exists()
    # The traceback is kept in the log, for administrators only.
    tb = job.lines.get(admin_only=True)
    assert "RuntimeError: disk on fire" in tb.text and "Traceback" in tb.text

    page = client_for(user).get(reverse("jobs:detail", args=[job.pk]))
    body = page.content.decode()
    with translation.override("ar"):
        assert escape(gettext(runner.GENERIC_ERROR)) in body
    assert "Traceback" not in body and "disk on fire" not in body
    # The line logged inside the rolled-back block is still shown, escaped.
    assert "two units written &lt;b&gt;inside&lt;/b&gt;" in body


def test_administrators_see_the_traceback_escaped(make_user, client_for):
    user = _unit_steward(make_user)
    admin = make_user("adil", role="system_admin", unit="MOI", at="MOI")
    job = services.enqueue(actor=user, kind="testjobs.write_then_fail", parent="BGD-KARADA")
    run_queued()
    body = client_for(admin).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "RuntimeError: disk on fire &lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body


def test_a_job_that_writes_outside_job_atomic_is_stopped_before_the_write(make_user):
    user = _unit_steward(make_user)
    units = Unit.objects.count()
    job = services.enqueue(actor=user, kind="testjobs.write_outside_atomic", parent="BGD-KARADA")
    run_queued()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error == runner.OUTSIDE_ATOMIC_ERROR
    assert Unit.objects.count() == units
    assert "WriteOutsideAtomic" in job.lines.get(admin_only=True).text


def test_a_job_may_fail_with_its_own_message_for_the_user(make_user, client_for):
    user = make_user("amal")
    job = services.enqueue(actor=user, kind="testjobs.fail_politely", name="evidence.pdf")
    run_queued()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    with translation.override("ar"):
        expected = gettext("The file %(name)s could not be read.") % {"name": "evidence.pdf"}
        assert job.error_message == expected
    assert expected in client_for(user).get(reverse("jobs:detail", args=[job.pk])).content.decode()


def test_cancelling_a_running_job_stops_it_between_steps_and_writes_nothing(make_user):
    user = _unit_steward(make_user)
    units = Unit.objects.count()
    job = services.enqueue(actor=user, kind="testjobs.steps", n=5, parent="BGD-KARADA")

    def cancel_at_two(handle: Any, step: int) -> None:
        if step == 2:
            assert Job.objects.get(pk=handle.pk).status == Job.Status.RUNNING
            # The owner's click, as if from the web process (the job's write guard does not apply).
            with handle._own_write():
                services.cancel(actor=user, job=Job.objects.get(pk=handle.pk))

    HOOKS["after_step"] = cancel_at_two
    run_queued()
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert (job.done, job.total) == (2, 5)  # step 3 never started
    assert Unit.objects.count() == units and not Unit.objects.filter(code="JOB-STEPS").exists()
    assert _actions(job) == ["jobs.job_started", "jobs.job_cancelled", "jobs.job_stopped"]
    cancelled = Entry.objects.get(action="jobs.job_cancelled", target_id=str(job.pk))
    assert cancelled.actor_id == user.pk and '"was":"running"' in cancelled.payload


def test_a_queued_job_is_cancelled_at_once_and_the_worker_then_skips_it(make_user, client_for):
    user = _unit_steward(make_user)
    job = services.enqueue(actor=user, kind="testjobs.steps", n=2, parent="BGD-KARADA")
    response = client_for(user).post(reverse("jobs:cancel", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.finished_at
    run_queued()
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and job.started_at is None and job.done == 0
    assert not Unit.objects.filter(code="JOB-STEPS").exists()
    assert _actions(job) == ["jobs.job_started", "jobs.job_cancelled"]
    # A finished job cannot be cancelled again: a message, nothing written.
    before = Entry.objects.count()
    page = client_for(user).post(reverse("jobs:cancel", args=[job.pk]), follow=True)
    with translation.override("ar"):
        assert (
            gettext("This job has already finished; there is nothing to cancel.")
            in page.content.decode()
        )
    assert Entry.objects.count() == before


def test_a_job_that_runs_to_the_end_writes_its_work_once(make_user):
    user = _unit_steward(make_user)
    job = services.enqueue(actor=user, kind="testjobs.steps", n=3, parent="BGD-KARADA")
    run_queued()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and job.result == {"steps": 3}
    assert Unit.objects.filter(code="JOB-STEPS").count() == 1
    created = Entry.objects.get(action="accounts.unit_created", target_label__contains="JOB-STEPS")
    # The job acts as the user who started it, who may add units there.
    assert (created.actor, created.source) == ("amal", "task:testjobs.steps")


def test_a_job_passes_no_door_its_owner_could_not_pass(make_user):
    """A job acts as the user who started it, never as an operator: its `System` name on the
    ledger opens nothing (access.is_operator)."""
    user = make_user("amal", role="investigator")  # may start the job, may not add units
    job = services.enqueue(actor=user, kind="testjobs.steps", n=1, parent="BGD-KARADA")
    units = Unit.objects.count()
    run_queued()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and Unit.objects.count() == units
    assert not Entry.objects.filter(action="accounts.unit_created", source__startswith="task:")
    assert _actions(job) == ["jobs.job_started", "jobs.job_failed"]


def test_retrying_a_failed_job_starts_a_new_job_with_the_same_kind_and_arguments(
    make_user, client_for
):
    user = make_user("amal")
    failed = services.enqueue(actor=user, kind="testjobs.fail_politely", name="a.pdf")
    run_queued()
    response = client_for(user).post(reverse("jobs:retry", args=[failed.pk]))
    new = Job.objects.exclude(pk=failed.pk).get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "jobs:detail", args=[new.pk]
    )
    assert (new.kind, new.arguments, new.retry_of, new.owner) == (
        failed.kind,
        failed.arguments,
        failed,
        user,
    )
    assert new.status == Job.Status.QUEUED and new.task_id != failed.task_id
    assert _actions(new) == ["jobs.job_retried"]
    assert f'"retry_of":{failed.pk}' in Entry.objects.get(action="jobs.job_retried").payload
    run_queued()
    new.refresh_from_db()
    assert new.status == Job.Status.FAILED  # the same job, the same outcome, run again
    # Only failed jobs are retried.
    done = services.enqueue(actor=user, kind="jobs.demo", n=1, pause=0)
    run_queued()
    count = Job.objects.count()
    client_for(user).post(reverse("jobs:retry", args=[done.pk]))
    assert Job.objects.count() == count


def test_another_users_job_is_404_and_the_refusal_is_on_the_ledger(make_user, client_for):
    owner = make_user("amal")
    stranger = make_user("badr")
    job = services.enqueue(actor=owner, kind="jobs.demo", n=2, pause=0)
    c = client_for(stranger)
    for name, method in [
        ("jobs:detail", "get"),
        ("jobs:progress", "get"),
        ("jobs:cancel", "post"),
        ("jobs:retry", "post"),
        ("jobs:file", "get"),
    ]:
        before = Entry.objects.count()
        assert getattr(c, method)(reverse(name, args=[job.pk])).status_code == 404, name
        assert list(Entry.objects.filter(seq__gt=before).values_list("action", flat=True)) == [
            "access.denied"
        ]
    listing = c.get(reverse("jobs:list") + "?all=1").content.decode()
    assert (
        reverse("jobs:detail", args=[job.pk]) not in listing and "jobs.demo" in listing
    )  # offered, not listed
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED


def test_system_administrators_list_every_job_of_their_units(make_user, client_for):
    owner = make_user("amal")
    admin = make_user("adil", role="system_admin", unit="MOI", at="MOI")
    local_admin = make_user("lina", role="system_admin", unit="BGD-MANSOUR", at="BGD-MANSOUR")
    job = services.enqueue(actor=owner, kind="jobs.demo", n=2, pause=0)
    url = reverse("jobs:detail", args=[job.pk])
    assert url in client_for(admin).get(reverse("jobs:list") + "?all=1").content.decode()
    assert (
        url not in client_for(admin).get(reverse("jobs:list")).content.decode()
    )  # own jobs by default
    assert client_for(admin).get(url).status_code == 200
    assert url not in client_for(local_admin).get(reverse("jobs:list") + "?all=1").content.decode()
    assert client_for(local_admin).get(url).status_code == 404
    # Seeing is not steering: only the owner cancels.
    assert client_for(admin).post(reverse("jobs:cancel", args=[job.pk])).status_code == 404


def test_the_polling_fragment_shows_the_bar_and_stops_polling_when_the_job_finishes(
    make_user, client_for
):
    user = make_user("amal")
    job = services.enqueue(actor=user, kind="jobs.demo", n=4, pause=0)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, done=2, total=4)
    c = client_for(user)
    url = reverse("jobs:progress", args=[job.pk])
    running = c.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'role="progressbar"' in running and 'aria-valuenow="50"' in running
    assert f'hx-get="{url}"' in running and 'hx-trigger="every 1s"' in running
    assert "jobs-w-50" in running and "<html" not in running
    Job.objects.filter(pk=job.pk).update(status=Job.Status.QUEUED, done=0)
    run_queued()
    finished = c.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert 'aria-valuenow="100"' in finished and "jobs-w-100" in finished
    assert "hx-trigger" not in finished and "hx-get" not in finished
    # The list page embeds the same fragment; no inline script or style anywhere.
    page = c.get(reverse("jobs:list")).content.decode()
    assert 'aria-valuenow="100"' in page and "<script>" not in page and "style=" not in page


def test_the_jobs_page_starts_the_demo_job_for_any_signed_in_user(make_user, client_for):
    user = make_user("amal")  # no role at all
    c = client_for(user)
    page = c.get(reverse("jobs:list")).content.decode()
    assert 'value="jobs.demo"' in page and 'value="testjobs.auditors_only"' not in page
    assert reverse("jobs:list") in page  # the navigation entry
    response = c.post(reverse("jobs:start"), {"kind": "jobs.demo"})
    assert response.status_code == 302
    job = Job.objects.get()
    assert (job.kind, job.owner, job.arguments) == ("jobs.demo", user, {})
    # Kinds that are not offered on the page cannot be started through it.
    c.post(reverse("jobs:start"), {"kind": "testjobs.write_then_fail"})
    c.post(reverse("jobs:start"), {"kind": "<script>"})
    assert Job.objects.count() == 1


def test_log_lines_are_bounded_and_cleaned(make_user):
    user = make_user("amal")
    job = services.enqueue(actor=user, kind="jobs.demo", n=1, pause=0)
    handle = runner.JobHandle(job)
    handle.log("a\x1b[31mred\x00" + "x" * 5000)
    line = JobLogLine.objects.get(job=job)
    assert (
        "\x1b" not in line.text
        and "\x00" not in line.text
        and len(line.text) == runner.MAX_LINE_CHARS
    )
    for i in range(runner.MAX_LOG_LINES + 50):
        handle.log(f"line {i}")
    assert JobLogLine.objects.filter(job=job).count() == runner.MAX_LOG_LINES + 1
    assert JobLogLine.objects.filter(job=job).order_by("-n").first().text == "… (log truncated)"


@pytest.mark.django_db(transaction=True)
def test_progress_is_visible_from_outside_while_the_job_runs(make_user):
    """The production shape: a worker thread runs the job; this thread watches it move."""
    user = _unit_steward(make_user)
    job = services.enqueue(actor=user, kind="testjobs.steps", n=10, pause=0.15, parent="BGD-KARADA")
    seen: set[int] = set()
    with WorkerThread():
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            status, done = Job.objects.filter(pk=job.pk).values_list("status", "done").get()
            if status == Job.Status.RUNNING:
                seen.add(done)
            if status in Job.FINISHED:
                break
            time.sleep(0.05)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED and (job.done, job.total) == (10, 10)
    assert len({d for d in seen if 0 < d < 10}) >= 3, seen  # watched it move, not just finish
    assert Unit.objects.filter(code="JOB-STEPS").count() == 1


@pytest.mark.django_db(transaction=True)
def test_cancel_from_outside_stops_the_running_job(make_user):
    user = _unit_steward(make_user)
    job = services.enqueue(actor=user, kind="testjobs.steps", n=40, pause=0.1, parent="BGD-KARADA")
    with WorkerThread():
        deadline = time.monotonic() + 20
        while Job.objects.get(pk=job.pk).done < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        services.cancel(actor=user, job=Job.objects.get(pk=job.pk))
        while (
            Job.objects.get(pk=job.pk).status == Job.Status.RUNNING and time.monotonic() < deadline
        ):
            time.sleep(0.05)
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED and 3 <= job.done < 40
    assert not Unit.objects.filter(code="JOB-STEPS").exists()
    assert _actions(job) == ["jobs.job_started", "jobs.job_cancelled", "jobs.job_stopped"]


# --- Verifying the ledger as a job ----------------------------------------------------------------
def test_auditors_verify_the_ledger_as_a_job_and_others_cannot_start_it(make_user, client_for):
    auditor = make_user("audra", role="auditor", unit="MOI", at="MOI")
    investigator = make_user("ivan", role="investigator")
    assert (
        'value="audit.verify_ledger"'
        not in client_for(investigator).get(reverse("jobs:list")).content.decode()
    )
    with pytest.raises(Denied):
        services.enqueue(actor=investigator, kind="audit.verify_ledger")
    c = client_for(auditor)
    assert 'value="audit.verify_ledger"' in c.get(reverse("jobs:list")).content.decode()
    c.post(reverse("jobs:start"), {"kind": "audit.verify_ledger"})
    job = Job.objects.get(kind="audit.verify_ledger")
    last = Entry.objects.order_by("-seq").first().seq
    run_queued()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.total == last and job.done == last and job.result["entries"] == last


def test_ledger_verification_reports_progress_every_n_entries(make_user):
    from dalil.audit import integrity

    make_user("amal")
    last = Entry.objects.order_by("-seq").first().seq
    calls: list[int] = []
    report = integrity.verify(progress=calls.append, every=3)
    assert report.ok and report.entries == last
    assert calls == [*range(3, last + 1, 3), last]


def test_a_broken_ledger_fails_the_verification_job_with_the_first_bad_entry(make_user):
    from dalil.audit import triggers

    auditor = make_user("audra", role="auditor", unit="MOI", at="MOI")
    job = services.enqueue(actor=auditor, kind="audit.verify_ledger")
    from django.db import connection

    # The attacker drops the append-only trigger (inside this test's transaction, rolled back after).
    with connection.cursor() as cur:
        for sql in triggers._drop_statements(connection.vendor, "audit_entry"):
            cur.execute(sql)
    Entry.objects.filter(seq=2).update(target_label="forged")
    run_queued()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.error_params == {"seq": 2}
    assert any("entry 2" in t for t in job.lines.values_list("text", flat=True))


# --- A worker that died ------------------------------------------------------------------------
def _running(user: Any, worker: str, minutes_ago: float = 0) -> Job:
    import datetime as dt

    from django.utils import timezone

    job = services.enqueue(actor=user, kind="jobs.demo", n=3)
    when = timezone.now() - dt.timedelta(minutes=minutes_ago)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, worker=worker, updated_at=when)
    return job


def test_a_job_whose_worker_died_is_failed_once_with_a_message_and_a_ledger_entry(make_user):
    import socket
    import subprocess
    import sys

    user = make_user("karim")
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    host = socket.gethostname()
    dead = _running(user, f"{host}:{int(gone.stdout)}")
    alive = _running(user, f"{host}:1")  # pid 1 is always there
    elsewhere = _running(user, "other-host:4242", minutes_ago=5)
    silent = _running(user, "other-host:4243", minutes_ago=61)

    assert runner.fail_abandoned() == 2
    status = dict(Job.objects.values_list("pk", "status"))
    assert status[dead.pk] == status[silent.pk] == Job.Status.FAILED
    assert status[alive.pk] == status[elsewhere.pk] == Job.Status.RUNNING
    failed = Job.objects.get(pk=dead.pk)
    assert failed.error == runner.ABANDONED_ERROR and failed.finished_at is not None
    with translation.override("ar"):
        assert failed.error_message == gettext(runner.ABANDONED_ERROR)
    entries = Entry.objects.filter(action="jobs.job_abandoned")
    assert sorted(int(e.target_id) for e in entries) == sorted([dead.pk, silent.pk])
    assert runner.fail_abandoned() == 0  # nothing twice


def test_the_worker_claims_a_job_under_its_own_host_and_pid(make_user):
    user = make_user("karim")
    job = services.enqueue(actor=user, kind="jobs.demo", n=1, pause=0)
    run_queued()
    assert Job.objects.get(pk=job.pk).worker == runner.worker_id()


def test_the_worker_runs_every_registered_duty_and_a_failing_one_stops_no_other(db, monkeypatch):
    """`dalil worker` knows no app: it runs what the apps registered (`@periodic`)."""
    from io import StringIO

    from dalil.jobs import registry

    assert {"audit.checkpoint", "detention.alerts", "jobs.abandoned"} <= {
        d.code for d in registry.duties()
    }
    ran = []

    def fails() -> str:
        raise RuntimeError("broken duty")

    def works() -> str:
        ran.append(True)
        return "the second duty ran"

    monkeypatch.setitem(
        registry._DUTIES, "test.a_fails", registry.Duty("test.a_fails", fails, lambda: 0.0)
    )
    monkeypatch.setitem(
        registry._DUTIES, "test.b_works", registry.Duty("test.b_works", works, lambda: 0.0)
    )
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert ran == [True]
    assert "the second duty ran" in out.getvalue()
