"""Alerts to auditors from sign-in (issue #9 §1 and §3): failed sign-ins across accounts, and an
account's first sign-in after an administrator granted it a role."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from dalil.access import services as access_services
from dalil.access.models import Role
from dalil.accounts import alerts
from dalil.accounts.models import User
from dalil.audit.alert_review import alert_acknowledge
from dalil.audit.models import Alert, Entry

from .helpers import ATTACKER, enrol_with_code, password_step, shown_code, sign_in_with_forms, web

pytestmark = pytest.mark.django_db

WRONG = "Wrong-password-123"


def raised(kind: str) -> list[Alert]:
    return list(Alert.objects.filter(kind=kind).order_by("id"))


def failure_seqs(**filters: Any) -> list[int]:
    return sorted(
        Entry.objects.filter(action="accounts.sign_in_failed", **filters).values_list(
            "seq", flat=True
        )
    )


# --- Failed sign-ins across accounts -----------------------------------------------------------------
def test_one_client_failing_on_many_accounts_raises_one_alert(make_user, clock, settings):
    settings.DALIL_SIGN_IN_ALERT_ACCOUNTS = 3
    auditor = make_user("auditor.moi", unit="MOI", role="auditor")
    make_user("karim")
    spray = web(ATTACKER)
    for name in ("karim", "nobody-1"):
        password_step(spray, name, WRONG)
    password_step(web("203.0.113.5"), "layla", WRONG)  # someone else's typo elsewhere
    assert not raised(alerts.FAILED_SIGN_INS)

    password_step(spray, "nobody-2", WRONG)

    [alert] = raised(alerts.FAILED_SIGN_INS)
    assert alert.facts == {
        "pattern": "one_client",
        "accounts": 3,
        "usernames": ["karim", "nobody-1", "nobody-2"],
        "failures": 3,
        "window_minutes": 15,
    }
    layla = Entry.objects.get(action="accounts.sign_in_failed", payload__contains="layla").seq
    assert alert.entries == [s for s in failure_seqs() if s != layla]
    entry = Entry.objects.get(action="audit.alert_raised")
    assert json.loads(entry.payload)["kind"] == alerts.FAILED_SIGN_INS
    assert ATTACKER not in entry.payload

    for name in ("nobody-3", "nobody-4"):  # more of the same: still the one open alert
        password_step(spray, name, WRONG)
    assert len(raised(alerts.FAILED_SIGN_INS)) == 1
    assert Entry.objects.filter(action="audit.alert_raised").count() == 1

    alert_acknowledge(actor=auditor, alert=alert, note="A scan from one desk; reported to IT.")
    password_step(spray, "nobody-5", WRONG)
    assert len(raised(alerts.FAILED_SIGN_INS)) == 2  # acknowledged: a new wave is a new alert


def test_failures_from_many_clients_across_accounts_raise_one_alert(make_user, clock, settings):
    settings.DALIL_SIGN_IN_ALERT_FAILURES = 4
    for i in range(3):
        password_step(web(f"198.51.100.{i + 1}"), f"user-{i}", WRONG)
    assert not raised(alerts.FAILED_SIGN_INS)

    password_step(web("198.51.100.99"), "user-3", WRONG)

    [alert] = raised(alerts.FAILED_SIGN_INS)
    assert alert.facts == {
        "pattern": "all_clients",
        "accounts": 4,
        "clients": 4,
        "failures": 4,
        "window_minutes": 15,
    }
    assert alert.entries == failure_seqs()


def test_failures_older_than_the_window_do_not_add_up_to_an_alert(make_user, clock, settings):
    settings.DALIL_SIGN_IN_ALERT_ACCOUNTS = 3
    settings.DALIL_SIGN_IN_ALERT_FAILURES = 3
    spray = web(ATTACKER)
    password_step(spray, "a", WRONG)
    password_step(spray, "b", WRONG)
    clock.shift(dt.timedelta(minutes=15, seconds=1))

    password_step(spray, "c", WRONG)

    assert not raised(alerts.FAILED_SIGN_INS)


# --- First sign-in after an administrator's grant ------------------------------------------------------
def grant(actor: Any, user: Any, role: str = "investigator", approver: Any = None) -> Entry:
    """An administrator asks for a role; a second person approves it (ADR 0014). Returns the
    request's ledger entry."""
    asked = access_services.assignment_grant(
        actor=actor, user=user, role=Role.objects.get(code=role), unit=user.unit
    )
    entry = Entry.objects.filter(action="access.assignment_requested").order_by("-seq").first()
    if approver is not None:
        access_services.grant_approve(actor=approver, grant=asked)
    return entry


def test_a_first_sign_in_after_an_administrators_grant_raises_an_alert_once(make_user, clock):
    admin = make_user("admin.moi", unit="MOI", role="system_admin")
    security = make_user("security.moi", unit="MOI", role="security_officer")
    user = make_user("karim")
    granted = grant(admin, user, approver=security)

    sign_in_with_forms(web(), user)

    [alert] = raised(alerts.FIRST_SIGN_IN)
    assert alert.facts == {
        "username": "karim",
        "granted_by": ["admin.moi"],
        "approved_by": ["security.moi"],
        "roles": ["investigator@BGD-KARADA"],
    }
    signed_in = Entry.objects.get(action="accounts.signed_in", actor_id=user.pk)
    approved = Entry.objects.get(action="access.grant_approved")
    assert alert.entries == [granted.seq, approved.seq, signed_in.seq]
    clock.shift(30)
    sign_in_with_forms(web(), user)  # the second sign-in is not a first
    assert len(raised(alerts.FIRST_SIGN_IN)) == 1
    assert Entry.objects.filter(action="audit.alert_raised").count() == 1


def test_no_alert_for_roles_the_operator_granted_or_grants_since_withdrawn(make_user, clock):
    admin = make_user("admin.moi", unit="MOI", role="system_admin")
    seeded = make_user("seeded", role="investigator")  # granted by the command line
    security = make_user("security.moi", unit="MOI", role="security_officer")
    withdrawn = make_user("withdrawn")
    grant(admin, withdrawn, approver=security)
    access_services.assignment_revoke(actor=admin, assignment=withdrawn.assignments.get())
    waiting = make_user("waiting")
    grant(admin, waiting)  # asked for, never approved: it opens nothing, so no alert

    sign_in_with_forms(web(), seeded)
    sign_in_with_forms(web(), withdrawn)
    sign_in_with_forms(web(), waiting)

    assert not raised(alerts.FIRST_SIGN_IN)


def test_an_account_an_administrator_created_and_granted_alerts_at_its_enrolment(
    make_user, client_for, clock
):
    admin = make_user("admin.moi", unit="MOI", role="system_admin")
    other_admin = make_user("admin.two", unit="MOI", role="system_admin")
    created = client_for(admin).post(
        "/admin/units/BGD-KARADA/new-user/",
        {"username": "x", "full_name": "مستخدم", "language": "ar"},
    )
    code = shown_code(created)
    x = User.objects.get(username="x")
    security = make_user("security.moi", unit="MOI", role="security_officer")
    grant(admin, x, approver=security)
    grant(other_admin, x, role="analyst", approver=security)

    enrol_with_code(web(), code, "Tigris-river-lantern-42")

    [alert] = raised(alerts.FIRST_SIGN_IN)
    assert alert.facts["granted_by"] == ["admin.moi", "admin.two"]
    assert alert.facts["roles"] == ["analyst@BGD-KARADA", "investigator@BGD-KARADA"]
