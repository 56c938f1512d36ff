"""Demonstration scenes (idempotent), written through the services by the people who would do it,
with times relative to the moment the demo is loaded.

On the Karrada murder case the station's crime-scene officer (`scene.karada`) recorded two scenes:
the money-exchange shop where the owner was found (released after the search) and the suspect's
house in Hay al-Wahda (still held). Each has its cordon log (the investigator, the officer, a
civil-defence paramedic and the forensic photographer without a Dalil account) and a photo log of
generated photographs (with the camera's time in their EXIF) and a sketch at 1:50. On the Basra
drugs case the investigator recorded the container yard of the port. Nothing is a real place's
photograph: the images are drawn here.

Running it again adds nothing: a scene is known by its case and title.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from dalil import audit
from dalil.accounts.models import Governorate, User
from dalil.cases.models import Case

from . import services
from .models import CordonEntry, Scene

H = dt.timedelta(hours=1)
MIN = dt.timedelta(minutes=1)
KARRADA = "مقتل صاحب محل صيرفة في الكرادة داخل"
BASRA = "الاتجار بالمواد المخدرة عبر ميناء أم قصر"
PHOTOGRAPHER = "المصور الجنائي حيدر عباس الساعدي"


@dataclass
class Spec:
    case_title: str
    recorder: str
    title: str
    governorate: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    called_ago: dt.timedelta
    arrived_after: dt.timedelta
    released_after: dt.timedelta | None
    weather: str
    conditions: str
    narrative: str
    # (user name or "", name as written, organisation, cordon, in after arrival, stay, reason, kit)
    cordon: list[tuple[str, str, str, str, dt.timedelta, dt.timedelta | None, str, list[str]]] = (
        field(default_factory=list)
    )
    photos: list[str] = field(default_factory=list)  # descriptions; the last may be a sketch
    sketch: bool = False


SPECS = [
    Spec(
        KARRADA,
        "scene.karada",
        "محل الصيرفة في الكرادة داخل",
        "IQ-BG",
        "محل الصيرفة في الكرادة داخل، شارع 62، قرب ساحة كهرمانة",
        Decimal("33.306300"),
        Decimal("44.426400"),
        22 * H,
        25 * MIN,
        7 * H,
        "clear",
        "إضاءة المحل الداخلية تعمل؛ الباب الخارجي الزجاجي مكسور من الأسفل.",
        "عُثر على صاحب المحل ملقى خلف منضدة الصرف. طُوق المحل والرصيف المقابل، وصُور الموقع قبل "
        "رفع أي أثر، وثُبتت مواقع الظروف الفارغة الأربعة بأرقام على المخطط.",
        cordon=[
            (
                "investigator.karada",
                "",
                "",
                "inner",
                5 * MIN,
                3 * H,
                "إدارة التحقيق في الموقع",
                ["gloves", "overshoes", "suit"],
            ),
            (
                "scene.karada",
                "",
                "",
                "inner",
                0 * MIN,
                6 * H,
                "رفع الآثار والتصوير والمخطط",
                ["gloves", "mask", "suit", "overshoes", "hair_cover"],
            ),
            (
                "",
                PHOTOGRAPHER,
                "مديرية الأدلة الجنائية",
                "inner",
                20 * MIN,
                2 * H,
                "التصوير الجنائي",
                ["gloves", "overshoes", "suit"],
            ),
            (
                "",
                "المسعف علي كريم الدراجي",
                "الدفاع المدني",
                "outer",
                -10 * MIN,
                30 * MIN,
                "التحقق من الوفاة",
                ["gloves"],
            ),
        ],
        photos=[
            "منظر عام لواجهة المحل من الرصيف المقابل",
            "منضدة الصرف وموقع المجني عليه",
            "الظروف الفارغة 1 إلى 4 قرب الباب الخارجي مع مقياس",
            "مخطط المحل بمقياس 1:50 مع أرقام المبرزات",
        ],
        sketch=True,
    ),
    Spec(
        KARRADA,
        "scene.karada",
        "دار المشتبه به في حي الوحدة",
        "IQ-BG",
        "دار المشتبه به في حي الوحدة، محلة 904، زقاق 12",
        Decimal("33.297100"),
        Decimal("44.439800"),
        11 * H,
        20 * MIN,
        None,
        "clear",
        "",
        "تفتيش الدار بقرار قاضي التحقيق بعد القبض على المشتبه به.",
        cordon=[
            (
                "scene.karada",
                "",
                "",
                "inner",
                0 * MIN,
                None,
                "التفتيش ورفع المبرزات",
                ["gloves", "overshoes"],
            ),
            ("investigator.karada", "", "", "outer", 10 * MIN, 2 * H, "حضور التفتيش", ["gloves"]),
        ],
        photos=["خزانة الملابس في غرفة النوم حيث عُثر على المسدس"],
    ),
    Spec(
        BASRA,
        "investigator.basra",
        "ساحة الحاويات في ميناء أم قصر الشمالي",
        "IQ-BA",
        "ميناء أم قصر الشمالي، ساحة الحاويات رقم 3",
        Decimal("30.035000"),
        Decimal("47.943000"),
        20 * H,
        45 * MIN,
        9 * H,
        "dust",
        "غبار خفيف ورياح شمالية غربية.",
        "فتح الحاوية بحضور ممثل الكمارك وإدارة الميناء وضبط الحبوب المخبأة بين الطرود.",
    ),
]


def _image(seed: int, *, sketch: bool, taken: dt.datetime) -> SimpleUploadedFile:
    """A drawn stand-in for a photograph (JPEG with the camera's time in EXIF) or a sketch (PNG)."""
    size = (1200, 800) if sketch else (1024, 768)
    img = Image.new("RGB", size, (250, 250, 245) if sketch else (90 + seed * 20, 85, 80))
    draw = ImageDraw.Draw(img)
    if sketch:
        draw.rectangle((100, 100, 1100, 700), outline=(0, 0, 0), width=6)  # the shop's walls
        draw.rectangle((450, 100, 750, 180), outline=(0, 0, 0), width=3)  # the counter
        for n, (x, y) in enumerate([(560, 640), (600, 610), (640, 650), (700, 620)], start=1):
            draw.ellipse((x - 14, y - 14, x + 14, y + 14), outline=(200, 0, 0), width=4)
            draw.text((x - 4, y - 8), str(n), fill=(200, 0, 0))
        draw.line((100, 750, 350, 750), fill=(0, 0, 0), width=4)  # scale bar: 1.25 m at 1:50
        buf = io.BytesIO()
        img.save(buf, "PNG")
        return SimpleUploadedFile("sketch.png", buf.getvalue(), content_type="image/png")
    for k in range(6):
        draw.rectangle(
            (80 + k * 150, 200 + (k * 37 + seed * 53) % 300, 180 + k * 150, 700),
            fill=(150 + seed * 10, 140 - k * 10, 120),
        )
    exif = Image.Exif()
    local = timezone.localtime(taken)
    exif.get_ifd(0x8769)[0x9003] = local.strftime("%Y:%m:%d %H:%M:%S")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=70, exif=exif)
    return SimpleUploadedFile(f"IMG_{seed:04d}.JPG", buf.getvalue(), content_type="image/jpeg")


def _load_one(spec: Spec, case: Case, now: dt.datetime) -> bool:
    if Scene.objects.filter(case=case, title=spec.title).exists():
        return False
    recorder = User.objects.filter(username=spec.recorder, is_active=True).first()
    if recorder is None:
        return False
    called = now - spec.called_ago
    arrived = called + spec.arrived_after
    scene = services.scene_record(
        actor=recorder,
        case=case,
        title=spec.title,
        governorate=Governorate.objects.get(code=spec.governorate),
        address=spec.address,
        latitude=spec.latitude,
        longitude=spec.longitude,
        called_at=called,
        arrived_at=arrived,
        lead_officer=recorder,
        weather=spec.weather,
        conditions=spec.conditions,
        narrative=spec.narrative,
    )
    entries: list[tuple[CordonEntry, dt.datetime | None]] = []
    for username, name, organisation, cordon, after, stay, reason, kit in spec.cordon:
        person = User.objects.filter(username=username).first() if username else None
        entered = arrived + after
        entry = services.cordon_enter(
            actor=recorder,
            scene=scene,
            cordon=cordon,
            reason=reason,
            entered_at=entered,
            person=person,
            person_name=name,
            organisation=organisation,
            protective=kit,
        )
        entries.append((entry, entered + stay if stay is not None else None))
    for n, description in enumerate(spec.photos, start=1):
        sketch = spec.sketch and n == len(spec.photos)
        taken = arrived + (30 + 12 * n) * MIN
        services.photo_add(
            actor=recorder,
            scene=scene,
            upload=_image(n, sketch=sketch, taken=taken),
            kind="sketch" if sketch else "photo",
            taken_at=taken if sketch else None,  # a photograph's time comes from its camera
            description=description,
            scale="1:50" if sketch else "",
        )
    for entry, left in entries:
        if left is not None:
            services.cordon_leave(actor=recorder, entry=entry, left_at=left)
    if spec.released_after is not None:
        scene.refresh_from_db()
        services.scene_update(
            actor=recorder,
            scene=scene,
            version=scene.version,
            **{
                name: getattr(scene, name)
                for name in (
                    "title",
                    "governorate",
                    "address",
                    "latitude",
                    "longitude",
                    "called_at",
                    "arrived_at",
                    "lead_officer",
                    "weather",
                    "conditions",
                    "narrative",
                )
            },
            released_at=called + spec.released_after,
        )
    return True


def load() -> int:
    """Record the demonstration scenes that do not exist yet; returns how many were added."""
    now = timezone.now()
    cases = {c.title: c for c in Case.objects.filter(title__in={s.case_title for s in SPECS})}
    made = 0
    with audit.ledger.source("cli:demo"):  # each service commits on its own (durable)
        for spec in SPECS:
            case = cases.get(spec.case_title)
            if case is None or case.status == Case.Status.CLOSED:
                continue
            if _load_one(spec, case, now):
                made += 1
    return made
