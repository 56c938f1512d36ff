"""Separation of duties in the browser (issue #9 §1, ADR 0014): an administrator asks for a role
that opens cases, the new investigator still reads nothing, the ministry's security officer sees
the request under "Grant requests" (with its badge), confirms, and the investigator's next page
opens the case."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from dalil.access.models import Assignment
from dalil.cases import services as case_services

from .test_investigation_browser import _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_role_that_opens_cases_is_in_force_only_after_a_second_person_approves_it(
    tree: Any, make_user: Any, new_page: Any, live_server: Any
) -> None:
    admin = make_user("admin.moi", unit="MOI", role="system_admin", language="en")
    security = make_user("security.moi", unit="MOI", role="security_officer", language="en")
    lead = make_user("lead.karada", role="investigator")
    newcomer = make_user("newcomer.karada", language="en")
    case = case_services.case_create(
        actor=lead, unit=tree["BGD-KARADA"], title="سرقة مسلحة", lead=lead
    )
    case_url = f"/cases/{case.number}/"

    admin_page = new_page()
    _sign_in(admin_page, admin, live_server)
    admin_page.goto(f"/admin/users/{newcomer.username}/")
    admin_page.select_option("select[name=role]", label="Investigator")
    admin_page.select_option("select[name=unit]", value=str(tree["BGD-KARADA"].pk))
    admin_page.get_by_role("button", name="Grant role").click()
    expect(
        admin_page.get_by_text("It opens nothing until a second person approves it")
    ).to_be_visible()
    expect(admin_page.get_by_text("waits for approval")).to_be_visible()

    newcomer_page = new_page()
    _sign_in(newcomer_page, newcomer, live_server)
    assert newcomer_page.goto(case_url).status == 404

    security_page = new_page()
    _sign_in(security_page, security, live_server)
    group = security_page.locator("#nav-group-admin > button")
    expect(group.locator(".badge")).to_contain_text("1")  # the badge: one grant waits for her
    group.click()
    entry = security_page.locator("#nav-group-admin a[href='/access/grants/']")
    expect(entry.locator(".badge")).to_contain_text("1")
    entry.click()
    row = security_page.locator("tr", has_text=newcomer.username)
    expect(row).to_contain_text("admin.moi")
    row.get_by_role("button", name="Approve").click()
    dialog = security_page.locator("#confirm-dialog")
    expect(dialog).to_contain_text("Give the role")
    dialog.locator("#confirm-ok").click()
    expect(
        security_page.get_by_text("Approved. The grant is in force from now on.")
    ).to_be_visible()
    expect(security_page.get_by_text("No role waits for approval.")).to_be_visible()

    grant = Assignment.objects.get(user=newcomer, role__code="investigator")
    assert grant.approved_by == security and grant.requested_by == admin
    response = newcomer_page.goto(case_url)
    assert response.status == 200
    expect(newcomer_page.get_by_text("سرقة مسلحة").first).to_be_visible()
