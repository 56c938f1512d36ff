"""Separation of duties on who may see what (issue #9 §1, ADR 0014).

The reproduction from the issue: an administrator makes a role that reads cases, entities and
files, gives it to a user of their choosing at the ministry with the units below, and reads every
case through that account. Each test below closes one step of that path.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from dalil.access import door, operator_command
from dalil.access import services as access_services
from dalil.access.models import Assignment, Role, RolePermission
from dalil.accounts import services as account_services
from dalil.audit.models import Alert, Entry
from dalil.audit.testing import entries_since, last_seq
from dalil.cases import services as case_services

CONTENT = ["cases.case.view", "parties.entity.view", "core.file.view"]


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    return {
        "admin": make_user("admin.moi", unit="MOI", role="system_admin"),
        "admin2": make_user("admin2.moi", unit="MOI", role="system_admin"),
        "security": make_user("security.moi", unit="MOI", role="security_officer"),
        "commander": make_user("commander.bgd", unit="BGD-POL", role="commander"),
        "commander.bsr": make_user("commander.bsr", unit="BSR-POL", role="commander"),
        "lead": make_user("lead.karada", role="investigator"),
        "x": make_user("x.moi", unit="MOI"),
    }


@pytest.fixture
def karada_case(people: dict[str, Any], tree: dict[str, Any]) -> Any:
    lead = people["lead"]
    return case_services.case_create(
        actor=lead, unit=tree["BGD-KARADA"], title="قتل عمد في الكرادة", lead=lead
    )


def _reader_role(client: Any) -> Role:
    response = client.post(
        reverse("admin:role_create"),
        {"code": "reader", "name_ar": "قارئ", "permissions": CONTENT},
    )
    assert response.status_code == 302, response.content[:500]
    return Role.objects.get(code="reader")


def test_the_issue_s_escalation_is_refused_at_the_grant_and_alerts_the_auditors(
    people, tree, client_for, karada_case
):
    admin, x = people["admin"], people["x"]
    admin_client = client_for(admin)
    role = _reader_role(admin_client)
    # The role exists, but its content permissions are requests: they open nothing yet.
    assert set(
        role.permissions.filter(approved_at__isnull=True).values_list("code", flat=True)
    ) == (set(CONTENT))
    seq = last_seq()
    response = admin_client.post(
        reverse("admin:user_assign", args=[x.username]),
        {"role": role.pk, "unit": tree["MOI"].pk, "include_subtree": "on"},
    )
    assert response.status_code == 302
    grant = Assignment.objects.get(user=x, role=role)
    assert grant.pending and grant.requested_by == admin
    # The account reads nothing: not the case page, not the case list.
    x_client = client_for(x)
    assert not door.has_permission(x, "cases.case.view")
    assert x_client.get(reverse("cases:detail", args=[karada_case.number])).status_code == 404
    # The ledger says what was asked, and the auditors have an alert that links to it.
    asked = [e for e in entries_since(seq) if e.action == "access.assignment_requested"]
    assert len(asked) == 1 and json.loads(asked[0].payload)["unit"] == "MOI"
    alert = Alert.objects.get(kind="access.wide_content_grant")
    assert alert.entries == [asked[0].seq]
    assert alert.facts == {
        "requested_by": "admin.moi",
        "user": "x.moi",
        "role": "reader",
        "unit": "MOI",
        "subtree": True,
    }
    assert Entry.objects.filter(action="audit.alert_raised", target_id=str(alert.pk)).count() == 1


def test_a_grant_opens_content_only_after_a_second_person_approves_it(
    people, tree, client_for, karada_case
):
    admin, x, security = people["admin"], people["x"], people["security"]
    role = _reader_role(client_for(admin))
    client_for(admin).post(
        reverse("admin:user_assign", args=[x.username]),
        {"role": role.pk, "unit": tree["MOI"].pk, "include_subtree": "on"},
    )
    grant = Assignment.objects.get(user=x, role=role)
    security_client = client_for(security)
    page = security_client.get(reverse("access:grant_requests"))
    assert page.status_code == 200
    assert reverse("access:assignment_approve", args=[grant.pk]) in page.content.decode()
    # The role's permissions, then the grant, approved by the security officer.
    for perm in role.permissions.all():
        ok = security_client.post(reverse("access:permission_approve", args=[perm.pk]))
        assert ok.status_code == 302
    ok = security_client.post(reverse("access:assignment_approve", args=[grant.pk]))
    assert ok.status_code == 302
    grant.refresh_from_db()
    assert grant.approved_by == security and grant.approved_at is not None
    approved = Entry.objects.filter(action="access.grant_approved").order_by("seq")
    assert approved.count() == 4
    payload = json.loads(approved.last().payload)
    assert payload["requested_by"] == "admin.moi" and payload["user"] == "x.moi"
    # From the next request on, the account reads the case.
    x_client = client_for(x)
    assert x_client.get(reverse("cases:detail", args=[karada_case.number])).status_code == 200


def test_nobody_approves_their_own_request_and_the_refusal_is_on_the_ledger(people, tree):
    admin, x = people["admin"], people["x"]
    role = Role.objects.get(code="investigator")
    grant = access_services.assignment_grant(
        actor=admin, user=x, role=role, unit=tree["BGD-KARADA"]
    )
    assert grant.pending
    # The admin has no approving right at all: the door refuses (404).
    with pytest.raises(door.Denied):
        access_services.grant_approve(actor=admin, grant=grant)
    seq = last_seq()
    security = people["security"]
    own = access_services.assignment_grant(
        actor=people["admin2"], user=security, role=role, unit=tree["BGD-KARADA"]
    )
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        access_services.grant_approve(actor=security, grant=own)
    assert refused.value.messages == ["This grant is for you: another person must approve it."]
    own.refresh_from_db()
    assert own.pending
    refusals = [e for e in entries_since(seq) if e.action == "access.escalation_refused"]
    assert len(refusals) == 1
    assert json.loads(refusals[0].payload) == {"rule": "approve_own_grant"}
    assert refusals[0].actor_id == security.pk


def test_the_requester_cannot_approve_even_when_they_hold_the_approving_right(people, tree):
    security = people["security"]
    # A security officer who also administers users asks for a grant: another must approve.
    with operator_command("test") as operator:
        access_services.assignment_grant(
            actor=operator,
            user=security,
            role=Role.objects.get(code="system_admin"),
            unit=tree["MOI"],
        )
    door.forget(security)
    grant = access_services.assignment_grant(
        actor=security,
        user=people["x"],
        role=Role.objects.get(code="investigator"),
        unit=tree["BGD-KARADA"],
    )
    seq = last_seq()
    with pytest.raises(ValidationError):
        access_services.grant_approve(actor=security, grant=grant)
    assert [e.action for e in entries_since(seq)] == ["access.escalation_refused"]
    # The commander of the unit is a second person and may.
    access_services.grant_approve(actor=people["commander"], grant=grant)
    grant.refresh_from_db()
    assert not grant.pending and grant.approved_by == people["commander"]


def test_a_commander_approves_only_at_his_own_units(people, tree, client_for):
    grant = access_services.assignment_grant(
        actor=people["admin"],
        user=people["x"],
        role=Role.objects.get(code="investigator"),
        unit=tree["BGD-KARADA"],
    )
    basra = client_for(people["commander.bsr"])
    # Not listed, and a direct POST answers exactly like a missing grant (404, ledgered).
    assert (
        reverse("access:assignment_approve", args=[grant.pk])
        not in basra.get(reverse("access:grant_requests")).content.decode()
    )
    seq = last_seq()
    assert basra.post(reverse("access:assignment_approve", args=[grant.pk])).status_code == 404
    assert [e.action for e in entries_since(seq)] == ["access.denied"]
    assert basra.post(reverse("access:assignment_approve", args=[999999])).status_code == 404
    grant.refresh_from_db()
    assert grant.pending
    # A commander cannot widen a ministry-wide role: that is approved at the top.
    perm_role = access_services.role_create(
        actor=people["admin"], code="extra", name_ar="إضافي", permissions={"cases.case.view"}
    )
    perm = perm_role.permissions.get()
    with pytest.raises(door.Denied):
        access_services.grant_approve(actor=people["commander"], grant=perm)
    access_services.grant_approve(actor=people["security"], grant=perm)
    perm.refresh_from_db()
    assert not perm.pending


def test_nobody_approves_widening_a_role_they_hold(people, tree):
    security_role = Role.objects.get(code="security_officer")
    access_services.role_update(
        actor=people["admin"],
        role=security_role,
        permissions={*security_role.permissions.values_list("code", flat=True), "cases.case.view"},
        name_ar=security_role.name_ar,
    )
    asked = security_role.permissions.get(code="cases.case.view")
    assert asked.pending
    seq = last_seq()
    with pytest.raises(ValidationError):
        access_services.grant_approve(actor=people["security"], grant=asked)
    assert [json.loads(e.payload)["rule"] for e in entries_since(seq)] == ["approve_own_role"]
    assert not door.has_permission(people["security"], "cases.case.view")


def test_widening_a_role_you_hold_is_refused_and_ledgered(people):
    admin_role = Role.objects.get(code="system_admin")
    seq = last_seq()
    with pytest.raises(ValidationError):
        access_services.role_update(
            actor=people["admin"],
            role=admin_role,
            permissions={
                *admin_role.permissions.values_list("code", flat=True),
                "audit.ledger.view",
            },
            name_ar=admin_role.name_ar,
        )
    entries = entries_since(seq)
    assert [e.action for e in entries] == ["access.escalation_refused"]
    assert json.loads(entries[0].payload) == {"rule": "widen_own_role"}
    assert not admin_role.permissions.filter(code="audit.ledger.view").exists()


def test_granting_yourself_is_refused_and_ledgered(people, tree):
    seq = last_seq()
    with pytest.raises(ValidationError):
        access_services.assignment_grant(
            actor=people["admin"],
            user=people["admin"],
            role=Role.objects.get(code="auditor"),
            unit=tree["MOI"],
        )
    assert [(e.action, e.actor_id) for e in entries_since(seq)] == [
        ("access.escalation_refused", people["admin"].pk)
    ]
    assert not Assignment.objects.filter(user=people["admin"], role__code="auditor").exists()


def test_administrative_roles_take_effect_at_once(people, tree):
    """Administering units and users opens no content, so it needs no second person."""
    admin_only = access_services.role_create(
        actor=people["admin"],
        code="unit_clerk",
        name_ar="كاتب الوحدات",
        permissions={"accounts.unit.view", "accounts.user.view"},
    )
    assert not admin_only.permissions.filter(approved_at__isnull=True).exists()
    a = access_services.assignment_grant(
        actor=people["admin"], user=people["x"], role=admin_only, unit=tree["BGD-KARADA"]
    )
    assert not a.pending
    assert door.has_permission(people["x"], "accounts.user.view")
    assert not Alert.objects.exists()


def test_a_request_can_be_refused_by_an_approver_or_withdrawn_by_its_requester(
    people, tree, client_for
):
    role = Role.objects.get(code="investigator")
    first = access_services.assignment_grant(
        actor=people["admin"], user=people["x"], role=role, unit=tree["BGD-KARADA"]
    )
    assert (
        client_for(people["commander"])
        .post(reverse("access:assignment_reject", args=[first.pk]))
        .status_code
        == 302
    )
    assert not Assignment.objects.filter(pk=first.pk).exists()
    second = access_services.assignment_grant(
        actor=people["admin"], user=people["x"], role=role, unit=tree["BGD-KARADA"]
    )
    assert (
        client_for(people["admin"])
        .post(reverse("access:assignment_reject", args=[second.pk]))
        .status_code
        == 302
    )
    assert not Assignment.objects.filter(pk=second.pk).exists()
    rejected = Entry.objects.filter(action="access.grant_rejected").order_by("seq")
    assert [e.actor_id for e in rejected] == [people["commander"].pk, people["admin"].pk]


def test_the_same_two_people_approving_quickly_again_and_again_alert_the_auditors(
    people, tree, settings
):
    settings.DALIL_QUICK_APPROVAL_COUNT = 2
    settings.DALIL_QUICK_APPROVAL_MINUTES = 10
    role = Role.objects.get(code="analyst")
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    targets = ["a1", "a2", "a3", "a4"]
    for i, name in enumerate(targets):
        with time_machine.travel(start + dt.timedelta(hours=i), tick=False):
            with operator_command("test") as operator:
                user = account_services.operator_user_create(
                    actor=operator,
                    unit=tree["BGD-KARADA"],
                    username=f"quick.{name}",
                    full_name=f"مستخدم {name}",
                    password="Correct-horse-battery-9",
                )
            grant = access_services.assignment_grant(
                actor=people["admin"], user=user, role=role, unit=tree["BGD-KARADA"]
            )
        with time_machine.travel(start + dt.timedelta(hours=i, minutes=2), tick=False):
            access_services.grant_approve(actor=people["commander"], grant=grant)
        raised = Alert.objects.filter(kind="access.quick_approvals")
        # Two quick approvals are tolerated; the third raises one alert, the fourth adds to it.
        assert raised.count() == (1 if i >= 2 else 0)
    alert = Alert.objects.get(kind="access.quick_approvals")
    assert alert.facts["requested_by"] == "admin.moi" and alert.facts["approved_by"] == (
        "commander.bgd"
    )
    approvals = list(
        Entry.objects.filter(action="access.grant_approved").values_list("seq", flat=True)
    )
    assert alert.entries == sorted(approvals)


def test_a_slow_approval_raises_no_alert(people, tree, settings):
    settings.DALIL_QUICK_APPROVAL_COUNT = 0
    role = Role.objects.get(code="analyst")
    start = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        grant = access_services.assignment_grant(
            actor=people["admin"], user=people["lead"], role=role, unit=tree["BGD-KARADA"]
        )
    with time_machine.travel(start + dt.timedelta(hours=2), tick=False):
        access_services.grant_approve(actor=people["commander"], grant=grant)
    assert not Alert.objects.filter(kind="access.quick_approvals").exists()


def test_a_waiting_grant_opens_nothing_through_any_path(people, tree):
    """`grants_of` counts approved rows only: waiting role permissions and assignments alike."""
    role = access_services.role_create(
        actor=people["admin"], code="half", name_ar="نصف", permissions={"accounts.unit.view"}
    )
    access_services.assignment_grant(
        actor=people["admin"], user=people["x"], role=role, unit=tree["MOI"]
    )
    access_services.role_update(
        actor=people["admin2"],
        role=role,
        permissions={"accounts.unit.view", "cases.case.view"},
        name_ar=role.name_ar,
    )
    door.forget(people["x"])
    grants = door.grants_of(people["x"])
    assert "accounts.unit.view" in grants.by_permission
    assert "cases.case.view" not in grants.by_permission
    assert RolePermission.objects.get(role=role, code="cases.case.view").pending


def test_every_permission_that_is_not_administrative_needs_a_second_person():
    """The administrative set is short and reviewed; every other permission, including those
    later modules register, opens content and waits for approval."""
    administrative = {c for c, p in door.PERMISSIONS.items() if p.administrative}
    assert administrative == {
        "accounts.unit.view",
        "accounts.unit.manage",
        "accounts.user.view",
        "accounts.user.manage",
        "access.role.view",
        "access.role.manage",
        "access.assignment.manage",
    }
    assert door.opens_content(door.PERMISSIONS) == set(door.PERMISSIONS) - administrative
    assert door.opens_content({"evidence.item.view"}) == {"evidence.item.view"}  # unknown: content


def test_the_grant_requests_page_is_refused_to_people_without_a_say(people, client_for):
    seq = last_seq()
    response = client_for(people["lead"]).get(reverse("access:grant_requests"))
    assert response.status_code == 404
    assert [e.action for e in entries_since(seq)] == ["access.denied"]


def test_the_badge_counts_what_waits_for_this_approver(people, tree):
    from dalil.access.selectors import waiting_for

    role = Role.objects.get(code="investigator")
    access_services.assignment_grant(
        actor=people["admin"], user=people["x"], role=role, unit=tree["BGD-KARADA"]
    )
    assert waiting_for(people["commander"]) == 1
    assert waiting_for(people["security"]) == 1
    assert waiting_for(people["commander.bsr"]) == 0
    assert waiting_for(people["admin"]) == 0


def _bearer(user: Any) -> dict[str, str]:
    from dalil.api import services as api_services

    user.is_verified = lambda: True
    _row, secret = api_services.token_create(actor=user, name="test")
    del user.is_verified
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_the_api_approves_and_refuses_like_the_page(people, tree, client):
    role = Role.objects.get(code="investigator")
    grant = access_services.assignment_grant(
        actor=people["admin"], user=people["x"], role=role, unit=tree["BGD-KARADA"]
    )
    commander = _bearer(people["commander"])
    listed = client.get("/api/v1/grant-requests/", **commander).json()["results"]
    assert [(g["id"], g["user"], g["requested_by"]) for g in listed] == [
        (grant.pk, "x.moi", "admin.moi")
    ]
    # Basra's commander: 404, exactly as for a missing grant.
    basra = _bearer(people["commander.bsr"])
    assert client.post(f"/api/v1/grant-requests/{grant.pk}/approve/", **basra).status_code == 404
    assert client.post("/api/v1/grant-requests/999999/approve/", **basra).status_code == 404
    # The requester holds no approving right: 404 too; the commander approves.
    admin = _bearer(people["admin"])
    assert client.post(f"/api/v1/grant-requests/{grant.pk}/approve/", **admin).status_code == 404
    ok = client.post(f"/api/v1/grant-requests/{grant.pk}/approve/", **commander)
    assert ok.status_code == 200 and ok.json()["approved"] is True
    again = client.post(f"/api/v1/grant-requests/{grant.pk}/approve/", **commander)
    assert again.status_code == 404  # no longer waiting


def test_the_api_refuses_a_grant_to_the_approver_with_a_problem_and_a_ledger_entry(
    people, tree, client
):
    grant = access_services.assignment_grant(
        actor=people["admin"],
        user=people["commander"],
        role=Role.objects.get(code="analyst"),
        unit=tree["BGD-KARADA"],
    )
    seq = last_seq()
    refused = client.post(
        f"/api/v1/grant-requests/{grant.pk}/approve/", **_bearer(people["commander"])
    )
    assert refused.status_code == 400
    assert refused["Content-Type"].startswith("application/problem+json")
    assert "escalation_refused" in [e.action.split(".")[1] for e in entries_since(seq)]
    grant.refresh_from_db()
    assert grant.pending
