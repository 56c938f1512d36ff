"""R-01, R-04, R-13: every route is declared, answers every role as declared, refuses CSRF-less
POSTs, and each administrative write leaves exactly one ledger entry."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import reverse

import permission_matrix as pm
from dalil.audit.models import Entry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """These tests sign in with force_login; Argon2's deliberate slowness only costs time here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- The declaration covers the URLconf ----------------------------------------------------------
def test_every_url_pattern_has_a_name_and_a_matrix_declaration():
    patterns = list(pm.url_patterns())
    declared = pm.declaration()
    unnamed = [p for name, p in patterns if name is None]
    undeclared = sorted(f"{name} ({p})" for name, p in patterns if name and name not in declared)
    assert not unnamed, f"routes without a name cannot be declared: {unnamed}"
    assert not undeclared, (
        "routes missing from the permission matrix (add them to <app>/tests/matrix.py): "
        + ", ".join(undeclared)
    )
    stale = sorted(set(declared) - {name for name, _p in patterns})
    assert not stale, f"declared routes that do not exist: {stale}"
    assert len(declared) >= 30


def test_the_matrix_runs_as_every_seeded_role(tree):
    from dalil.access.models import Role

    roles = pm.role_codes()
    assert len(roles) == 16 and "legal_adviser" in roles  # the legal adviser: issue #10
    assert set(Role.objects.values_list("code", flat=True)) >= set(roles)
    for role in roles:
        assert pm.PLACEMENT.get(role, pm.HOME_UNIT) in tree
    assert pm.OTHER_UNIT in tree and not tree[pm.OTHER_UNIT].path.startswith(
        tree[pm.HOME_UNIT].path
    )


def test_a_declaration_naming_an_unknown_role_or_class_is_rejected():
    roles = set(pm.role_codes())
    with pytest.raises(ValueError, match="unknown roles"):
        pm._parse({"route": "x:y", "methods": ("GET",), "allowed": {"wizard"}}, "t", roles)
    with pytest.raises(ValueError, match="differ"):
        pm._parse(
            {
                "route": "x:y",
                "methods": ("GET",),
                "objects": {"own": lambda w, me: {}},
                "allowed": {"other": set()},
            },
            "t",
            roles,
        )
    with pytest.raises(ValueError, match="say which roles"):
        pm._parse({"route": "x:y", "methods": ("GET",)}, "t", roles)
    with pytest.raises(ValueError, match="unknown keys"):
        pm._parse(
            {"route": "x:y", "methods": ("GET",), "allowed": set(), "alowed": set()}, "t", roles
        )


# --- The matrix -----------------------------------------------------------------------------------
# One test per app's declaration, so that the workers share the matrix (it is most of the suite's time).
MODULES = sorted(m.__name__ for m in pm.matrix_modules())


def test_the_matrix_is_split_by_app_and_covers_every_route():
    assert len(MODULES) >= 14
    assert {r.module for r in pm.declaration().values()} == set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_every_route_answers_every_role_and_object_class_as_declared(module, tree, make_user):
    routes = {name: r for name, r in pm.declaration().items() if r.module == module}
    world = pm.build_world(tree, make_user)
    result = pm.run(world, routes)
    expected = sum(r.expected_requests(len(world.users)) for r in routes.values())
    print(f"\npermission matrix of {module}: {len(routes)} routes, {result.summary()}")
    assert routes and result.checked == expected
    assert result.unexpected_2xx == 0, result.summary()
    assert not result.failures, result.summary() + "\n" + "\n".join(result.failures[:60])
    assert result.refused + result.allowed > 0


def test_the_matrix_notices_a_wrong_declaration(tree, make_user):
    """Deny the administrator a page they can open, and give an investigator the auditor's ledger."""
    routes = pm.declaration()
    world = pm.build_world(tree, make_user)
    wrong = {
        "admin:unit_edit": dataclasses.replace(
            routes["admin:unit_edit"],
            methods=("GET",),
            allowed={"own": frozenset(), "other": frozenset()},
        ),
        "audit:ledger": dataclasses.replace(
            routes["audit:ledger"], allowed={"page": frozenset({"investigator"})}
        ),
    }
    caught = pm.run(world, wrong)
    # The administrator's edit page (own and other unit) and the auditor's ledger, now refused.
    assert caught.unexpected_2xx == 3
    assert any(
        "GET audit:ledger [page] as auditor" in f and "expected 404, got 200" in f
        for f in caught.failures
    )
    assert any(
        "GET admin:unit_edit [own] as system_admin" in f and "expected 404, got 200" in f
        for f in caught.failures
    )
    assert any(
        "GET audit:ledger [page] as investigator" in f and "expected 200/302, got 404" in f
        for f in caught.failures
    )


# --- CSRF on every state change --------------------------------------------------------------
def _csrf_actor(route: pm.Route, world: pm.World) -> Any:
    if route.public:
        return None
    for cls in route.objects:
        for role in sorted(route.allowed[cls]):
            return world.users[role]
    return world.users["investigator"]


def test_every_post_route_refuses_a_request_without_a_csrf_token(tree, make_user):
    routes = pm.declaration()
    world = pm.build_world(tree, make_user)
    posts = [r for r in routes.values() if "POST" in r.methods]
    assert len(posts) >= 20
    problems = []
    for route in posts:
        actor = _csrf_actor(route, world)
        builder = next(iter(route.objects.values()))
        url = reverse(route.name, kwargs=builder(world, actor or world.anonymous_stand_in))
        data = route.data(world, actor) if route.data else {}
        client = (
            pm.signed_in_client(actor, enforce_csrf_checks=True)
            if actor
            else Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)
        )
        before = Entry.objects.count()
        refused = client.post(url, data)
        if refused.status_code != 403 or Entry.objects.count() != before:
            problems.append(
                f"POST {route.name} without a token: {refused.status_code}, "
                f"{Entry.objects.count() - before} ledger entries"
            )
            continue
        # The same request with a token gets through the CSRF check (so the 403 above was CSRF's).
        token = _get_new_csrf_string()
        client.cookies["csrftoken"] = token
        accepted = client.post(url, data, HTTP_X_CSRFTOKEN=token)
        if accepted.status_code == 403:
            problems.append(f"POST {route.name} with a token is still refused with 403")
    assert not problems, "\n".join(problems)


# --- each allowed administrative write is exactly one ledger entry ----------------------------
def _admin_writes(tree: dict[str, Any], make_user: Any) -> dict[str, tuple[str, Any, str]]:
    from dalil.access import operator_command
    from dalil.access import services as access_services
    from dalil.access.models import Role
    from dalil.accounts.models import LoginFailure

    target = make_user("target.karada", unit="BGD-KARADA", role="investigator")
    LoginFailure.objects.create(username=target.username)
    with operator_command("test") as operator:
        held = access_services.assignment_grant(
            actor=operator,
            user=target,
            role=Role.objects.get(code="instructor"),
            unit=tree["BGD-KARADA"],
        )
    gov = tree["BGD-KARADA"].governorate_id
    return {
        "create unit": (
            "accounts.unit_created",
            reverse("admin:unit_create", args=["BGD-POL"]),
            {
                "code": "BGD-ADHAMIYA",
                "kind": "station",
                "name_ar": "مركز شرطة الأعظمية",
                "governorate": gov,
            },
        ),
        "edit unit": (
            "accounts.unit_changed",
            reverse("admin:unit_edit", args=["BGD-KARADA"]),
            {
                "kind": "station",
                "name_ar": "مركز شرطة الكرادة الشرقية",
                "name_en": "Unit BGD-KARADA",
                "governorate": gov,
                "is_active": "on",
            },
        ),
        "create user": (
            ("accounts.user_created", "accounts.enrolment_issued"),
            reverse("admin:user_create", args=["BGD-KARADA"]),
            {"username": "new.officer", "full_name": "ضابط جديد", "language": "ar"},
        ),
        "edit user": (
            "accounts.user_changed",
            reverse("admin:user_edit", args=[target.username]),
            {"full_name": "اسم جديد", "language": "en", "is_active": "on"},
        ),
        "unlock": (
            "accounts.user_unlocked",
            reverse("admin:user_unlock", args=[target.username]),
            {},
        ),
        "reset MFA": (
            ("accounts.mfa_reset", "accounts.enrolment_issued"),
            reverse("admin:user_mfa_reset", args=[target.username]),
            {},
        ),
        "reset password": (
            ("accounts.password_reset", "accounts.enrolment_issued"),
            reverse("admin:user_password_reset", args=[target.username]),
            {},
        ),
        # A role that opens content is asked for (ADR 0014); the approval is its own write.
        "grant role": (
            "access.assignment_requested",
            reverse("admin:user_assign", args=[target.username]),
            {
                "role": Role.objects.get(code="analyst").pk,
                "unit": tree["BGD-KARADA"].pk,
                "include_subtree": "on",
            },
        ),
        "revoke role": (
            "access.assignment_revoked",
            reverse("admin:assignment_revoke", args=[held.pk]),
            {},
        ),
        "create role": (
            "access.role_created",
            reverse("admin:role_create"),
            {
                "code": "records_clerk",
                "name_ar": "موظف السجلات",
                "permissions": ["accounts.unit.view"],
            },
        ),
        "edit role": (
            "access.role_changed",
            reverse("admin:role_edit", args=["instructor"]),
            {"name_ar": "مدرب", "permissions": ["accounts.unit.view", "accounts.user.view"]},
        ),
    }


ADMIN_WRITES = [
    "create unit",
    "edit unit",
    "create user",
    "edit user",
    "unlock",
    "reset MFA",
    "reset password",
    "grant role",
    "revoke role",
    "create role",
    "edit role",
]
# These answer with the page that shows the one-time enrolment code (never stored: no redirect),
# and write the enrolment's own entry after the action's.
SHOWS_A_CODE = {"create user", "reset MFA", "reset password"}


@pytest.mark.parametrize("write", ADMIN_WRITES)
def test_each_allowed_admin_write_puts_exactly_its_entries_on_the_ledger(write, tree, make_user):
    admin = make_user("admin.moi", unit="MOI", role="system_admin")
    action, url, data = _admin_writes(tree, make_user)[write]
    client = pm.signed_in_client(admin)
    since = Entry.objects.order_by("-seq").values_list("seq", flat=True).first()
    response = client.post(url, data)
    expected = 200 if write in SHOWS_A_CODE else 302
    assert response.status_code == expected, response.content.decode()[:2000]
    if expected == 200:
        assert response.context["issued"].code
    new = list(Entry.objects.filter(seq__gt=since))
    assert [e.action for e in new] == list(action if isinstance(action, tuple) else [action])
    assert {e.actor_id for e in new} == {admin.pk}


@pytest.mark.parametrize(
    "write", ["create unit", "edit user", "reset MFA", "grant role", "create role"]
)
def test_an_admin_write_refused_to_a_commander_changes_nothing_but_the_refusal_entry(
    write, tree, make_user
):
    commander = make_user("commander.karada", role="commander")
    _action, url, data = _admin_writes(tree, make_user)[write]
    client = pm.signed_in_client(commander)
    since = Entry.objects.order_by("-seq").values_list("seq", flat=True).first()
    response = client.post(url, data)
    assert response.status_code == 404
    assert list(Entry.objects.filter(seq__gt=since).values_list("action", flat=True)) == [
        "access.denied"
    ]
