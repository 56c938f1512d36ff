"""The scene record (SC-1), its cordon log (SC-2), its photo log and sketches (SC-3), and items
collected at it (SC-4): who may write, what is refused with nothing written, what the ledger keeps."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from dalil import access
from dalil.audit.models import Entry
from dalil.core.models import StoredFile
from dalil.scenes import services
from dalil.scenes.models import CordonEntry, Scene, ScenePhoto

from .conftest import jpeg

pytestmark = pytest.mark.django_db(transaction=True)
H = dt.timedelta(hours=1)


def _count() -> tuple[int, int, int, int, int]:
    return (
        Scene.objects.count(),
        CordonEntry.objects.count(),
        ScenePhoto.objects.count(),
        StoredFile.objects.count(),
        Entry.objects.count(),
    )


# --- The scene record -----------------------------------------------------------------------------
def test_a_scene_takes_a_number_and_its_record_is_on_the_ledger(scene: Any, case: Any) -> None:
    year = timezone.localtime(scene.called_at).year
    assert scene.number == f"SC-{year}-000001"
    assert scene.unit == case.unit
    entry = Entry.objects.filter(action="scenes.scene_recorded").get()
    assert json.loads(entry.payload)["number"] == scene.number
    assert json.loads(entry.payload)["case"] == case.number
    assert json.loads(entry.payload)["latitude"] == "33.306300"
    assert json.loads(entry.payload)["lead_officer"] == "scene.officer"


def test_the_crime_scene_officer_records_a_scene_of_a_case_he_does_not_investigate(
    case: Any, officer: Any, scene_fields: dict[str, Any]
) -> None:
    assert not access.can(officer, "work", case)
    scene = services.scene_record(actor=officer, case=case, **scene_fields)
    assert scene.lead_officer == officer


@pytest.mark.parametrize("role", ["analyst", "evidence_custodian", "lab_examiner"])
def test_who_neither_works_on_the_case_nor_records_scenes_is_refused(
    case: Any, make_user: Any, scene_fields: dict[str, Any], role: str
) -> None:
    reader = make_user(f"r.{role}", role=role, at="BGD-KARADA")
    before = _count()
    with pytest.raises(access.Denied):
        services.scene_record(actor=reader, case=case, **scene_fields)
    assert _count()[:4] == before[:4]
    assert not Entry.objects.filter(action="scenes.scene_recorded").exists()


def test_an_outsider_cannot_record_a_scene_of_another_stations_case(
    case: Any, outsider: Any, scene_fields: dict[str, Any]
) -> None:
    with pytest.raises(access.Denied):
        services.scene_record(actor=outsider, case=case, **scene_fields)
    assert not Scene.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"latitude": Decimal("51.5"), "longitude": Decimal("44.4")}, "latitude"),
        ({"latitude": Decimal("33.3"), "longitude": Decimal("4.4")}, "longitude"),
        ({"latitude": Decimal("44.4264"), "longitude": Decimal("33.3063")}, "latitude"),
        ({"longitude": None}, "longitude"),
        ({"arrived_at": "before"}, "arrived_at"),
        ({"arrived_at": None, "released_at": "now"}, "arrived_at"),
        ({"released_at": "before"}, "released_at"),
        ({"called_at": "future"}, "called_at"),
        ({"called_at": None}, "called_at"),
        ({"address": "  "}, "address"),
        ({"title": ""}, "title"),
        ({"governorate": None}, "governorate"),
        ({"weather": "snowing"}, "weather"),
        ({"lead_officer": None}, "lead_officer"),
        ({"lead_officer": "outsider"}, "lead_officer"),
    ],
)
def test_a_bad_scene_is_refused_beside_its_field_and_nothing_is_written(
    case: Any,
    lead: Any,
    outsider: Any,
    scene_fields: dict[str, Any],
    change: dict[str, Any],
    field: str,
) -> None:
    now = timezone.now()
    moments = {
        "before": scene_fields["called_at"] - H,
        "now": now,
        "future": now + 2 * H,
        "outsider": outsider,
    }
    fields = {**scene_fields, **{k: moments.get(v, v) for k, v in change.items()}}  # type: ignore[call-overload]
    before = _count()
    with pytest.raises(ValidationError) as refused:
        services.scene_record(actor=lead, case=case, **fields)
    assert field in refused.value.message_dict
    assert _count() == before


def test_a_change_keeps_before_and_after_and_a_stale_page_is_a_conflict(
    scene: Any, lead: Any, scene_fields: dict[str, Any]
) -> None:
    released = timezone.now() - dt.timedelta(minutes=10)
    changed = services.scene_update(
        actor=lead,
        scene=scene,
        version=scene.version,
        **{**scene_fields, "released_at": released, "narrative": "رُفعت الآثار"},
    )
    assert changed.version == 2 and changed.is_released
    entry = Entry.objects.filter(action="scenes.scene_changed").get()
    assert set(json.loads(entry.payload)["changed"]) == {"released_at", "narrative_sha256"}
    assert json.loads(entry.payload)["changed"]["released_at"]["from"] is None
    with pytest.raises(services.Conflict):
        services.scene_update(actor=lead, scene=scene, version=1, **scene_fields)
    with pytest.raises(ValidationError):
        services.scene_update(
            actor=lead,
            scene=changed,
            version=2,
            **{**scene_fields, "released_at": released, "narrative": "رُفعت الآثار"},
        )
    assert Entry.objects.filter(action="scenes.scene_changed").count() == 1


def test_the_database_refuses_an_arrival_before_the_call(scene: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Scene.objects.filter(pk=scene.pk).update(arrived_at=scene.called_at - H)


# --- The cordon log -------------------------------------------------------------------------------
def test_entries_and_exits_of_the_cordon_are_kept_and_ledgered(
    scene: Any, lead: Any, officer: Any
) -> None:
    inside = services.cordon_enter(
        actor=officer,
        scene=scene,
        cordon="inner",
        reason="رفع الآثار",
        person=officer,
        protective=["suit", "gloves"],
        entered_at=scene.arrived_at,
    )
    paramedic = services.cordon_enter(
        actor=lead,
        scene=scene,
        cordon="outer",
        reason="التحقق من الوفاة",
        person_name="المسعف علي",
        organisation="الدفاع المدني",
    )
    assert inside.protective == ["gloves", "suit"]
    assert paramedic.who == "المسعف علي"
    out = services.cordon_leave(actor=officer, entry=inside, left_at=scene.arrived_at + H)
    assert out.left_at == scene.arrived_at + H
    actions = list(
        Entry.objects.filter(action__startswith="scenes.cordon").values_list("action", flat=True)
    )
    assert actions == ["scenes.cordon_entered", "scenes.cordon_entered", "scenes.cordon_left"]


def test_the_cordon_log_refuses_what_cannot_be(scene: Any, lead: Any, officer: Any) -> None:
    entry = services.cordon_enter(
        actor=lead, scene=scene, cordon="inner", reason="تحقيق", person=officer
    )
    before = _count()
    with pytest.raises(ValidationError, match="already inside"):
        services.cordon_enter(actor=lead, scene=scene, cordon="inner", reason="x", person=officer)
    with pytest.raises(ValidationError) as nobody:
        services.cordon_enter(actor=lead, scene=scene, cordon="inner", reason="x")
    assert "person" in nobody.value.message_dict
    with pytest.raises(ValidationError) as both:
        services.cordon_enter(
            actor=lead, scene=scene, cordon="inner", reason="x", person=lead, person_name="x"
        )
    assert "person" in both.value.message_dict
    with pytest.raises(ValidationError) as early:
        services.cordon_leave(actor=lead, entry=entry, left_at=entry.entered_at - H)
    assert "left_at" in early.value.message_dict
    with pytest.raises(ValidationError) as kit:
        services.cordon_enter(
            actor=lead, scene=scene, cordon="inner", reason="x", person=lead, protective=["cape"]
        )
    assert "protective" in kit.value.message_dict
    assert _count() == before
    services.cordon_leave(actor=lead, entry=entry)
    with pytest.raises(ValidationError, match="already recorded"):
        services.cordon_leave(actor=lead, entry=entry)


def test_the_database_allows_one_stay_at_a_time_in_a_cordon(scene: Any, officer: Any) -> None:
    fields = {"scene": scene, "person": officer, "cordon": "inner", "reason": "x"}
    CordonEntry.objects.create(entered_at=timezone.now(), **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        CordonEntry.objects.create(entered_at=timezone.now(), **fields)


def test_a_released_scene_takes_no_more_entries(
    scene: Any, lead: Any, scene_fields: dict[str, Any]
) -> None:
    services.scene_update(
        actor=lead, scene=scene, version=1, **{**scene_fields, "released_at": timezone.now()}
    )
    with pytest.raises(ValidationError, match="released"):
        services.cordon_enter(actor=lead, scene=scene, cordon="inner", reason="x", person=lead)


# --- The photo log --------------------------------------------------------------------------------
def test_a_photograph_goes_to_the_vault_with_its_camera_time(scene: Any, officer: Any) -> None:
    photo = services.photo_add(
        actor=officer, scene=scene, upload=jpeg("2026:01:02 10:20:30"), description="الواجهة"
    )
    assert photo.seq == 1
    assert photo.exif_time == "2026:01:02 10:20:30"
    # No stated time: the camera's, read as Baghdad time (UTC+3).
    assert photo.taken_at == dt.datetime(2026, 1, 2, 7, 20, 30, tzinfo=dt.UTC)
    assert photo.sha256 == photo.stored.blob_id and len(photo.sha256) == 64
    assert photo.stored.attached_to == "scenes.photo"
    entry = Entry.objects.filter(action="scenes.photo_added").get()
    assert entry.seq == photo.ledger_seq
    assert json.loads(entry.payload)["sha256"] == photo.sha256
    assert json.loads(entry.payload)["exif_time"] == "2026:01:02 10:20:30"
    second = services.photo_add(actor=officer, scene=scene, upload=jpeg(), taken_at=None)
    assert second.seq == 2 and second.exif_time == ""


def test_the_photo_log_is_append_only_in_the_database(scene: Any, officer: Any) -> None:
    photo = services.photo_add(actor=officer, scene=scene, upload=jpeg())
    with pytest.raises(DatabaseError), transaction.atomic():
        ScenePhoto.objects.filter(pk=photo.pk).update(description="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        ScenePhoto.objects.filter(pk=photo.pk).delete()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("a.jpg", b"MZ\x90\x00 not a photograph", content_type="image/jpeg"),
        SimpleUploadedFile(
            "a.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/gif"
        ),
        "truncated",
        SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF", content_type="application/pdf"),
    ],
)
def test_what_is_not_a_whole_photograph_is_refused_and_nothing_is_written(
    scene: Any, officer: Any, upload: Any
) -> None:
    if upload == "truncated":
        whole = jpeg(size=(640, 480)).read()
        upload = SimpleUploadedFile("cut.jpg", whole[: len(whole) // 2], content_type="image/jpeg")
    before = _count()
    with pytest.raises(ValidationError) as refused:
        services.photo_add(actor=officer, scene=scene, upload=upload)
    assert "upload" in refused.value.message_dict
    assert _count() == before


def test_a_file_over_the_limit_is_refused(scene: Any, officer: Any, settings: Any) -> None:
    settings.DALIL_SCENE_PHOTO_MAX_BYTES = 1024
    before = _count()
    with pytest.raises(ValidationError, match="larger than the limit"):
        services.photo_add(actor=officer, scene=scene, upload=jpeg(size=(400, 300)))
    assert _count() == before


def test_a_sketch_states_its_scale_and_shows_items_of_the_case(
    scene: Any, lead: Any, officer: Any, case: Any, tree: Any
) -> None:
    from dalil.cases import services as case_services
    from dalil.evidence import services as evidence

    item = evidence.item_record(
        actor=officer,
        case=case,
        scene=scene,
        description="ظرف فارغ",
        category="weapon",
        quantity=Decimal(1),
        quantity_unit="piece",
        seal_number="S-1",
    )
    pdf = SimpleUploadedFile("s.pdf", b"%PDF-1.4\n1 0 obj\n%%EOF", content_type="application/pdf")
    with pytest.raises(ValidationError) as no_scale:
        services.photo_add(actor=officer, scene=scene, upload=pdf, kind="sketch")
    assert "scale" in no_scale.value.message_dict
    other_case = case_services.case_create(
        actor=lead, unit=tree["BGD-KARADA"], title="قضية أخرى", lead=lead
    )
    elsewhere = evidence.item_record(
        actor=lead,
        case=other_case,
        description="x",
        category="other",
        quantity=Decimal(1),
        quantity_unit="piece",
        seal_number="S-2",
    )
    with pytest.raises(ValidationError) as foreign:
        services.photo_add(
            actor=officer,
            scene=scene,
            upload=pdf,
            kind="sketch",
            scale="1:50",
            item_numbers=[item.number, elsewhere.number],
        )
    assert elsewhere.number in str(foreign.value.message_dict["item_numbers"])
    sketch = services.photo_add(
        actor=officer,
        scene=scene,
        upload=pdf,
        kind="sketch",
        scale="1:50",
        item_numbers=[item.number.lower()],
    )
    assert sketch.item_numbers == [item.number] and sketch.scale == "1:50"


# --- Who writes about a scene ---------------------------------------------------------------------
def test_the_scene_lead_works_at_his_scene_and_collects_items_there(
    scene: Any, officer: Any, case: Any
) -> None:
    from dalil.evidence import services as evidence

    assert services.may_work(officer, scene)
    item = evidence.item_record(
        actor=officer,
        case=case,
        scene=scene,
        description="ظرف فارغ",
        category="weapon",
        quantity=Decimal(1),
        quantity_unit="piece",
        seal_number="S-9",
    )
    assert item.scene == scene and item.holder_user == officer
    assert item.collected_from == scene.address
    # Without naming his scene he is not working on the case.
    with pytest.raises(access.Denied):
        evidence.item_record(
            actor=officer,
            case=case,
            description="x",
            category="other",
            quantity=Decimal(1),
            quantity_unit="piece",
            seal_number="S-10",
        )


def test_another_scene_officer_cannot_write_about_a_scene_he_does_not_lead(
    scene: Any, make_user: Any
) -> None:
    colleague = make_user("scene.two", role="scene_officer", at="BGD-KARADA")
    assert not services.may_work(colleague, scene)
    with pytest.raises(access.Denied):
        services.cordon_enter(
            actor=colleague, scene=scene, cordon="inner", reason="x", person=colleague
        )
    with pytest.raises(access.Denied):
        services.photo_add(actor=colleague, scene=scene, upload=jpeg())
    assert not CordonEntry.objects.exists() and not ScenePhoto.objects.exists()


def test_an_item_cannot_name_a_scene_of_another_case(scene: Any, lead: Any, tree: Any) -> None:
    from dalil.cases import services as case_services
    from dalil.evidence import services as evidence
    from dalil.evidence.models import Item

    other = case_services.case_create(
        actor=lead, unit=tree["BGD-KARADA"], title="قضية أخرى", lead=lead
    )
    with pytest.raises(ValidationError) as refused:
        evidence.item_record(
            actor=lead,
            case=other,
            scene=scene,
            description="x",
            category="other",
            quantity=Decimal(1),
            quantity_unit="piece",
            seal_number="S-3",
        )
    assert "scene" in refused.value.message_dict
    assert not Item.objects.exists()


def test_a_closed_case_takes_no_more_scene_work(scene: Any, lead: Any, officer: Any) -> None:
    from dalil.cases.models import Case

    Case.objects.filter(pk=scene.case_id).update(status=Case.Status.CLOSED)
    scene.refresh_from_db()
    assert not services.may_work(officer, scene)
    with pytest.raises(ValidationError):
        services.photo_add(actor=officer, scene=scene, upload=jpeg())
