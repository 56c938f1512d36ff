"""Case files (IN-1) and ICCS offences (IN-2): workflow, scope, numbering, locking, bad input."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from dalil import access
from dalil.access.models import Clearance, Compartment
from dalil.audit.models import Entry
from dalil.audit.testing import entry_count
from dalil.cases import services
from dalil.cases.data.iccs import ICCS, rows
from dalil.cases.models import Case, CaseMember, IccsCategory, Offence

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(make_user):
    return make_user("lead.karada", role="investigator", at="BGD-KARADA")


@pytest.fixture
def case(tree, lead):
    return services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="قتل عمد", lead=lead)


# --- ICCS --------------------------------------------------------------------------------------------
def test_iccs_has_every_section_and_the_detail_the_investigators_need():
    sections = set(IccsCategory.objects.filter(level=1).values_list("code", flat=True))
    assert sections == {f"{n:02d}" for n in range(1, 12)}
    for code in ["0204", "0703", "07041", "08051", "09051", "09061", "060121", "070312"]:
        assert IccsCategory.objects.filter(code=code).exists(), code
    assert IccsCategory.objects.count() == len(ICCS)
    assert IccsCategory.objects.get(code="070312").parent.code == "07031"
    assert IccsCategory.objects.get(code="07031").parent.code == "0703"
    assert IccsCategory.objects.get(code="0703").parent.code == "07"
    assert all(r["label_ar"] and r["label_en"] for r in rows())
    assert len({r["code"] for r in rows()}) == len(ICCS)  # no code twice


# --- Opening and numbering ---------------------------------------------------------------------------
def test_opening_a_case_numbers_it_per_unit_and_year_and_writes_one_entry(tree, lead):
    before = entry_count()
    case = services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="أ", lead=lead)
    second = services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="ب", lead=lead)
    year = case.year
    assert case.number == f"BGD-KARADA-{year}-00001"
    assert second.number == f"BGD-KARADA-{year}-00002"
    assert case.status == Case.Status.OPEN and case.version == 1
    assert list(case.members.values_list("user", "role")) == [(lead.pk, "lead")]
    assert entry_count() == before + 2 and entry_count("cases.case_opened") == 2


def test_opening_a_case_in_a_unit_without_the_create_grant_is_refused(tree, lead):
    with pytest.raises(access.Denied):
        services.case_create(actor=lead, unit=tree["BGD-MANSOUR"], title="أ", lead=lead)
    assert not Case.objects.exists() and entry_count("cases.case_opened") == 0


def test_an_analyst_cannot_open_a_case(tree, make_user):
    analyst = make_user("an", role="analyst", at="BGD-KARADA")
    with pytest.raises(access.Denied):
        services.case_create(actor=analyst, unit=tree["BGD-KARADA"], title="أ", lead=analyst)


@pytest.mark.django_db(transaction=True)
def test_concurrent_openings_never_share_a_number(tree, lead):
    n = 8
    start = threading.Barrier(n)
    errors: list[BaseException] = []

    def open_one(i: int) -> None:
        try:
            start.wait(timeout=30)
            services.case_create(actor=lead, unit=tree["BGD-KARADA"], title=f"{i}", lead=lead)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=open_one, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    serials = sorted(Case.objects.values_list("serial", flat=True))
    assert serials == list(range(1, n + 1))
    assert Case.objects.values("number").distinct().count() == n


# --- Workflow ----------------------------------------------------------------------------------------
def test_the_lead_walks_the_case_through_the_workflow(case, lead):
    for step, status in [
        ("start", "under_investigation"),
        ("refer_judge", "referred_to_judge"),
        ("refer_court", "referred_to_court"),
        ("close", "closed"),
    ]:
        before = entry_count()
        services.case_transition(actor=lead, case=case, step=step, version=case.version)
        case.refresh_from_db()
        assert case.status == status
        assert entry_count() == before + 1
    last = Entry.objects.filter(action="cases.status_changed").order_by("-seq").first()
    assert '"from":"referred_to_court"' in last.payload and '"to":"closed"' in last.payload
    assert case.version == 5


def test_a_step_not_allowed_from_the_current_status_is_refused_and_writes_nothing(case, lead):
    before = entry_count()
    with pytest.raises(ValidationError) as err:
        services.case_transition(actor=lead, case=case, step="refer_court", version=1)
    assert str(services.STEPS["refer_court"].label) in err.value.messages[0]
    case.refresh_from_db()
    assert case.status == "open" and case.version == 1 and entry_count() == before


def test_reopening_needs_a_reason(case, lead):
    services.case_transition(actor=lead, case=case, step="close", version=1)
    before = entry_count()
    with pytest.raises(ValidationError) as err:
        services.case_transition(actor=lead, case=case, step="reopen", version=2, reason="  ")
    assert "reason" in err.value.message_dict
    case.refresh_from_db()
    assert case.status == "closed" and entry_count() == before
    services.case_transition(
        actor=lead, case=case, step="reopen", version=2, reason="أدلة جديدة ظهرت في القضية"
    )
    case.refresh_from_db()
    assert case.status == "under_investigation"
    last = Entry.objects.filter(action="cases.status_changed").order_by("-seq").first()
    assert "أدلة جديدة" in last.payload


@pytest.mark.parametrize(
    "role,at,allowed",
    [
        ("commander", "BGD-KARADA", True),
        ("commander", "BGD-MANSOUR", False),
        ("investigator", "BGD-KARADA", False),  # not the lead: sees, does not manage
        ("analyst", "BGD-KARADA", False),
    ],
)
def test_who_may_take_a_step(case, make_user, role, at, allowed):
    actor = make_user(f"u.{role}.{at}".lower(), unit=at, role=role, at=at)
    if allowed:
        services.case_transition(actor=actor, case=case, step="start", version=1)
        case.refresh_from_db()
        assert case.status == "under_investigation"
        assert [s.name for s in services.steps_for(actor, case)] == ["refer_judge", "close"]
    else:
        with pytest.raises(access.Denied):
            services.case_transition(actor=actor, case=case, step="start", version=1)
        assert services.steps_for(actor, case) == []
        case.refresh_from_db()
        assert case.status == "open"


def test_a_stale_version_is_a_conflict_and_changes_nothing(case, lead):
    services.case_update(actor=lead, case=case, version=1, title="عنوان جديد")
    stale = Case.objects.get(pk=case.pk)
    stale.version = 1  # the form was loaded before the change
    before = entry_count()
    with pytest.raises(services.Conflict):
        services.case_transition(actor=lead, case=stale, step="start", version=1)
    with pytest.raises(services.Conflict):
        services.case_update(actor=lead, case=stale, version=1, title="آخر")
    case.refresh_from_db()
    assert case.status == "open" and case.title == "عنوان جديد" and case.version == 2
    assert entry_count() == before


# --- Scope -------------------------------------------------------------------------------------------
def test_a_case_of_another_unit_is_404_in_the_page_and_the_api(case, make_user, client_for):
    outsider = make_user("mansour.inv", unit="BGD-MANSOUR", role="investigator", at="BGD-MANSOUR")
    client = client_for(outsider)
    assert client.get(f"/cases/{case.number}/").status_code == 404
    assert client.get(f"/api/v1/cases/{case.number}/").status_code == 404
    assert case.number not in client.get("/cases/").content.decode()
    assert entry_count("access.denied") >= 2


def test_a_member_from_another_unit_sees_the_case(case, lead, make_user, client_for):
    analyst = make_user("oc.analyst", unit="BGD-MANSOUR", role="analyst", at="BGD-MANSOUR")
    services.member_add(actor=lead, case=case, user=analyst, role="analyst")
    page = client_for(analyst).get(f"/cases/{case.number}/")
    assert page.status_code == 200 and case.number in page.content.decode()


def test_a_compartment_case_is_invisible_without_the_clearance(tree, make_user, client_for):
    ia = Compartment.objects.get(code="internal_affairs")
    cleared = make_user("ia.lead", role="investigator", at="BGD-KARADA")
    Clearance.objects.create(user=cleared, compartment=ia)
    access.forget(cleared)
    secret = services.case_create(
        actor=cleared, unit=tree["BGD-KARADA"], title="سري", lead=cleared, compartment=ia
    )
    colleague = make_user("plain.inv", role="investigator", at="BGD-KARADA")
    assert not access.can(colleague, "view", secret)
    assert client_for(colleague).get(f"/cases/{secret.number}/").status_code == 404
    assert client_for(cleared).get(f"/cases/{secret.number}/").status_code == 200
    with pytest.raises(ValidationError):
        services.case_create(
            actor=colleague, unit=tree["BGD-KARADA"], title="x", lead=colleague, compartment=ia
        )


# --- Offences ----------------------------------------------------------------------------------------
def test_an_offence_is_coded_with_iccs_and_placed_in_iraq(case, lead, tree):
    from dalil.accounts.models import Governorate

    before = entry_count()
    offence = services.offence_add(
        actor=lead,
        case=case,
        code="0101",
        stage="attempted",
        article="المادة 406 من قانون العقوبات رقم 111 لسنة 1969",
        governorate=Governorate.objects.get(code="IQ-BG"),
        latitude=Decimal("33.3063"),
        longitude=Decimal("44.4264"),
    )
    assert offence.category.code == "0101" and offence.stage == "attempted"
    assert entry_count() == before + 1 and entry_count("cases.offence_added") == 1


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"code": "9999", "stage": "completed"}, "category"),
        ({"code": "0101", "stage": "maybe"}, "stage"),
        (
            {
                "code": "0101",
                "stage": "completed",
                "latitude": Decimal("51.5"),
                "longitude": Decimal("-0.1"),
            },
            "latitude",
        ),
        (
            {
                "code": "0101",
                "stage": "completed",
                "latitude": Decimal("44.4"),
                "longitude": Decimal("33.3"),
            },
            "latitude",
        ),
        ({"code": "0101", "stage": "completed", "latitude": Decimal("33.3")}, "latitude"),
    ],
)
def test_bad_offence_input_gets_a_message_and_writes_nothing(case, lead, kwargs, field):
    before = entry_count()
    with pytest.raises(ValidationError) as err:
        services.offence_add(actor=lead, case=case, **kwargs)
    assert field in err.value.message_dict
    assert not Offence.objects.exists() and entry_count() == before


def test_coordinates_outside_iraq_are_explained_on_the_page(case, lead, client_for):
    client = client_for(lead)
    response = client.post(
        f"/cases/{case.number}/offences/add/",
        {"category": "0101", "stage": "completed", "latitude": "51.5", "longitude": "-0.1"},
    )
    assert response.status_code == 200
    assert "29.0" in response.content.decode()
    assert not Offence.objects.exists()


def test_a_closed_case_refuses_changes_until_it_is_reopened(case, lead, make_user):
    services.case_transition(actor=lead, case=case, step="close", version=1)
    other = make_user("someone", role="investigator", at="BGD-KARADA")
    for call in [
        lambda: services.offence_add(actor=lead, case=case, code="0101", stage="completed"),
        lambda: services.member_add(actor=lead, case=case, user=other, role="observer"),
        lambda: services.case_update(actor=lead, case=case, version=2, title="x"),
    ]:
        with pytest.raises(ValidationError):
            call()
    assert not CaseMember.objects.filter(user=other).exists()


def test_members_are_added_and_removed_once_each_with_one_entry(case, lead, make_user):
    other = make_user("member.one", role="investigator", at="BGD-KARADA")
    member = services.member_add(actor=lead, case=case, user=other, role="investigator")
    with pytest.raises(ValidationError):
        services.member_add(actor=lead, case=case, user=other, role="observer")
    with pytest.raises(ValidationError):
        services.member_remove(actor=lead, member=case.members.get(role="lead"))
    services.member_remove(actor=lead, member=member)
    assert entry_count("cases.member_added") == 1 and entry_count("cases.member_removed") == 1


# --- Pages and API -----------------------------------------------------------------------------------
def test_the_case_page_shows_only_the_steps_allowed_now(case, lead, make_user, client_for):
    page = client_for(lead).get(f"/cases/{case.number}/").content.decode()
    assert f"/cases/{case.number}/step/start/" in page
    assert f"/cases/{case.number}/step/close/" in page
    assert f"/cases/{case.number}/step/refer_court/" not in page
    viewer = make_user("viewer", role="analyst", at="BGD-KARADA")
    page = client_for(viewer).get(f"/cases/{case.number}/").content.decode()
    assert "/step/" not in page and case.title in page


def test_the_step_page_confirms_and_the_post_moves_the_case(case, lead, client_for):
    client = client_for(lead)
    page = client.get(f"/cases/{case.number}/step/start/")
    assert str(services.STEPS["start"].confirm) in page.content.decode()
    response = client.post(f"/cases/{case.number}/step/start/", {"version": 1})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "under_investigation"
    # The same form posted again (stale version) is a conflict, shown, nothing written.
    before = entry_count()
    response = client.post(f"/cases/{case.number}/step/close/", {"version": 1})
    assert response.status_code == 200
    assert str(services.Conflict()).split(".")[0] in response.content.decode()
    case.refresh_from_db()
    assert case.status == "under_investigation" and entry_count() == before


def test_the_list_filters_by_status_and_iccs_section(tree, lead, client_for):
    a = services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="مخدرات", lead=lead)
    b = services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="رشوة", lead=lead)
    services.offence_add(actor=lead, case=a, code="060121", stage="completed")
    services.offence_add(actor=lead, case=b, code="070312", stage="completed")
    client = client_for(lead)
    page = client.get("/cases/", {"section": "06"}).content.decode()
    assert a.number in page and b.number not in page
    services.case_transition(actor=lead, case=b, step="start", version=1)
    page = client.get(
        "/cases/", {"status": "under_investigation", "sort": "-number"}
    ).content.decode()
    assert b.number in page and a.number not in page


def test_the_api_opens_lists_and_moves_a_case_and_answers_409_on_a_stale_version(
    tree, lead, client_for
):
    client = client_for(lead)
    created = client.post(
        "/api/v1/cases/", {"unit": "BGD-KARADA", "title": "قضية"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert number in str(client.get("/api/v1/cases/").json())
    moved = client.post(
        f"/api/v1/cases/{number}/transition/",
        {"step": "start", "version": 1},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["status"] == "under_investigation"
    stale = client.post(
        f"/api/v1/cases/{number}/transition/",
        {"step": "close", "version": 1},
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert Case.objects.get(number=number).status == "under_investigation"
    refused = client.post(
        "/api/v1/cases/", {"unit": "BGD-MANSOUR", "title": "قضية"}, content_type="application/json"
    )
    assert refused.status_code == 404


@pytest.mark.usefixtures("demo_operator")
def test_the_demo_loads_cases_once(make_user, tree):
    from dalil.cases import demo

    # Without the demo units and users nothing is opened (and nothing breaks).
    assert demo.load() == 0
    assert not Case.objects.exists()


def test_the_ledger_viewer_hides_a_compartmented_case_from_an_auditor_without_clearance(
    tree, make_user
):
    from dalil.audit.selectors import entry_list

    op = Compartment.objects.create(code="OP-NAHR", name_ar="عملية النهر")
    boss = make_user("lead.op", unit="BGD-KARADA", role="investigator")
    Clearance.objects.create(user=boss, compartment=op)
    secret = services.case_create(
        actor=boss, unit=tree["BGD-KARADA"], title="سري", lead=boss, compartment=op
    )
    plain = services.case_create(actor=boss, unit=tree["BGD-KARADA"], title="عادي", lead=boss)
    auditor = make_user("auditor.x", unit="MOI", role="auditor")

    from dalil.casework import services as casework

    task = casework.task_create(actor=boss, case=secret, title="مراقبة سرية", assignee=boss)

    def seen(user):
        return set(entry_list(user, target_type="cases.case").values_list("target_id", flat=True))

    def tasks(user):
        return entry_list(user, target_type="casework.task").filter(target_id=str(task.pk))

    assert seen(auditor) == {str(plain.pk)} and not tasks(auditor).exists()
    Clearance.objects.create(user=auditor, compartment=op)
    access.forget(auditor)
    assert seen(auditor) == {str(plain.pk), str(secret.pk)} and tasks(auditor).exists()
