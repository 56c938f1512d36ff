"""The administration screens with bad input: a clear message in the user's language, nothing written.

Expected messages are looked up through gettext in the language the page is rendered in, so the
tests hold whether or not a translation exists yet, and prove the message reaches the page.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from dalil.access.models import Assignment, Role
from dalil.accounts.models import Unit, User
from dalil.audit.models import Entry

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
BIDI_MESSAGE = "This contains invisible direction-control characters, which are not allowed."
IDENTIFIER_MESSAGE = (
    "Use Latin letters, digits, dot, dash or underscore only, starting with a letter or digit."
)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """These tests sign in with force_login; Argon2's deliberate slowness only costs time here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin(make_user):
    return make_user("admin.moi", unit="MOI", role="system_admin")


@pytest.fixture
def admin_client(admin, client_for):
    return client_for(admin)


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Unit.objects.count(),
        User.objects.count(),
        Role.objects.count(),
        Assignment.objects.count(),
        Entry.objects.count(),
    )


def _says(response: Any, message: str, lang: str = "ar") -> None:
    """The page shows `message` as translated into `lang`."""
    with translation.override(lang):
        expected = escape(gettext(message))
    assert expected in response.content.decode(), f"{message!r} ({lang}) not on the page"


def _refused(
    client: Any, url: str, data: dict[str, Any], field: str | None, ledgered: str = ""
) -> Any:
    """The form is refused and nothing is written, except the refusal's own ledger entry
    (`ledgered`) when the refusal is an attempt to widen one's own rights."""
    before = _counts()
    last = Entry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = client.post(url, data)
    assert response.status_code == 200, response.get("Location")
    form = response.context["form"]
    assert form.errors, "the form should have been refused"
    if field is not None:
        assert field in form.errors, form.errors
    assert 'id="error-summary"' in response.content.decode()
    assert _counts()[:4] == before[:4], "a refused form must write nothing"
    new = list(Entry.objects.filter(seq__gt=last).values_list("action", flat=True))
    assert new == ([ledgered] if ledgered else []), new
    return response


def _unit_data(**over: Any) -> dict[str, Any]:
    return {
        "code": "BGD-ADHAMIYA",
        "kind": "station",
        "name_ar": "مركز شرطة الأعظمية",
        "name_en": "Adhamiya station",
        **over,
    }


def _user_data(**over: Any) -> dict[str, Any]:
    return {
        "username": "new.officer",
        "full_name": "ضابط جديد",
        "language": "ar",
        **over,
    }


NEW_UNIT = reverse("admin:unit_create", args=["BGD-POL"])
NEW_USER = reverse("admin:user_create", args=["BGD-KARADA"])


# --- Units -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("code", ["BGD-KARADA", "bgd-karada", " BGD-KARADA "])
def test_a_duplicate_unit_code_is_refused_with_a_message(admin_client, tree, code):
    response = _refused(admin_client, NEW_UNIT, _unit_data(code=code), "code")
    _says(response, "A unit with this code already exists.")


@pytest.mark.parametrize("field", ["name_ar", "name_en", "name_ckb"])
def test_a_bidi_control_character_in_a_unit_name_is_refused(admin_client, tree, field):
    response = _refused(admin_client, NEW_UNIT, _unit_data(**{field: f"مركز{RLO}شرطة"}), field)
    _says(response, BIDI_MESSAGE)


def test_a_bidi_control_character_is_refused_when_a_unit_is_changed(admin_client, tree):
    url = reverse("admin:unit_edit", args=["BGD-KARADA"])
    response = _refused(
        admin_client,
        url,
        {"kind": "station", "name_ar": f"الكرادة{RLO}", "is_active": "on"},
        "name_ar",
    )
    _says(response, BIDI_MESSAGE)
    assert Unit.objects.get(code="BGD-KARADA").name_ar == tree["BGD-KARADA"].name_ar


@pytest.mark.parametrize("code", ["BGD KARADA2", "مركز-الكرادة", "-BGD", f"BGD{RLO}X", "BGD/../X"])
def test_a_unit_code_with_spaces_arabic_letters_or_controls_is_refused(admin_client, tree, code):
    response = _refused(admin_client, NEW_UNIT, _unit_data(code=code), "code")
    message = BIDI_MESSAGE if RLO in code else IDENTIFIER_MESSAGE
    _says(response, message)


def test_a_valid_unit_is_created_under_its_parent(admin_client, tree):
    response = admin_client.post(NEW_UNIT, _unit_data(code="BGD-ADHAMIYA-٢"))
    assert response.status_code == 302
    unit = Unit.objects.get(code="BGD-ADHAMIYA-2")  # Arabic-Indic digits become ASCII
    assert unit.parent == tree["BGD-POL"] and unit.path == "/MOI/BGD-POL/BGD-ADHAMIYA-2/"
    assert unit.governorate == tree["BGD-POL"].governorate  # no governorate given: the parent's


# --- Users -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "username", ["new officer", "ضابط", "new.officer\u202e", "officer@karada", ".hidden"]
)
def test_a_user_name_with_spaces_arabic_letters_or_controls_is_refused(
    admin_client, tree, username
):
    response = _refused(admin_client, NEW_USER, _user_data(username=username), "username")
    _says(response, BIDI_MESSAGE if RLO in username else IDENTIFIER_MESSAGE)


@pytest.mark.parametrize("field", ["full_name", "full_name_latin"])
def test_a_bidi_control_character_in_a_person_name_is_refused(admin_client, tree, field):
    response = _refused(admin_client, NEW_USER, _user_data(**{field: f"Ali{RLO}gnp.exe"}), field)
    _says(response, BIDI_MESSAGE)


def test_a_taken_user_name_is_refused_whatever_its_case(admin_client, tree, make_user):
    make_user("officer.karada")
    response = _refused(admin_client, NEW_USER, _user_data(username="Officer.Karada"), "username")
    _says(response, "This user name is taken.")


def test_the_new_user_form_asks_for_no_password(admin_client, tree):
    """The first password is the user's own, set with their enrolment code (issue #9 §1)."""
    form = admin_client.get(NEW_USER).context["form"]
    assert "password" not in form.fields
    assert 'type="password"' not in admin_client.get(NEW_USER).content.decode()


def test_arabic_indic_digits_in_a_badge_number_are_stored_as_ascii(admin_client, tree):
    response = admin_client.post(NEW_USER, _user_data(badge_number="BG-٣٣٢١", username="officer٧"))
    assert response.status_code == 200  # the page with the one-time enrolment code
    user = User.objects.get(username="officer7")
    assert user.badge_number == "BG-3321"
    assert response.context["issued"].user == user
    created, issued = Entry.objects.order_by("-seq")[:2][::-1]
    assert created.action == "accounts.user_created" and created.target_id == str(user.pk)
    assert issued.action == "accounts.enrolment_issued" and issued.target_id == str(user.pk)


def test_persian_digits_in_a_badge_number_are_normalised_when_a_user_is_changed(
    admin_client, tree, make_user
):
    target = make_user("officer.karada")
    url = reverse("admin:user_edit", args=[target.username])
    data = {
        "full_name": target.full_name,
        "badge_number": "BG-۱۲۳",
        "language": "ar",
        "is_active": "on",
    }
    assert admin_client.post(url, data).status_code == 302
    assert User.objects.get(pk=target.pk).badge_number == "BG-123"


def test_an_administrator_cannot_deactivate_their_own_account(admin_client, admin, tree):
    url = reverse("admin:user_edit", args=[admin.username])
    response = _refused(admin_client, url, {"full_name": admin.full_name, "language": "ar"}, None)
    _says(response, "You cannot deactivate your own account.")
    assert User.objects.get(pk=admin.pk).is_active


# --- Roles -----------------------------------------------------------------------------------------
def test_a_duplicate_or_arabic_role_code_is_refused(admin_client, tree):
    url = reverse("admin:role_create")
    duplicate = _refused(admin_client, url, {"code": "auditor", "name_ar": "مدقق ثان"}, "code")
    _says(duplicate, "A role with this code already exists.")
    arabic = _refused(admin_client, url, {"code": "مدقق", "name_ar": "مدقق ثان"}, "code")
    _says(arabic, IDENTIFIER_MESSAGE)


@pytest.mark.parametrize("field", ["name_ar", "name_ckb", "name_en"])
def test_a_bidi_control_character_in_a_role_name_is_refused(admin_client, tree, field):
    data = {"code": "records_clerk", "name_ar": "موظف السجلات", field: f"clerk{RLO}txt"}
    response = _refused(admin_client, reverse("admin:role_create"), data, field)
    _says(response, BIDI_MESSAGE)
    edit = reverse("admin:role_edit", args=["instructor"])
    _refused(admin_client, edit, {"name_ar": "مدرب", field: f"clerk{RLO}txt"}, field)


def test_an_unknown_permission_cannot_be_given_to_a_role(admin_client, tree):
    _refused(
        admin_client,
        reverse("admin:role_create"),
        {"code": "records_clerk", "name_ar": "موظف السجلات", "permissions": ["everything.all"]},
        "permissions",
    )


def test_granting_a_role_twice_is_refused_with_a_message_and_no_entry(
    admin_client, tree, make_user
):
    target = make_user("officer.karada", role="investigator")
    before = _counts()
    response = admin_client.post(
        reverse("admin:user_assign", args=[target.username]),
        {
            "role": Role.objects.get(code="investigator").pk,
            "unit": tree["BGD-KARADA"].pk,
            "include_subtree": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    _says(response, "This user already holds this role at this unit.")
    assert _counts() == before


def test_an_administrator_cannot_grant_themselves_a_role(admin_client, admin, tree):
    before = _counts()
    response = admin_client.post(
        reverse("admin:user_assign", args=[admin.username]),
        {
            "role": Role.objects.get(code="auditor").pk,
            "unit": tree["MOI"].pk,
            "include_subtree": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    _says(response, "Ask another administrator to give you a role.")
    # Nothing changed but the ledger, which keeps the refusal like every other refusal.
    assert _counts()[:4] == before[:4]
    refusal = Entry.objects.order_by("-seq").first()
    assert refusal.action == "access.escalation_refused" and refusal.actor_id == admin.pk
    assert _counts()[4] == before[4] + 1
    assert not admin.assignments.filter(role__code="auditor").exists()
    assert admin_client.get(reverse("audit:ledger")).status_code == 404


# --- Every screen renders in Arabic and in English -----------------------------------------------------
def _admin_pages(tree: dict[str, Any], target: User) -> list[str]:
    return [
        reverse("admin:unit_list"),
        reverse("admin:unit_list") + "?q=KARADA",
        reverse("admin:unit_detail", args=["BGD-KARADA"]),
        reverse("admin:unit_edit", args=["BGD-KARADA"]),
        reverse("admin:unit_create", args=["BGD-KARADA"]),
        reverse("admin:user_create", args=["BGD-KARADA"]),
        reverse("admin:user_list"),
        reverse("admin:user_list") + "?q=officer",
        reverse("admin:user_detail", args=[target.username]),
        reverse("admin:user_edit", args=[target.username]),
        reverse("admin:role_list"),
        reverse("admin:role_create"),
        reverse("admin:role_detail", args=["investigator"]),
        reverse("admin:role_edit", args=["investigator"]),
        reverse("access:break_glass_list"),
        reverse("ui:home"),
    ]


@pytest.mark.parametrize(
    ("lang", "direction", "word"),
    [("ar", "rtl", "Units"), ("en", "ltr", "Units"), ("ckb", "rtl", "Units")],
)
def test_every_admin_screen_renders_in_the_users_language(
    make_user, client_for, tree, lang, direction, word
):
    admin = make_user(f"admin.{lang}", unit="MOI", role="system_admin", language=lang)
    target = make_user("officer.karada", full_name="ضابط الكرادة", role="investigator")
    client = client_for(admin)
    with translation.override(lang):
        expected_word = escape(gettext(word))
    for url in _admin_pages(tree, target):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert f'<html lang="{lang}" dir="{direction}">' in page, url
        assert "{%" not in page and "{{" not in page, url
    listing = client.get(reverse("admin:unit_list")).content.decode()
    assert expected_word in listing
    if lang == "en":
        with translation.override("ar"):
            arabic = gettext("Units")
        assert "Units" in listing and (arabic == "Units" or arabic not in listing)


def test_an_error_message_follows_the_users_language(make_user, client_for, tree):
    admin = make_user("admin.en", unit="MOI", role="system_admin", language="en")
    response = _refused(client_for(admin), NEW_UNIT, _unit_data(code="BGD-KARADA"), "code")
    assert "A unit with this code already exists." in response.content.decode()


def test_record_history_hides_oversight_entries_from_non_auditors(make_user, client_for, tree):
    """R-06: a break-glass opening on an officer's record is not shown to that officer."""
    from dalil import access
    from dalil.accounts.selectors import history

    officer = make_user("officer.hist", unit="BGD-MANSOUR", role="investigator")
    commander = make_user("commander.hist", unit="BGD-KARADA", role="commander")
    auditor = make_user("auditor.hist", unit="MOI", role="auditor")
    access.break_glass_open(
        actor=commander, obj=officer, reason="urgent check of an officer record", minutes=30
    )
    assert "access.break_glass_opened" not in [e.action for e in history(officer, officer)]
    assert "access.break_glass_opened" in [e.action for e in history(auditor, officer)]


def test_an_administrator_cannot_widen_a_role_they_hold(admin_client, tree, make_user):
    held = set(Role.objects.get(code="system_admin").permissions.values_list("code", flat=True))
    role = Role.objects.get(code="system_admin")
    data = {"name_ar": role.name_ar, "permissions": sorted(held | {"audit.ledger.view"})}
    before = _counts()
    response = _refused(
        admin_client,
        reverse("admin:role_edit", args=["system_admin"]),
        data,
        "permissions",
        ledgered="access.escalation_refused",
    )
    _says(response, "You hold this role: ask another administrator to widen it.")
    assert _counts()[:4] == before[:4]
    assert admin_client.get(reverse("audit:ledger")).status_code == 404
    # Someone who manages roles without holding this one may.
    from dalil.access import operator_command
    from dalil.access import services as access_services
    from dalil.audit.models import Entry

    steward = make_user("steward", unit="MOI")
    with operator_command("test") as operator:
        steward_role = access_services.role_create(
            actor=operator,
            code="role_steward",
            name_ar="مسؤول الأدوار",
            permissions={"access.role.manage", "access.role.view"},
        )
        access_services.assignment_grant(
            actor=operator, user=steward, role=steward_role, unit=tree["MOI"]
        )
    access_services.role_update(
        actor=steward, role=role, permissions=held | {"audit.ledger.view"}, name_ar=role.name_ar
    )
    # A permission that opens content is asked for, not granted: it waits for a second person.
    asked = role.permissions.get(code="audit.ledger.view")
    assert asked.approved_at is None and asked.requested_by == steward
    assert Entry.objects.filter(action="access.role_changed", actor_id=steward.pk).count() == 1
