"""The scene pages: record a scene from its case, the scene's page with its offline map, the cordon
log, the photo log (upload and download), a change that lost a race, and items collected at the
scene. Who may not write sees no form (404); an outsider sees nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dalil.audit.models import Entry
from dalil.scenes.models import CordonEntry, Scene, ScenePhoto

from .conftest import jpeg

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def moment(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def test_the_scene_officer_records_a_scene_from_the_case_page(
    client_for: Any, case: Any, officer: Any, baghdad: Any
) -> None:
    client = client_for(officer)
    create = reverse("scenes:create", args=[case.number])
    assert create in page(client, reverse("cases:detail", args=[case.number]))
    called = timezone.now() - timezone.timedelta(hours=2)
    form = {
        "title": "محل صيرفة",
        "governorate": baghdad.pk,
        "address": "الكرادة داخل",
        "latitude": "33.3063",
        "longitude": "44.4264",
        "called_at": moment(called),
        "lead_officer": officer.pk,
        "weather": "dust",
    }
    bad = client.post(create, {**form, "latitude": "51.5"})
    assert bad.status_code == 200
    assert "outside Iraq" in bad.content.decode()
    assert not Scene.objects.exists()
    response = client.post(create, form)
    scene = Scene.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("scenes:detail", args=[scene.number])
    html = page(client, response["Location"])
    assert "<svg" in html and 'fill="#dc3545"' in html  # the scene's point on the offline map
    assert "Dust storm" in html
    assert reverse("scenes:photo_add", args=[scene.number]) in html


def test_cordon_and_photo_log_through_the_pages(
    client_for: Any, scene: Any, officer: Any, outsider: Any
) -> None:
    client = client_for(officer)
    response = client.post(
        reverse("scenes:cordon_enter", args=[scene.number]),
        {"cordon": "inner", "person": officer.pk, "reason": "رفع الآثار", "protective": ["suit"]},
    )
    assert response.status_code == 302
    entry = CordonEntry.objects.get()
    assert (
        client.post(reverse("scenes:cordon_leave", args=[scene.number, entry.pk]), {}).status_code
        == 302
    )
    entry.refresh_from_db()
    assert entry.left_at is not None

    not_image = client.post(
        reverse("scenes:photo_add", args=[scene.number]),
        {"kind": "photo", "upload": jpeg(name="x.jpg").__class__("x.jpg", b"hello", "image/jpeg")},
    )
    assert not_image.status_code == 200
    assert "Only photographs" in not_image.content.decode()
    assert not ScenePhoto.objects.exists()
    added = client.post(
        reverse("scenes:photo_add", args=[scene.number]),
        {"kind": "photo", "upload": jpeg("2026:01:02 10:20:30"), "description": "الواجهة"},
    )
    assert added.status_code == 302
    photo = ScenePhoto.objects.get()
    html = page(client, reverse("scenes:detail", args=[scene.number]))
    assert "2026:01:02 10:20:30" in html and photo.sha256[:16] in html
    download = client.get(reverse("scenes:photo_file", args=[scene.number, 1]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")

    stranger = client_for(outsider)
    for url in (
        reverse("scenes:detail", args=[scene.number]),
        reverse("scenes:photo_file", args=[scene.number, 1]),
        reverse("scenes:photo_add", args=[scene.number]),
        reverse("scenes:edit", args=[scene.number]),
    ):
        assert stranger.get(url).status_code == 404, url


def test_a_reader_of_the_case_sees_the_scene_but_no_form(
    client_for: Any, scene: Any, make_user: Any
) -> None:
    analyst = make_user("analyst.karada", role="analyst", at="BGD-KARADA")
    client = client_for(analyst)
    html = page(client, reverse("scenes:detail", args=[scene.number]))
    assert reverse("scenes:edit", args=[scene.number]) not in html
    assert scene.number in page(client, reverse("scenes:list"))
    writes = Entry.objects.count()
    for url in (
        reverse("scenes:edit", args=[scene.number]),
        reverse("scenes:cordon_enter", args=[scene.number]),
        reverse("scenes:photo_add", args=[scene.number]),
    ):
        assert client.post(url, {}).status_code == 404, url
    assert not Entry.objects.filter(pk__gt=writes, action__startswith="scenes.").exists()


def test_a_stale_edit_shows_the_conflict_and_writes_nothing(
    client_for: Any, scene: Any, lead: Any, baghdad: Any, officer: Any
) -> None:
    form = {
        "title": "تغيير",
        "governorate": baghdad.pk,
        "address": scene.address,
        "called_at": moment(scene.called_at),
        "arrived_at": moment(scene.arrived_at),
        "lead_officer": officer.pk,
        "version": 1,
    }
    client = client_for(lead)
    assert client.post(reverse("scenes:edit", args=[scene.number]), form).status_code == 302
    stale = client.post(reverse("scenes:edit", args=[scene.number]), {**form, "title": "ثانية"})
    assert stale.status_code == 200
    assert "Someone else changed this scene" in stale.content.decode()
    assert Scene.objects.get().title == "تغيير"


def test_the_scene_lead_records_an_item_collected_at_his_scene(
    client_for: Any, scene: Any, officer: Any, case: Any
) -> None:
    client = client_for(officer)
    url = reverse("evidence:item_create", args=[case.number])
    html = page(client, f"{url}?scene={scene.number}")
    assert scene.address in html
    response = client.post(
        url,
        {
            "scene": scene.pk,
            "description": "ظرف فارغ",
            "category": "weapon",
            "quantity": "1",
            "quantity_unit": "piece",
            "seal_number": "s-77",
        },
    )
    assert response.status_code == 302
    html = page(client, reverse("scenes:detail", args=[scene.number]))
    assert "S-77" in html
