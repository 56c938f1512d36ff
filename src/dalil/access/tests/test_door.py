"""The access door: scope / can / require / get_or_404 / explain, break-glass, and the pages on top.

Compartments: no model with a compartment exists yet (the internal-affairs app will bring one), and
a model defined only in tests would need a migration. `Clearance` already has a foreign key to
`Compartment`, so the compartment tests register a throwaway policy for it (with
`compartment_field="compartment"`) through `monkeypatch.setitem(door.POLICIES, …)`, which is undone
after the test. That exercises the real `Policy.q`, `scope()`, `can()` and `explain()` code paths.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import translation

from dalil import access
from dalil.access import door
from dalil.access import services as access_services
from dalil.access.models import Assignment, BreakGlass, Clearance, Compartment, Role
from dalil.accounts.models import Governorate, Unit, User
from dalil.audit.models import Alert, Entry
from dalil.audit.testing import actions_since, last_seq

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """These tests sign in with force_login; Argon2's deliberate slowness only costs time here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _fresh(user: User) -> User:
    """The user as the next request loads it (no cached grants)."""
    return User.objects.get(pk=user.pk)


# --- Deny by default ----------------------------------------------------------------------------
def test_a_model_without_a_policy_is_closed_even_to_the_system_administrator(make_user):
    admin = make_user("admin.moi", unit="MOI", role="system_admin")
    governorate = Governorate.objects.get(code="IQ-BG")
    assert Governorate not in door.POLICIES
    assert not access.scope(admin, "view", Governorate.objects.all()).exists()
    assert access.can(admin, "view", governorate) is False
    assert access.explain(admin, "view", governorate) == []
    with pytest.raises(Http404):
        access.get_or_404(admin, "view", Governorate, code="IQ-BG")
    with pytest.raises(access.Denied):
        access.require(admin, "view", governorate)


def test_an_action_no_policy_names_opens_nothing(make_user, tree):
    admin = make_user("admin.moi", unit="MOI", role="system_admin")
    assert access.can(admin, "view", tree["BGD-KARADA"]) is True
    assert access.can(admin, "delete", tree["BGD-KARADA"]) is False
    assert not access.scope(admin, "delete", Unit.objects.all()).exists()


def test_a_user_without_any_role_sees_only_their_own_record(make_user, tree):
    nobody = make_user("nobody.karada")
    colleague = make_user("colleague.karada")
    assert list(access.scope(nobody, "view", User.objects.all())) == [nobody]
    assert not access.scope(nobody, "view", Unit.objects.all()).exists()
    assert access.can(nobody, "view", colleague) is False


def test_inactive_and_locked_users_hold_nothing(make_user, tree):
    from django.utils import timezone

    reader = make_user("reader.karada", role="commander")
    target = make_user("target.karada")
    assert access.can(_fresh(reader), "view", target)
    User.objects.filter(pk=reader.pk).update(locked_at=timezone.now())
    assert access.can(_fresh(reader), "view", target) is False
    User.objects.filter(pk=reader.pk).update(locked_at=None, is_active=False)
    assert access.can(_fresh(reader), "view", target) is False


# --- Units and subtrees -------------------------------------------------------------------------
def test_a_grant_over_the_subtree_opens_the_units_below_it(make_user, tree):
    commander = make_user("commander.bgd", unit="BGD-POL", role="commander")
    in_karada = make_user("officer.karada")
    in_mansour = make_user("officer.mansour", unit="BGD-MANSOUR")
    in_basra = make_user("officer.basra", unit="BSR-ASHAR")
    seen = set(access.scope(commander, "view", User.objects.all()))
    assert {in_karada, in_mansour, commander} <= seen
    assert in_basra not in seen
    units = set(access.scope(commander, "view", Unit.objects.all()).values_list("code", flat=True))
    assert units == {"BGD-POL", "BGD-KARADA", "BGD-MANSOUR"}


def test_a_grant_without_the_subtree_opens_only_its_own_unit(make_user, tree):
    commander = make_user("commander.bgd", unit="BGD-POL", role="commander", subtree=False)
    at_command = make_user("clerk.bgd", unit="BGD-POL")
    in_karada = make_user("officer.karada")
    assert access.can(commander, "view", at_command) is True
    assert access.can(commander, "view", in_karada) is False
    assert set(
        access.scope(commander, "view", Unit.objects.all()).values_list("code", flat=True)
    ) == {"BGD-POL"}


def test_a_karada_reader_sees_karada_users_but_not_mansour_users(make_user, tree, client_for):
    reader = make_user("commander.karada", role="commander")
    in_karada = make_user("officer.karada", full_name="ضابط الكرادة")
    in_mansour = make_user("officer.mansour", unit="BGD-MANSOUR", full_name="ضابط المنصور")
    assert access.can(reader, "view", in_karada) is True
    assert access.can(reader, "view", in_mansour) is False
    assert access.get_or_404(reader, "view", User, username="officer.karada") == in_karada
    with pytest.raises(access.Denied):
        access.get_or_404(reader, "view", User, username="officer.mansour")
    client = client_for(reader)
    listing = client.get(reverse("admin:user_list")).content.decode()
    assert "officer.karada" in listing and "officer.mansour" not in listing
    searched = client.get(reverse("admin:user_list"), {"q": "officer"}).content.decode()
    assert "officer.karada" in searched and "officer.mansour" not in searched
    assert client.get(reverse("admin:user_detail", args=["officer.karada"])).status_code == 200
    assert client.get(reverse("admin:user_detail", args=["officer.mansour"])).status_code == 404


def test_a_missing_record_and_a_forbidden_one_answer_the_same_404(make_user, tree, client_for):
    reader = make_user("commander.karada", role="commander")
    make_user("officer.mansour", unit="BGD-MANSOUR")
    client = client_for(reader)
    forbidden = client.get(reverse("admin:user_detail", args=["officer.mansour"]))
    missing = client.get(reverse("admin:user_detail", args=["nobody.at.all"]))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content
    with pytest.raises(Http404) as raised:
        access.get_or_404(reader, "view", User, username="nobody.at.all")
    assert not isinstance(raised.value, access.Denied)


# --- Compartments ---------------------------------------------------------------------------------
@pytest.fixture
def compartment_policy(monkeypatch):
    """Clearance rows as compartmented records, readable by who may see the user's unit."""
    policy = door.Policy(
        Clearance,
        {"view": [door.UnitGrant("accounts.user.view", "user__unit__path")]},
        compartment_field="compartment",
    )
    monkeypatch.setitem(door.POLICIES, Clearance, policy)
    return policy


def test_a_compartmented_record_needs_the_clearance_as_well_as_the_unit(
    make_user, tree, compartment_policy, operator
):
    actor = operator
    ia = Compartment.objects.get(code="internal_affairs")
    informants = Compartment.objects.get(code="informants")
    subject = make_user("officer.karada")
    ia_record = access_services.clearance_grant(actor=actor, user=subject, compartment=ia)
    informant_record = access_services.clearance_grant(
        actor=actor, user=subject, compartment=informants
    )

    reader = make_user("commander.karada", role="commander")
    # The unit grant alone opens nothing.
    assert not access.scope(reader, "view", Clearance.objects.all()).exists()
    assert access.can(reader, "view", ia_record) is False
    assert access.explain(reader, "view", ia_record) == []

    access_services.clearance_grant(actor=actor, user=reader, compartment=ia)
    access.forget(reader)
    seen = set(access.scope(reader, "view", Clearance.objects.filter(user=subject)))
    assert seen == {ia_record}
    assert access.can(reader, "view", informant_record) is False
    reasons = access.explain(reader, "view", ia_record)
    assert any(str(ia) in r for r in reasons) and any("commander" in r for r in reasons)


def test_a_clearance_without_a_unit_grant_opens_nothing(
    make_user, tree, compartment_policy, operator
):
    ia = Compartment.objects.get(code="internal_affairs")
    subject = make_user("officer.mansour", unit="BGD-MANSOUR")
    record = access_services.clearance_grant(actor=operator, user=subject, compartment=ia)
    cleared = make_user("ia.karada", role="ia_commander")
    access_services.clearance_grant(actor=operator, user=cleared, compartment=ia)
    access.forget(cleared)
    assert access.can(cleared, "view", record) is False


# --- Administrators administer; they do not read the ledger ----------------------------------------
def test_the_system_administrator_sees_users_and_units_but_the_ledger_answers_404(
    make_user, tree, client_for
):
    admin = make_user("admin.moi", unit="MOI", role="system_admin")
    make_user("officer.basra", unit="BSR-ASHAR")
    client = client_for(admin)
    assert client.get(reverse("admin:user_detail", args=["officer.basra"])).status_code == 200
    assert client.get(reverse("admin:unit_detail", args=["BSR-ASHAR"])).status_code == 200
    assert access.has_permission(admin, "audit.ledger.view") is False
    since = last_seq()
    for name in ("audit:ledger", "audit:export"):
        assert client.get(reverse(name)).status_code == 404
    assert client.post(reverse("audit:verify")).status_code == 404
    assert actions_since(since) == ["access.denied"] * 3


# --- Break-glass -------------------------------------------------------------------------------------
REASON = "Kidnapping in progress; need the officer's unit details now"


@pytest.fixture
def glass(make_user, tree, client_for):
    commander = make_user("commander.karada", role="commander")
    target = make_user("officer.mansour", unit="BGD-MANSOUR")
    return commander, target, client_for(commander)


def _open(client, target, reason=REASON, minutes=240):
    return client.post(
        reverse("access:break_glass"),
        {
            "target_type": "accounts.user",
            "target_id": str(target.pk),
            "reason": reason,
            "minutes": minutes,
        },
    )


def test_break_glass_opens_a_record_outside_the_unit_until_it_expires(glass, client_for):
    commander, target, client = glass
    assert access.can(commander, "view", target) is False
    since = last_seq()
    response = _open(client, target, minutes=240)
    assert response.status_code == 302 and response["Location"] == reverse(
        "access:break_glass_list"
    )
    grant = BreakGlass.objects.get()
    assert (grant.user, grant.target_type, grant.target_id) == (
        commander,
        "accounts.user",
        str(target.pk),
    )
    assert grant.expires_at - grant.started_at == dt.timedelta(minutes=240)
    entries = list(Entry.objects.filter(seq__gt=since))
    assert [e.action for e in entries] == ["access.break_glass_opened", "audit.alert_raised"]
    assert entries[0].actor_id == commander.pk and entries[0].target_id == str(target.pk)
    assert '"minutes":240' in entries[0].payload and "Kidnapping" in entries[0].payload
    # Every break-glass opening is an alert to auditors, naming the record by type and id only.
    alert = Alert.objects.get(kind="access.break_glass")
    assert alert.entries == [entries[0].seq]
    assert alert.facts == {
        "user": commander.username,
        "record": f"accounts.user #{target.pk}",
        "minutes": 240,
    }

    assert access.can(_fresh(commander), "view", target) is True
    assert client.get(reverse("admin:user_detail", args=[target.username])).status_code == 200
    # Break-glass opens reading only.
    assert access.can(_fresh(commander), "manage", target) is False

    with time_machine.travel(grant.expires_at - dt.timedelta(seconds=1), tick=False):
        assert access.can(_fresh(commander), "view", target) is True
    with time_machine.travel(grant.expires_at + dt.timedelta(seconds=1), tick=False):
        assert access.can(_fresh(commander), "view", target) is False
        later = client_for(commander)  # the old session has idled out by now
        assert later.get(reverse("admin:user_detail", args=[target.username])).status_code == 404


@pytest.mark.parametrize(
    ("reason", "minutes", "field"),
    [
        ("urgent", 60, "reason"),
        ("   too short   ", 60, "reason"),
        (REASON, 241, "minutes"),
        (REASON, 0, "minutes"),
    ],
)
def test_break_glass_with_a_short_reason_or_too_long_a_duration_is_refused_and_writes_nothing(
    glass, reason, minutes, field
):
    commander, target, client = glass
    since = last_seq()
    response = _open(client, target, reason=reason, minutes=minutes)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert str(errors[field][0]) in response.content.decode().replace("&#x27;", "'")
    assert not BreakGlass.objects.exists()
    assert last_seq() == since
    assert access.can(_fresh(commander), "view", target) is False


def test_the_break_glass_service_itself_refuses_short_reasons_and_long_durations(glass):
    commander, target, _client = glass
    since = last_seq()
    with translation.override("en"), pytest.raises(ValidationError, match="10 characters"):
        access.break_glass_open(actor=commander, obj=target, reason="  short    ", minutes=30)
    with (
        translation.override("en"),
        pytest.raises(ValidationError, match="between 1 and 240 minutes"),
    ):
        access.break_glass_open(actor=commander, obj=target, reason=REASON, minutes=241)
    with pytest.raises(ValidationError):
        access.break_glass_open(
            actor=commander, obj=Role.objects.get(code="auditor"), reason=REASON, minutes=30
        )
    assert not BreakGlass.objects.exists() and last_seq() == since


def test_break_glass_is_listed_for_the_auditor_and_the_holder_but_not_for_others(
    glass, make_user, client_for
):
    commander, target, client = glass
    assert _open(client, target).status_code == 302
    auditor = make_user("auditor.moi", unit="MOI", role="auditor")
    other = make_user("investigator.karada", role="investigator")
    for user, visible in [(auditor, True), (commander, True), (other, False)]:
        page = client_for(user).get(reverse("access:break_glass_list"))
        assert page.status_code == 200
        assert ("Kidnapping in progress" in page.content.decode()) is visible, user.username


def test_a_user_without_the_break_glass_right_gets_404_and_a_ledger_entry(
    make_user, tree, client_for
):
    investigator = make_user("investigator.karada", role="investigator")
    target = make_user("officer.mansour", unit="BGD-MANSOUR")
    client = client_for(investigator)
    since = last_seq()
    assert client.get(reverse("access:break_glass")).status_code == 404
    assert _open(client, target).status_code == 404
    assert actions_since(since) == ["access.denied", "access.denied"]
    assert not BreakGlass.objects.exists()
    with pytest.raises(access.Denied):
        access.break_glass_open(actor=investigator, obj=target, reason=REASON, minutes=30)


# --- explain() and the auditor's page ----------------------------------------------------------------
def test_explain_names_the_role_and_the_unit_of_the_grant(make_user, tree):
    commander = make_user("commander.bgd", unit="BGD-POL", role="commander")
    target = make_user("officer.karada")
    outsider = make_user("officer.basra", unit="BSR-ASHAR")
    reasons = access.explain(commander, "view", target)
    assert len(reasons) == 1
    assert "commander" in reasons[0] and tree["BGD-POL"].name_ar in reasons[0]
    assert "accounts.user.view" in reasons[0]
    assert access.explain(commander, "view", outsider) == []
    assert access.explain(commander, "manage", target) == []


def test_explain_names_self_membership_and_break_glass(glass):
    commander, target, client = glass
    assert access.explain(commander, "view", commander)  # their own record, as "the user"
    assert access.explain(commander, "view", target) == []
    assert _open(client, target).status_code == 302
    reasons = access.explain(_fresh(commander), "view", target)
    assert len(reasons) == 1 and "Kidnapping" in reasons[0]


def test_the_explain_page_answers_the_auditor_and_is_on_the_ledger(make_user, tree, client_for):
    auditor = make_user("auditor.moi", unit="MOI", role="auditor")
    commander = make_user("commander.karada", role="commander")
    inside = make_user("officer.karada")
    outside = make_user("officer.mansour", unit="BGD-MANSOUR")
    client = client_for(auditor)
    assert client.get(reverse("access:explain")).status_code == 200
    for target, allowed in [(inside, True), (outside, False)]:
        since = last_seq()
        response = client.post(
            reverse("access:explain"),
            {
                "target_type": "accounts.user",
                "target_id": str(target.pk),
                "username": "Commander.Karada",
                "action": "view",
            },
        )
        assert response.status_code == 200
        result = response.context["result"]
        assert result["subject"] == commander and bool(result["reasons"]) is allowed
        entries = list(Entry.objects.filter(seq__gt=since))
        assert [e.action for e in entries] == ["access.explained"]
        assert entries[0].actor_id == auditor.pk and entries[0].target_id == str(target.pk)
        assert f'"allowed":{"true" if allowed else "false"}' in entries[0].payload
        if allowed:
            assert tree["BGD-KARADA"].name_ar in response.content.decode()


def test_the_explain_page_is_404_for_a_commander(make_user, tree, client_for):
    commander = make_user("commander.karada", role="commander")
    client = client_for(commander)
    assert client.get(reverse("access:explain")).status_code == 404


# --- a withdrawn role stops working at the next request --------------------------------------
def test_a_revoked_role_is_refused_at_the_very_next_request(make_user, tree, client_for):
    admin = make_user("admin.moi", unit="MOI", role="system_admin")
    commander = make_user("commander.karada", role="commander")
    target = make_user("officer.karada")
    commander_client = client_for(commander)
    url = reverse("admin:user_detail", args=[target.username])
    assert commander_client.get(url).status_code == 200

    assignment = Assignment.objects.get(user=commander, role__code="commander")
    revoked = client_for(admin).post(reverse("admin:assignment_revoke", args=[assignment.pk]))
    assert revoked.status_code == 302
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    assert commander_client.get(url).status_code == 404
    assert (
        commander_client.get(reverse("admin:unit_detail", args=["BGD-KARADA"])).status_code == 404
    )


def test_a_granted_role_works_at_the_very_next_request(make_user, tree, client_for):
    admin = make_user("admin.moi", unit="MOI", role="system_admin")
    officer = make_user("officer.karada")
    officer_client = client_for(officer)
    assert officer_client.get(reverse("audit:ledger")).status_code == 404
    granted = client_for(admin).post(
        reverse("admin:user_assign", args=[officer.username]),
        {
            "role": Role.objects.get(code="auditor").pk,
            "unit": tree["BGD-KARADA"].pk,
        },
    )
    assert granted.status_code == 302
    # The auditor's role opens content: it waits for a second person (ADR 0014) ...
    assert officer_client.get(reverse("audit:ledger")).status_code == 404
    security = make_user("security.moi", unit="MOI", role="security_officer")
    assignment = Assignment.objects.get(user=officer, role__code="auditor")
    approved = client_for(security).post(reverse("access:assignment_approve", args=[assignment.pk]))
    assert approved.status_code == 302
    # ... and works at the very next request once approved.
    assert officer_client.get(reverse("audit:ledger")).status_code == 200


# --- DeniedMiddleware ------------------------------------------------------------------------------
def test_a_refused_object_access_writes_exactly_one_access_denied_entry(
    make_user, tree, client_for
):
    reader = make_user("commander.karada", role="commander")
    target = make_user("officer.mansour", unit="BGD-MANSOUR")
    client = client_for(reader)
    since = last_seq()
    assert client.get(reverse("admin:user_detail", args=[target.username])).status_code == 404
    entries = list(Entry.objects.filter(seq__gt=since))
    assert [e.action for e in entries] == ["access.denied"]
    denied = entries[0]
    assert denied.actor_id == reader.pk
    assert (denied.target_type, denied.target_id) == ("accounts.user", str(target.pk))
    assert '"action":"view"' in denied.payload and target.username in denied.payload

    since = last_seq()
    assert client.get(reverse("admin:user_detail", args=["no.such.user"])).status_code == 404
    assert actions_since(since) == []  # a missing record is not a refusal


# --- Issue #9 §2: break-glass and "why" never tell a hidden record from a missing one --------------
@pytest.fixture
def secret_case(make_user, tree):
    """A case of BGD-MANSOUR in the internal-affairs compartment, and a plain one beside it."""
    from dalil.cases import services as cases

    ia = Compartment.objects.get(code="internal_affairs")
    lead = make_user("lead.mansour", unit="BGD-MANSOUR", role="investigator")
    Clearance.objects.create(user=lead, compartment=ia)
    secret = cases.case_create(
        actor=lead, unit=tree["BGD-MANSOUR"], title="رشوة ضابط", lead=lead, compartment=ia
    )
    plain = cases.case_create(actor=lead, unit=tree["BGD-MANSOUR"], title="سرقة محل", lead=lead)
    return secret, plain


def _glass(client, target_type, target_id):
    return client.post(
        reverse("access:break_glass"),
        {"target_type": target_type, "target_id": target_id, "reason": REASON, "minutes": 30},
    )


def test_break_glass_on_a_compartmented_case_is_refused_like_a_missing_one(glass, secret_case):
    commander, _target, client = glass
    secret, _plain = secret_case
    since = last_seq()
    hidden = _glass(client, "cases.case", str(secret.pk))
    missing = _glass(client, "cases.case", "987654")
    assert hidden.status_code == missing.status_code == 200
    assert hidden.context["form"].errors == missing.context["form"].errors
    assert (
        secret.title not in hidden.content.decode() and secret.number not in hidden.content.decode()
    )
    assert not BreakGlass.objects.exists()
    # The refusal of the existing record is on the ledger (hidden from uncleared readers).
    [denied] = Entry.objects.filter(seq__gt=since)
    assert (denied.action, denied.target_id) == ("access.denied", str(secret.pk))
    assert '"action":"break_glass"' in denied.payload
    # The service itself: a missing record, a hidden one and a kind break-glass never opens are
    # refused in the very same words.
    words = set()
    for obj in (None, secret, Role.objects.get(code="auditor")):
        with pytest.raises(ValidationError) as refused:
            access.break_glass_open(actor=commander, obj=obj, reason=REASON, minutes=30)
        words.add(tuple(refused.value.messages))
    assert len(words) == 1


def test_break_glass_offers_only_the_kinds_it_opens(glass):
    _commander, _target, client = glass
    form = client.get(reverse("access:break_glass")).context["form"]
    offered = {code for code, _label in form.fields["target_type"].choices}
    assert offered == {m._meta.label_lower for m in door.break_glass_types()}
    assert "detention.integrityreferral" not in offered and "cases.case" in offered


def test_a_break_glass_grant_keeps_no_label_and_the_list_names_it_only_to_who_may_see_it(
    glass, secret_case, make_user, client_for
):
    commander, _target, client = glass
    _secret, plain = secret_case
    assert _glass(client, "cases.case", str(plain.pk)).status_code == 302
    grant = BreakGlass.objects.get()
    assert grant.target_label == ""
    auditor = make_user("auditor.moi", unit="MOI", role="auditor")
    for user, named in [(commander, True), (auditor, False)]:
        body = client_for(user).get(reverse("access:break_glass_list")).content.decode()
        assert f"cases.case #{plain.pk}" in body and "Kidnapping" in body
        assert (plain.title in body) is named and (plain.number in body) is named, user.username
    with time_machine.travel(grant.expires_at + dt.timedelta(minutes=1), tick=False):
        body = client_for(commander).get(reverse("access:break_glass_list")).content.decode()
        assert plain.title not in body  # expired: the holder no longer sees the case either


def _why(client, target_type, target_id, username="lead.mansour"):
    return client.post(
        reverse("access:explain"),
        {
            "target_type": target_type,
            "target_id": target_id,
            "username": username,
            "action": "view",
        },
    )


def test_explain_answers_a_hidden_record_exactly_as_a_missing_one(
    make_user, secret_case, client_for
):
    secret, _plain = secret_case
    auditor = make_user("auditor.moi", unit="MOI", role="auditor")
    client = client_for(auditor)
    since = last_seq()
    hidden = _why(client, "cases.case", str(secret.pk))
    missing = _why(client, "cases.case", "987654")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert secret.title not in hidden.content.decode()
    # Refused (an existing record) as the door refuses, never "explained".
    assert actions_since(since) == ["access.denied"]


def test_explain_names_a_record_only_to_an_auditor_who_may_see_it(
    make_user, secret_case, client_for
):
    _secret, plain = secret_case
    auditor = make_user("auditor.moi", unit="MOI", role="auditor")
    response = _why(client_for(auditor), "cases.case", str(plain.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert f"cases.case #{plain.pk}" in body and response.context["result"]["reasons"]
    assert plain.title not in body and plain.number not in body
    # Cleared for the compartment, the auditor is explained the secret case, still without its
    # title (auditors do not read cases).
    secret, _plain = secret_case
    Clearance.objects.create(
        user=auditor, compartment=Compartment.objects.get(code="internal_affairs")
    )
    response = _why(client_for(_fresh(auditor)), "cases.case", str(secret.pk))
    assert response.status_code == 200 and secret.title not in response.content.decode()
