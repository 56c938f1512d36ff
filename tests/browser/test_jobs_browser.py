"""Background jobs in a real browser: start the demo job on /jobs/ and watch the bar reach 100 %."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.utils import translation
from django.utils.translation import gettext

from dalil.accounts import auth
from dalil.audit.models import Entry
from dalil.jobs.models import Job
from dalil.jobs.testing import WorkerThread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Correct-horse-battery-9"  # what the root conftest's `make_user` sets


def _sign_in(page: Any, user: Any, live_server: Any) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/login/code/")
    page.fill("input[name=token]", auth.current_code(user))
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_user_starts_the_demo_job_and_watches_the_progress_bar_reach_100_percent(
    make_user: Any, new_page: Any, screenshots: Any, live_server: Any
):
    user = make_user("karim", full_name="كريم عبد الله")
    page = new_page()
    csp_violations: list[str] = []
    polls: list[int] = []
    page.on(
        "console",
        lambda msg: "Content Security Policy" in msg.text and csp_violations.append(msg.text),
    )
    page.on("response", lambda r: "/progress/" in r.url and polls.append(r.status))
    _sign_in(page, user, live_server)

    with WorkerThread():
        page.click("nav a[href='/jobs/']")  # the navigation entry every signed-in user has
        page.wait_for_url("**/jobs/")
        page.click("form[action='/jobs/start/']:has(input[value='jobs.demo']) button")
        page.wait_for_url("**/jobs/")
        bar = page.locator(".job-progress [role=progressbar]").first
        seen: set[int] = set()
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            value = int(bar.get_attribute("aria-valuenow") or 0)
            seen.add(value)
            if value == 100:
                break
            page.wait_for_timeout(150)
        # Let the last poll land (the finished fragment carries no polling attributes).
        page.wait_for_selector(".job-progress[data-status=succeeded]")

    job = Job.objects.get(owner=user)
    assert job.kind == "jobs.demo" and job.status == Job.Status.SUCCEEDED
    assert 100 in seen, seen
    assert any(0 < v < 100 for v in seen), f"the bar jumped straight to the end: {sorted(seen)}"
    assert polls and all(s == 200 for s in polls)
    assert page.locator(".job-progress[data-status=succeeded] [hx-trigger]").count() == 0
    assert page.locator(".job-progress").first.get_attribute("hx-trigger") is None
    with translation.override("ar"):
        assert gettext("Succeeded") in page.locator(".job-progress").first.inner_text()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert not csp_violations, csp_violations
    assert list(
        Entry.objects.filter(target_type="jobs.job", target_id=str(job.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    ) == ["jobs.job_started", "jobs.job_succeeded"]

    page.screenshot(path=str(screenshots / "jobs-ar.png"), full_page=True)
    assert (screenshots / "jobs-ar.png").stat().st_size > 10_000
