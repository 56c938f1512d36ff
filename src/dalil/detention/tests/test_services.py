"""The detainee register's services (IN-6): arrests, orders, transfers, releases, intake injuries,
statements and integrity referrals — the happy paths, the refusals (with a clear message and
nothing written), the door, and exactly one ledger entry per write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dalil import access, audit
from dalil.access.models import Compartment
from dalil.audit.ledger import System
from dalil.audit.models import Entry
from dalil.audit.testing import entry_count
from dalil.cases import services as case_services
from dalil.detention import clock, selectors, services
from dalil.detention.demo import _chain, png
from dalil.detention.models import (
    Detainee,
    DetentionOrder,
    IntakeInjury,
    IntegrityReferral,
    Statement,
)

pytestmark = pytest.mark.django_db

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


def _fields(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- Arrests -----------------------------------------------------------------------------------
def test_an_arrest_is_entered_with_its_clock_and_one_ledger_entry(arrest, case):
    now = timezone.now()
    before = entry_count()
    d = arrest(now=now)
    assert entry_count() == before + 1 and entry_count("detention.arrest_recorded") == 1
    year = timezone.localdate(now).year
    assert d.number == f"D-BGD-KARADA-{year}-00001"
    assert d.registered_at == now and not d.registered_late and not d.breached
    # Until a judge's order, the arrest covers 24 hours: that is the next deadline.
    assert d.next_deadline_at == d.arrested_at + 24 * H
    entry = Entry.objects.get(action="detention.arrest_recorded")
    assert entry.target_type == "detention.detainee" and entry.target_id == str(d.pk)
    assert f'"case":"{case.number}"' in entry.payload


def test_registration_more_than_24_hours_after_the_arrest_is_flagged_late(arrest):
    now = timezone.now()
    on_time = arrest(arrested_at=now - 60 * H, registered_at=now - 40 * H, now=now)
    assert not on_time.registered_late
    services.release_record(
        actor=on_time.case.lead,
        detainee=on_time,
        released_at=now - 32 * H,
        basis="judge_order",
    )
    late = arrest(arrested_at=now - 30 * H, registered_at=now - 5 * H, now=now)
    assert late.registered_late and late.breached  # 25 hours


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"arrested_at": "future"}, "arrested_at"),
        ({"registered_at": "before"}, "registered_at"),
        ({"penalty_years": None}, "penalty_years"),
        ({"penalty": "flogging"}, "penalty"),
        ({"arrest_place": "  "}, "arrest_place"),
        ({"place_of_detention": ""}, "place_of_detention"),
    ],
)
def test_bad_arrest_input_is_refused_with_a_message_and_writes_nothing(arrest, kwargs, field):
    now = timezone.now()
    if kwargs.get("arrested_at") == "future":
        kwargs["arrested_at"] = now + H
    if kwargs.get("registered_at") == "before":
        kwargs["registered_at"] = now - 3 * H  # the arrest is 2 hours ago
    before = entry_count()
    with pytest.raises(ValidationError) as exc:
        arrest(now=now, **kwargs)
    assert field in _fields(exc) and all(_fields(exc)[field])
    assert not Detainee.objects.exists() and entry_count() == before


def test_the_arrest_time_in_the_future_is_explained(arrest):
    with pytest.raises(ValidationError) as exc:
        arrest(arrested_at=timezone.now() + D)
    assert _fields(exc)["arrested_at"] == ["The arrest time cannot be in the future."]


def test_a_closed_case_refuses_new_arrests(arrest, case, lead):
    case_services.case_transition(actor=lead, case=case, step="close", version=case.version)
    with pytest.raises(ValidationError, match="closed"):
        arrest()
    assert not Detainee.objects.exists()


def test_only_those_who_work_on_the_case_record_arrests(arrest, make_user):
    analyst = make_user("an.karada", role="analyst", at="BGD-KARADA")  # sees, does not work
    outsider = make_user("inv.mansour", unit="BGD-MANSOUR", role="investigator")
    for actor in (analyst, outsider):
        with pytest.raises(access.Denied):
            arrest(actor=actor)
    assert not Detainee.objects.exists()


@pytest.mark.usefixtures("operator")
def test_a_person_the_actor_may_not_see_cannot_be_arrested(arrest, tree):
    from dalil.parties import services as parties

    stranger = parties.person_create(
        actor=System("test"), unit=tree["BGD-MANSOUR"], given_name_ar="غريب"
    )
    with pytest.raises(access.Denied):
        arrest(person=stranger)


def test_a_person_held_in_the_case_is_not_arrested_twice(arrest):
    arrest()
    with pytest.raises(ValidationError) as exc:
        arrest()
    assert "person" in _fields(exc)


def test_an_offence_of_another_case_is_refused(arrest, lead, tree):
    other = case_services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="أ", lead=lead)
    offence = case_services.offence_add(actor=lead, case=other, code="0401", stage="completed")
    with pytest.raises(ValidationError) as exc:
        arrest(offence=offence)
    assert "offence" in _fields(exc)


# --- Orders ------------------------------------------------------------------------------------
def test_orders_follow_one_another_and_move_the_next_deadline(arrest, order):
    d = arrest()
    before = entry_count()
    first = order(d, d.arrested_at + H, 15)
    assert first.kind == "detention" and first.ends_at == clock.add_days(first.starts_at, 15)
    assert entry_count() == before + 1 and entry_count("detention.order_recorded") == 1
    d.refresh_from_db()
    assert d.next_deadline_at == first.ends_at
    second = order(d, first.ends_at, 10, order_number="ت/2")
    assert second.kind == "extension"
    d.refresh_from_db()
    assert d.next_deadline_at == second.ends_at


def test_an_order_longer_than_15_days_is_refused_and_nothing_is_written(arrest, order):
    d = arrest()
    before = entry_count()
    with pytest.raises(ValidationError) as exc:
        order(d, d.arrested_at + H, 16)
    assert _fields(exc)["days"] == [
        "A detention order may last at most 15 days; this one lasts 16 days."
    ]
    assert not DetentionOrder.objects.exists() and entry_count() == before


def test_a_gap_between_orders_is_refused_beside_the_start(arrest, order):
    d = arrest()
    first = order(d, d.arrested_at + H, 1)
    with pytest.raises(ValidationError) as exc:
        order(d, first.ends_at + H, 5)
    assert "starts_at" in _fields(exc) and "gap" in _fields(exc)["starts_at"][0]


def _permit(d, until, **kwargs):
    values = {
        "actor": d.case.lead,
        "detainee": d,
        "court": "محكمة جنايات الرصافة",
        "decision_number": "ج/12",
        "decided_on": timezone.localdate(),
        "permitted_until": until,
    }
    return services.court_permission_record(**{**values, **kwargs})


def test_an_order_past_six_months_needs_the_criminal_courts_permission_for_its_period(
    arrest, order
):
    """The court permits a period (Art. 109(ج)): an order within it is recorded, one a day past
    it is refused like an order past the cap, and nothing is written by a refusal."""
    now = timezone.now()
    arrested = clock.add_months(now, -6) + 5 * D
    d = arrest(arrested_at=arrested, registered_at=arrested + H, now=now)
    six = clock.six_months_point(selectors.arrest_of(d))
    chain = _chain(arrested + D, six - 2 * D)  # up to two days before six months
    for n, (start, days) in enumerate(chain):
        order(d, start, days, order_number=f"ت/{n}")
    last = d.orders.order_by("-starts_at").first()
    before = entry_count()
    with pytest.raises(ValidationError) as exc:
        order(d, last.ends_at, 10, order_number="ت/x")
    assert "criminal court's permission" in _fields(exc)["days"][0]
    assert entry_count() == before
    permitted_until = clock.add_days(last.ends_at, 9)
    permission = _permit(d, permitted_until)
    entry = Entry.objects.get(action="detention.court_permission_recorded")
    assert entry.target_id == str(d.pk) and permission.permitted_until == permitted_until
    with pytest.raises(ValidationError) as exc:
        order(d, last.ends_at, 10, order_number="ت/x")  # one day past the court's period
    assert "beyond the period the criminal court permitted" in _fields(exc)["days"][0]
    extended = order(d, last.ends_at, 9, order_number="ت/y")
    assert extended.court_permission and extended.ends_at == permitted_until
    d.refresh_from_db()
    state = selectors.clock_of(d, now)
    assert state.court_permitted_until == permitted_until
    assert clock.Deadline(clock.Kind.COURT_PERIOD, permitted_until) in state.pending


def test_a_permission_outside_the_law_is_refused_and_writes_nothing(arrest):
    now = timezone.now()
    d = arrest(penalty_years=4, now=now)  # six months, then the cap at twelve
    six = clock.six_months_point(selectors.arrest_of(d))
    cap = clock.quarter_cap_point(selectors.arrest_of(d), d.clock_offence)
    before = entry_count()
    for until, words in [
        (six, "beyond six months"),
        (cap + H, "within one quarter of the maximum penalty"),
    ]:
        with pytest.raises(ValidationError) as exc:
            _permit(d, until)
        assert words in _fields(exc)["permitted_until"][0]
    with pytest.raises(ValidationError) as exc:
        _permit(d, cap, court=" ", decided_on=timezone.localdate() + D)
    assert set(_fields(exc)) == {"court", "decided_on"}
    _permit(d, six + 30 * D)
    with pytest.raises(ValidationError) as exc:
        _permit(d, six + 20 * D, decision_number="ج/13")
    assert "already permitted until" in _fields(exc)["permitted_until"][0]
    assert entry_count() == before + 1


def test_no_order_may_pass_one_quarter_of_the_maximum_penalty(arrest, order):
    now = timezone.now()
    arrested = clock.add_months(now, -12) + 5 * D  # four years: the cap is twelve months
    d = arrest(arrested_at=arrested, registered_at=arrested + H, penalty_years=4, now=now)
    cap = clock.quarter_cap_point(selectors.arrest_of(d), d.clock_offence)
    _permit(d, cap, decided_on=clock.baghdad(arrested).date())
    for n, (start, days) in enumerate(_chain(arrested + D, cap - 3 * D)):
        order(d, start, days, order_number=f"ت/{n}")
    last = d.orders.order_by("-starts_at").first()
    with pytest.raises(ValidationError) as exc:
        order(d, last.ends_at, 10, order_number="ت/x")
    assert any("one quarter of the maximum penalty" in m for m in _fields(exc)["days"])
    assert order(d, last.ends_at, 3, order_number="ت/z").ends_at == cap


def test_an_order_issued_in_the_future_is_refused(arrest, order):
    d = arrest()
    with pytest.raises(ValidationError) as exc:
        order(d, d.arrested_at + H, 5, issued_on=timezone.localdate() + D)
    assert "issued_on" in _fields(exc)


def test_a_closed_case_refuses_orders(arrest, order, case, lead):
    d = arrest()
    case_services.case_transition(actor=lead, case=case, step="close", version=case.version)
    d.case.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        order(d, d.arrested_at + H, 5)


def test_a_commander_of_the_unit_records_orders_an_observer_does_not(
    arrest, order, commander, make_user, case, lead
):
    d = arrest()
    order(d, d.arrested_at + H, 5, actor=commander)
    observer = make_user("obs", unit="BGD-MANSOUR", role="analyst")
    case_services.member_add(actor=lead, case=case, user=observer, role="observer")
    with pytest.raises(access.Denied):
        order(d, d.orders.get().ends_at, 5, actor=observer)


# --- Transfers and release -----------------------------------------------------------------------
def test_a_transfer_moves_the_detainee_with_one_entry(arrest, lead, tree):
    d = arrest()
    before = entry_count()
    t = services.transfer_record(
        actor=lead,
        detainee=d,
        moved_at=timezone.now() - H,
        to_place="سجن الرصافة",
        to_unit=tree["BGD-POL"],
        reason="نقل بأمر القاضي",
    )
    d.refresh_from_db()
    assert d.place_of_detention == "سجن الرصافة" and d.place_unit == tree["BGD-POL"]
    assert t.from_place == "موقف مركز شرطة الكرادة"
    assert entry_count() == before + 1 and entry_count("detention.transferred") == 1
    with pytest.raises(ValidationError) as exc:
        services.transfer_record(
            actor=lead, detainee=d, moved_at=d.arrested_at - H, to_place="x", reason="y"
        )
    assert "moved_at" in _fields(exc)


def test_a_second_transfer_from_a_stale_page_is_refused_and_keeps_the_first(arrest, lead):
    from dalil.detention.models import Detainee, Transfer

    d = arrest()
    stale = Detainee.objects.get(pk=d.pk)  # two officers had the same page open
    services.transfer_record(
        actor=lead, detainee=d, moved_at=timezone.now() - H, to_place="سجن الرصافة", reason="أمر"
    )
    with pytest.raises(ValidationError) as exc:
        services.transfer_record(
            actor=lead, detainee=stale, moved_at=timezone.now(), to_place="سجن الكرخ", reason="أمر"
        )
    assert "moved or released meanwhile" in str(exc.value)
    d.refresh_from_db()
    assert d.place_of_detention == "سجن الرصافة"
    assert list(Transfer.objects.filter(detainee=d).values_list("to_place", flat=True)) == [
        "سجن الرصافة"
    ]
    assert entry_count("detention.transferred") == 1


def test_a_release_needs_its_legal_basis_and_stops_the_clock(arrest, order, lead):
    d = arrest()
    order(d, d.arrested_at + H, 5)
    with pytest.raises(ValidationError) as exc:
        services.release_record(actor=lead, detainee=d, released_at=timezone.now(), basis="other")
    assert "basis_other" in _fields(exc)
    with pytest.raises(ValidationError) as exc:
        services.release_record(actor=lead, detainee=d, released_at=d.arrested_at - H, basis="bail")
    assert "released_at" in _fields(exc)
    before = entry_count()
    services.release_record(
        actor=lead, detainee=d, released_at=timezone.now(), basis="other", basis_other="عفو عام"
    )
    d.refresh_from_db()
    assert d.released_at and d.next_deadline_at is None and d.release_basis == "other"
    assert entry_count() == before + 1 and entry_count("detention.released") == 1
    with pytest.raises(ValidationError, match="released"):
        services.release_record(actor=lead, detainee=d, released_at=timezone.now(), basis="bail")
    with pytest.raises(ValidationError, match="new arrest record"):
        services.order_record(
            actor=lead,
            detainee=d,
            starts_at=d.orders.get().ends_at,
            days=5,
            order_number="x",
            judge_name="y",
            court="z",
            issued_on=timezone.localdate(),
        )


def test_a_second_release_from_a_stale_page_is_refused_and_keeps_the_first(arrest, order, lead):
    from dalil.detention.models import Detainee

    d = arrest()
    order(d, d.arrested_at + H, 5)
    stale = Detainee.objects.get(pk=d.pk)  # the same page open twice (a double click)
    first = timezone.now() - H
    services.release_record(actor=lead, detainee=d, released_at=first, basis="bail")
    with pytest.raises(ValidationError, match="released"):
        services.release_record(
            actor=lead, detainee=stale, released_at=timezone.now(), basis="acquittal"
        )
    d.refresh_from_db()
    assert (d.released_at, d.release_basis) == (first, "bail")
    assert entry_count("detention.released") == 1


# --- Intake injuries -----------------------------------------------------------------------------
def _photo(content: bytes | None = None, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile("injury.png", png() if content is None else content, content_type)


def test_an_injury_with_a_photo_is_recorded_with_its_file_in_the_vault(arrest, lead):
    d = arrest()
    before = entry_count()
    injury = services.injury_record(
        actor=lead,
        detainee=d,
        noted_at=timezone.now() - H,
        noted_by="المسعف",
        description="كدمة زرقاء",
        body_location="الذراع الأيسر",
        photo=_photo(),
    )
    assert injury.photo is not None and injury.photo.unit == d.case.unit
    # One entry for the record and the vault's own for the file, in the same transaction.
    assert entry_count("detention.injury_recorded") == 1 and entry_count("core.file_uploaded") == 1
    assert entry_count() == before + 2
    # The ledger keeps the digest of the medical description, not the description (ADR 0013).
    raw = Entry.objects.get(action="detention.injury_recorded").payload
    assert "كدمة" not in raw and audit.text_digest("كدمة زرقاء") in raw


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        (lambda: _photo(b"GIF89a not a photo"), "JPEG or PNG"),
        (lambda: _photo(b"%PDF-1.7 not a photo", "image/png"), "JPEG or PNG"),
        (lambda: _photo(None, "image/jpeg"), "JPEG or PNG"),  # a PNG that claims to be a JPEG
    ],
)
def test_only_jpeg_or_png_photos_are_accepted(arrest, lead, photo, message):
    d = arrest()
    before = entry_count()
    with pytest.raises(ValidationError) as exc:
        services.injury_record(
            actor=lead,
            detainee=d,
            noted_at=timezone.now(),
            noted_by="المسعف",
            description="كدمة",
            body_location="الرأس",
            photo=photo(),
        )
    assert message in _fields(exc)["photo"][0]
    assert not IntakeInjury.objects.exists() and entry_count() == before


def test_a_photo_over_the_size_cap_is_refused(arrest, lead, settings):
    settings.DALIL_DETENTION_PHOTO_MAX_BYTES = 50
    d = arrest()
    with pytest.raises(ValidationError) as exc:
        services.injury_record(
            actor=lead,
            detainee=d,
            noted_at=timezone.now(),
            noted_by="المسعف",
            description="كدمة",
            body_location="الرأس",
            photo=_photo(png(64, 64)),
        )
    assert "larger than the limit" in _fields(exc)["photo"][0]


def test_no_injury_visible_cannot_also_describe_one(arrest, lead):
    d = arrest()
    with pytest.raises(ValidationError) as exc:
        services.injury_record(
            actor=lead,
            detainee=d,
            noted_at=timezone.now(),
            noted_by="المسعف",
            none_visible=True,
            description="كدمة",
        )
    assert "none_visible" in _fields(exc)
    with pytest.raises(ValidationError) as exc:
        services.injury_record(actor=lead, detainee=d, noted_at=timezone.now(), noted_by="م")
    assert {"description", "body_location"} <= set(_fields(exc))
    services.injury_record(
        actor=lead, detainee=d, noted_at=timezone.now(), noted_by="المسعف", none_visible=True
    )
    assert IntakeInjury.objects.get().none_visible


# --- Statements and integrity referrals ----------------------------------------------------------
def _statement(d, lead, kind="confession", **kwargs):
    return services.statement_record(
        actor=lead,
        detainee=d,
        kind=kind,
        taken_at=timezone.now() - 30 * dt.timedelta(minutes=1),
        taken_by="النقيب حيدر",
        summary="أقر المتهم بالتهمة.",
        **kwargs,
    )


def _injure(d, lead, none_visible=False):
    return services.injury_record(
        actor=lead,
        detainee=d,
        noted_at=timezone.now() - H,
        noted_by="المسعف",
        none_visible=none_visible,
        description="" if none_visible else "كدمة",
        body_location="" if none_visible else "الظهر",
    )


def test_a_statement_from_an_injured_detainee_is_referred_to_internal_affairs(arrest, lead):
    d = arrest()
    injury = _injure(d, lead)
    before = entry_count()
    statement = _statement(d, lead)
    referral = IntegrityReferral.objects.get()
    assert referral.statement == statement and list(referral.injuries.all()) == [injury]
    assert referral.compartment.code == "internal_affairs"
    assert referral.detainee_name.startswith("حسين فاضل الدليمي")
    assert referral.case_number == d.case.number and referral.number.startswith("IR-")
    # The statement's entry and the referral's own entry, in the same transaction.
    assert entry_count("detention.statement_recorded") == 1
    assert entry_count("detention.referral_created") == 1
    assert entry_count() == before + 2
    assert Entry.objects.get(action="detention.referral_created").target_type == (
        "detention.integrityreferral"
    )


def test_a_plain_statement_from_an_injured_detainee_is_referred_too(arrest, lead):
    d = arrest()
    _injure(d, lead)
    _statement(d, lead, kind="statement")
    assert IntegrityReferral.objects.count() == 1


def test_no_referral_without_an_injury(arrest, lead):
    d = arrest()
    _statement(d, lead)
    _injure(d, lead, none_visible=True)
    _statement(d, lead)
    assert Statement.objects.count() == 2 and not IntegrityReferral.objects.exists()
    assert entry_count("detention.referral_created") == 0


def test_the_internal_affairs_compartment_is_made_when_missing(arrest, lead):
    Compartment.objects.filter(code="internal_affairs").delete()
    d = arrest()
    _injure(d, lead)
    _statement(d, lead)
    compartment = IntegrityReferral.objects.get().compartment
    assert compartment.code == "internal_affairs" and compartment.name_ar == "الشؤون الداخلية"
    assert compartment.name_en == "Internal affairs"


def test_a_refused_statement_writes_no_referral(arrest, lead):
    d = arrest()
    _injure(d, lead)
    with pytest.raises(ValidationError) as exc:
        services.statement_record(
            actor=lead,
            detainee=d,
            kind="confession",
            taken_at=d.arrested_at - H,
            taken_by="x",
            summary="y",
        )
    assert "taken_at" in _fields(exc)
    assert not Statement.objects.exists() and not IntegrityReferral.objects.exists()


def test_the_referral_is_invisible_without_the_compartment(arrest, lead, ia_user, make_user):
    d = arrest()
    _injure(d, lead)
    _statement(d, lead)
    referral = IntegrityReferral.objects.get()
    uncleared_ia = make_user("ia.new", unit="MOI-IA", role="ia_commander", at="MOI-IA")
    commander = make_user("cmd", unit="MOI", role="commander", at="MOI")
    for user in (lead, uncleared_ia, commander):
        assert not access.can(user, "view", referral)
    assert access.can(ia_user, "view", referral)
    # The statement itself stays the case's: the case readers see it, internal affairs need not.
    assert access.can(lead, "view", Statement.objects.get())


# --- Append-only -------------------------------------------------------------------------------
def test_the_legal_records_are_append_only_in_the_database(arrest, order, lead):
    from django.db import DatabaseError, transaction

    d = arrest()
    o = order(d, d.arrested_at + H, 5)
    plain = _statement(d, lead)  # before any injury: not referred
    _injure(d, lead)
    referred = _statement(d, lead)
    for qs, change in [
        (DetentionOrder.objects.filter(pk=o.pk), {"days": 3}),
        (Statement.objects.filter(pk=plain.pk), {"summary": "مزور"}),
        (IntakeInjury.objects.filter(detainee=d), {"description": "لا شيء"}),
        (IntegrityReferral.objects.filter(statement=referred), {"detainee_name": "آخر"}),
    ]:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            qs.update(**change)
        # Refused by the database's triggers, or before them by a protecting foreign key.
        with pytest.raises(DatabaseError, match=r"append-only|protected"), transaction.atomic():
            qs.delete()


@pytest.mark.parametrize("record", ["order", "transfer", "injury", "statement"])
def test_deleting_a_detainee_named_by_a_legal_record_is_refused(record, arrest, order, lead):
    """The register's legal records are append-only: deleting their detainee is refused before
    anything is deleted, instead of cascading onto them (or failing in the database)."""
    from django.db.models import ProtectedError

    d = arrest()
    made = {
        "order": lambda: order(d, d.arrested_at + H, 5),
        "transfer": lambda: services.transfer_record(
            actor=lead, detainee=d, moved_at=timezone.now(), to_place="سجن", reason="نقل"
        ),
        "injury": lambda: _injure(d, lead),
        "statement": lambda: _statement(d, lead),
    }[record]()
    before = entry_count()
    with pytest.raises(ProtectedError):
        Detainee.objects.get(pk=d.pk).delete()
    assert Detainee.objects.filter(pk=d.pk).exists()
    assert type(made).objects.filter(pk=made.pk).exists() and entry_count() == before


def test_an_injury_named_by_a_referral_cannot_be_deleted_either(arrest, lead):
    from django.db.models import ProtectedError

    d = arrest()
    injury = _injure(d, lead)
    referral = _statement(d, lead).referral
    with pytest.raises(ProtectedError):
        IntakeInjury.objects.get(pk=injury.pk).delete()
    assert list(referral.injuries.all()) == [injury]


def test_the_database_refuses_a_second_open_detention_of_a_person_in_a_case(arrest):
    """The last line of defence behind the arrest service's check (made with the case locked)."""
    from django.db import IntegrityError, transaction

    d = arrest()
    with pytest.raises(IntegrityError), transaction.atomic():
        Detainee.objects.create(
            number="D-TWICE",
            case=d.case,
            person=d.person,
            arrested_at=d.arrested_at,
            arrest_place="x",
            arresting_unit=d.arresting_unit,
            registered_at=d.registered_at,
            penalty="life",
            place_of_detention="x",
        )
