"""Fixtures of the scene tests: a BGD-KARADA case led by an investigator, the unit's crime-scene
officer (not a member of the case), a scene of the case, and an outsider of another station."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from PIL import Image


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def lead(make_user: Any) -> Any:
    return make_user("lead.karada", role="investigator", at="BGD-KARADA", language="en")


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("scene.officer", role="scene_officer", at="BGD-KARADA", language="en")


@pytest.fixture
def outsider(make_user: Any) -> Any:
    return make_user("out.mansour", unit="BGD-MANSOUR", role="investigator", at="BGD-MANSOUR")


@pytest.fixture
def case(tree: Any, lead: Any) -> Any:
    from dalil.cases import services

    return services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="سرقة مسلحة", lead=lead)


@pytest.fixture
def baghdad() -> Any:
    from dalil.accounts.models import Governorate

    return Governorate.objects.get(code="IQ-BG")


@pytest.fixture
def scene_fields(baghdad: Any, officer: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "title": "محل صيرفة",
        "governorate": baghdad,
        "address": "الكرادة داخل، شارع 62",
        "called_at": now - dt.timedelta(hours=3),
        "arrived_at": now - dt.timedelta(hours=2, minutes=40),
        "lead_officer": officer,
        "latitude": Decimal("33.3063"),
        "longitude": Decimal("44.4264"),
    }


@pytest.fixture
def scene(case: Any, lead: Any, scene_fields: dict[str, Any]) -> Any:
    from dalil.scenes import services

    return services.scene_record(actor=lead, case=case, **scene_fields)


def jpeg(exif_time: str = "", *, size: tuple[int, int] = (64, 48), name: str = "a.jpg") -> Any:
    img = Image.new("RGB", size, (120, 100, 90))
    exif = Image.Exif()
    if exif_time:
        exif.get_ifd(0x8769)[0x9003] = exif_time
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")
