"""The demonstration scenes load once, through the services, on the demo cases; the demo's
evidence items collected at the shop and the house name their scene."""

from __future__ import annotations

import pytest

from dalil.audit.models import Entry
from dalil.scenes import demo
from dalil.scenes.models import CordonEntry, Scene, ScenePhoto

pytestmark = pytest.mark.django_db


@pytest.mark.usefixtures("demo_operator")
def test_the_demo_records_the_scenes_once_with_their_logs() -> None:
    from dalil.accounts import demo as accounts_demo
    from dalil.cases import demo as cases_demo
    from dalil.evidence import demo as evidence_demo
    from dalil.evidence.models import Item

    assert demo.load() == 0  # no demo cases yet
    accounts_demo.load()
    cases_demo.load()
    assert demo.load() == len(demo.SPECS)
    counts = (Scene.objects.count(), ScenePhoto.objects.count(), Entry.objects.count())
    assert demo.load() == 0
    assert counts == (Scene.objects.count(), ScenePhoto.objects.count(), Entry.objects.count())
    shop = Scene.objects.get(title="محل الصيرفة في الكرادة داخل")
    assert shop.is_released and shop.lead_officer.username == "scene.karada"
    assert shop.cordon.filter(person__isnull=True).count() == 2  # without a Dalil account
    assert not CordonEntry.objects.filter(scene=shop, left_at__isnull=True).exists()
    photos = list(shop.photos.order_by("seq"))
    assert [p.kind for p in photos] == ["photo", "photo", "photo", "sketch"]
    assert all(p.exif_time for p in photos[:3]) and photos[3].scale == "1:50"
    house = Scene.objects.get(title="دار المشتبه به في حي الوحدة")
    assert not house.is_released
    assert CordonEntry.objects.filter(scene=house, left_at__isnull=True).count() == 1
    evidence_demo.load()
    assert Item.objects.filter(scene=shop).count() >= 3
    assert Item.objects.filter(scene=house).count() >= 2
    assert Item.objects.filter(scene__isnull=True).exists()  # found in the car: no scene
