"""Demonstration evidence (idempotent) on the demo cases of dalil.cases.demo, written through the
services by the people who would do it, with times relative to the moment the demo is loaded.

The evidence custodian of the Karrada station (`custodian.karada`) has set up the station's store:
a building, a room, shelves with bins, a drugs safe that takes only drugs and a weapons cabinet
that takes only weapons and ammunition. On the Karrada murder case its lead investigator
(`investigator.karada`) has recorded the items found at the scene, in the suspect's house and in
his car, and handed each of them to the store. The custodian confirmed the receipt of most (one at
the counter, on the investigator's screen; one, whose seal was torn on the way, resealed with a
new seal); two are still in transit, waiting in the custodian's "Items awaiting my receipt"; one
hand-over the investigator withdrew, and he still holds that item. On the Basra drugs case the
lead investigator (`investigator.basra`) still holds the two items he collected. After the court's
order, the hashish in the drugs safe was destroyed (asked for by the investigator, approved by the
Baghdad commander, burnt by the custodian with the crime-scene officer as witness), and the
return of the victim's phone to his family awaits the commander's approval. The custodian has
counted the evidence room once (everything found, and one label of the old paper register). The
recorder's hard disk has its image kept with the imaging tool's hashes, verified once. The times of
collection stay within a day of the case's opening, which the service requires. Every
description, serial and seal number is invented.

Running it again adds nothing: a location is known by its code, an item by its case and the seal
number it was collected under (the first link of its chain: a resealed item carries a new one).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from dalil import audit
from dalil.accounts.models import Unit, User
from dalil.cases.models import Case

from . import services
from .models import CustodyEvent, Item, SealState, StorageLocation

H = dt.timedelta(hours=1)
MIN = dt.timedelta(minutes=1)

KARRADA = "مقتل صاحب محل صيرفة في الكرادة داخل"
BASRA = "الاتجار بالمواد المخدرة عبر ميناء أم قصر"
STORE_UNIT = "BGD-KARADA"
CUSTODIAN = "custodian.karada"

TO_STORE = "إيداع في مخزن المبرزات الجرمية لحين إرساله إلى المختبر"

# code, inside (code), kind, name, categories taken ([]: any), capacity
LOCATIONS: list[tuple[str, str | None, str, str, list[str], str]] = [
    ("KRD-EV", None, "building", "بناية المبرزات الجرمية - مركز شرطة الكرادة", [], ""),
    ("KRD-EV-R1", "KRD-EV", "room", "غرفة حفظ المبرزات رقم 1", [], "مكيفة، باب حديدي بقفلين"),
    ("R1-S1", "KRD-EV-R1", "shelf", "الرف الأول - المبرزات العامة", [], "أربعة صناديق"),
    ("R1-S1-B1", "R1-S1", "bin", "الصندوق 1 - الأجهزة الرقمية", [], "حتى 20 جهازاً"),
    ("R1-S1-B2", "R1-S1", "bin", "الصندوق 2 - المستندات والمبالغ النقدية", [], ""),
    ("R1-S2", "KRD-EV-R1", "shelf", "الرف الثاني - العينات البيولوجية", [], "بعيداً عن الحرارة"),
    ("R1-S2-B1", "R1-S2", "bin", "الصندوق 1 - المسحات والعينات الجافة", [], ""),
    ("R1-SAFE-D", "KRD-EV-R1", "bin", "خزنة المواد المخدرة", ["drugs"], "خزنة حديدية مثبتة"),
    ("R1-CAB-W", "KRD-EV-R1", "bin", "خزانة الأسلحة والذخائر", ["weapon"], "اثنا عشر مسدساً"),
]


@dataclass
class Spec:
    """One demonstration item and what happened to it since it was collected `ago`."""

    case_title: str
    seal: str
    description: str
    category: str
    quantity: Decimal
    quantity_unit: str
    ago: dt.timedelta
    collected_from: str
    method: str
    packaging: str
    hazards: list[str] = field(default_factory=list)
    # "held" (still with its collector), "stored" (received into `store`), "counter" (received
    # at the counter on the investigator's screen), "resealed" (received with a new seal),
    # "in_transit" (released to `store` `released_ago`, not yet received), "withdrawn"
    # (released to `store`, then taken back).
    story: str = "held"
    store: str = ""
    released_ago: dt.timedelta = 2 * H
    new_seal: str = ""


SPECS: list[Spec] = [
    Spec(
        KARRADA,
        "SL-26-00123",
        "مسدس نوع كلوك 19 عيار 9×19 ملم أسود اللون، الرقم التسلسلي BKR417، مع مخزن فارغ؛ "
        "عُثر عليه غير محشو.",
        "weapon",
        Decimal("1"),
        "piece",
        9 * H,
        "دار المشتبه به في حي الوحدة، داخل خزانة الملابس في غرفة النوم",
        "رُفع بالقفازات من الإطار دون لمس المقبض، وفُحص للتأكد من خلوه من الإطلاقات",
        "صندوق كرتوني للأسلحة مختوم بشريط الأدلة",
        story="counter",
        store="R1-CAB-W",
    ),
    Spec(
        KARRADA,
        "SL-26-00124",
        "أربعة ظروف فارغة (فوارغ) عيار 9 ملم، نحاسية اللون، مرقمة في موقع الحادث من 1 إلى 4.",
        "weapon",
        Decimal("4"),
        "piece",
        19 * H,
        "محل الصيرفة في الكرادة داخل، أرضية المحل قرب الباب الخارجي",
        "التُقطت بملقط بلاستيكي بعد التصوير وتثبيت مواقعها على المخطط",
        "أنبوب بلاستيكي لكل ظرف داخل كيس أدلة واحد",
        story="in_transit",
        store="R1-CAB-W",
        released_ago=50 * MIN,
    ),
    Spec(
        KARRADA,
        "SL-26-00125",
        "مسحة من بقعة دم على قميص المجني عليه (الجهة الأمامية اليسرى)، جُففت هوائياً.",
        "biological",
        Decimal("1"),
        "piece",
        18 * H,
        "محل الصيرفة في الكرادة داخل، خلف منضدة الصرف",
        "مسحة قطنية معقمة مرطبة بماء مقطر، مع مسحة ضابطة من جزء نظيف من القميص",
        "ظرف ورقي داخل كيس أدلة بيولوجية",
        hazards=["biohazard"],
        story="stored",
        store="R1-S2-B1",
    ),
    Spec(
        KARRADA,
        "SL-26-00126",
        "كيس نايلون شفاف يحتوي مادة عشبية جافة خضراء يشتبه بأنها حشيشة، الوزن القائم 12.4 غرام.",
        "drugs",
        Decimal("12.4"),
        "g",
        8 * H,
        "سيارة المشتبه به، صندوق التابلو الأمامي",
        "وُزن بميزان الدورية أمام شاهدين",
        "كيس أدلة بلاستيكي مختوم",
        story="stored",
        store="R1-SAFE-D",
    ),
    Spec(
        KARRADA,
        "SL-26-00127",
        "هاتف محمول نوع سامسونج غالاكسي أسود اللون، شاشته مكسورة، مقفل برمز سري؛ يعود للمجني عليه.",
        "digital",
        Decimal("1"),
        "piece",
        18 * H,
        "محل الصيرفة في الكرادة داخل، على منضدة الصرف",
        "أُطفئ ووُضع في وضع الطيران قبل التغليف",
        "كيس عازل للإشارة داخل كيس أدلة",
        story="resealed",
        store="R1-S1-B1",
        new_seal="SL-26-00131",
    ),
    Spec(
        KARRADA,
        "SL-26-00128",
        "هاتف محمول نوع آيفون أزرق اللون مع شريحة اتصال؛ ضُبط بحوزة المشتبه به.",
        "digital",
        Decimal("1"),
        "piece",
        8 * H,
        "دار المشتبه به في حي الوحدة، عند إلقاء القبض عليه",
        "وُضع في وضع الطيران ولم يُفتح محتواه",
        "كيس عازل للإشارة داخل كيس أدلة",
        story="in_transit",
        store="R1-S1-B1",
        released_ago=35 * MIN,
    ),
    Spec(
        KARRADA,
        "SL-26-00129",
        "مبلغ نقدي: 2,350 دولاراً أمريكياً (فئتا 100 و50) و1,750,000 دينار عراقي "
        "(فئة 25,000)، في رزمتين ملفوفتين بأربطة مطاطية.",
        "currency",
        Decimal("2"),
        "piece",
        9 * H,
        "دار المشتبه به في حي الوحدة، داخل حقيبة سفر تحت السرير",
        "عُد المبلغ مرتين أمام شاهدين ودُونت أرقام الأوراق من فئة 100 دولار",
        "ظرف أمني مرقم",
        story="stored",
        store="R1-S1-B2",
    ),
    Spec(
        KARRADA,
        "SL-26-00130",
        "هويتا أحوال مدنية مزورتان تحملان صورة المشتبه به باسمين مختلفين.",
        "document",
        Decimal("2"),
        "piece",
        8 * H,
        "سيارة المشتبه به، تحت غطاء المقعد الأمامي",
        "رُفعت بالقفازات للمحافظة على البصمات",
        "ظرف ورقي لكل مستند داخل كيس أدلة",
        story="stored",
        store="R1-S1-B2",
    ),
    Spec(
        KARRADA,
        "SL-26-00132",
        "قرص صلب سعة 1 تيرابايت من جهاز تسجيل كاميرات المراقبة (DVR) في محل الصيرفة.",
        "digital",
        Decimal("1"),
        "piece",
        17 * H,
        "محل الصيرفة في الكرادة داخل، الغرفة الخلفية",
        "فُك القرص بعد تصوير الجهاز وتدوين وقته مقارنةً بالوقت الفعلي",
        "علبة مضادة للكهرباء الساكنة داخل كيس أدلة",
        story="withdrawn",
        store="R1-S1-B1",
        released_ago=3 * H,
    ),
    Spec(
        BASRA,
        "SL-26-00201",
        "عينة من أقراص صفراء مدورة تحمل شعار هلالين متقابلين يشتبه بأنها كبتاغون، "
        "مأخوذة من الكارتونة رقم 17 من أصل 40، الوزن 250 غرام.",
        "drugs",
        Decimal("250"),
        "g",
        16 * H,
        "ميناء أم قصر، الرصيف رقم 9، الحاوية المضبوطة",
        "أُخذت العينة بحضور ممثل الكمارك ووُزنت بميزان الميناء",
        "كيس أدلة بلاستيكي مختوم داخل ظرف ورقي",
    ),
    Spec(
        BASRA,
        "SL-26-00202",
        "بيان كمركي وقائمة تعبئة مزوّران يصفان محتوى الحاوية بأنه قطع غيار سيارات.",
        "document",
        Decimal("2"),
        "piece",
        15 * H,
        "ميناء أم قصر، مكتب التخليص الكمركي",
        "نسخ أصلية سُلمت من موظفة التخليص بمحضر تسليم",
        "ظرف ورقي مختوم",
    ),
]


def _locations(unit: Unit, custodian: User) -> tuple[dict[str, StorageLocation], int]:
    """The Karrada store, set up by its custodian (the locations that exist are kept)."""
    known = {loc.code: loc for loc in StorageLocation.objects.filter(unit=unit)}
    made = 0
    for code, parent, kind, name, categories, capacity in LOCATIONS:
        if code in known:
            continue
        known[code] = services.location_create(
            actor=custodian,
            unit=unit,
            code=code,
            name=name,
            kind=kind,
            parent=known[parent] if parent else None,
            categories=categories,
            capacity_note=capacity,
        )
        made += 1
    return known, made


def _scene(case: Case, collected_from: str) -> Any:
    """The demo scene (dalil.scenes.demo, loaded before this) whose title begins the place where
    the item was found: the shop and the house have a scene, the car has none."""
    for scene in case.scenes.all():  # type: ignore[attr-defined]
        if collected_from.startswith(scene.title):
            return scene
    return None


def _exists(case: Case, seal: str) -> bool:
    """The item was recorded by an earlier run: its first link carries the seal it came under."""
    return CustodyEvent.objects.filter(item__case=case, seq=1, seal_number=seal).exists()


def _load_one(
    spec: Spec,
    case: Case,
    stores: dict[str, StorageLocation],
    custodian: User | None,
    now: dt.datetime,
) -> bool:
    if _exists(case, spec.seal):
        return False
    store = stores.get(spec.store) if spec.store else None
    if spec.story != "held" and (store is None or custodian is None):
        return False  # no store to hand it to: the item would tell a different story
    lead = case.lead
    collected = now - spec.ago
    item: Item = services.item_record(
        actor=lead,
        case=case,
        description=spec.description,
        category=spec.category,
        quantity=spec.quantity,
        quantity_unit=spec.quantity_unit,
        seal_number=spec.seal,
        collected_at=collected,
        collected_by=lead,
        collected_from=spec.collected_from,
        method=spec.method,
        packaging=spec.packaging,
        hazards=spec.hazards,
        scene=_scene(case, spec.collected_from),
    )
    if store is None or custodian is None:
        return True
    if spec.story in ("in_transit", "withdrawn"):
        released = now - spec.released_ago
    else:
        released = collected + 2 * H
    item = services.transfer_release(
        actor=lead,
        item=item,
        version=item.version,
        to_location=store,
        purpose=TO_STORE,
        at=released,
    )
    received = released + 25 * MIN
    if spec.story == "stored":
        services.transfer_confirm(actor=custodian, item=item, version=item.version, at=received)
    elif spec.story == "counter":
        services.transfer_confirm(
            actor=custodian,
            item=item,
            version=item.version,
            notes="استُلم عند شباك المخزن وأُكد بكلمة مرور أمينة المخزن على شاشة المحقق.",
            on_session_of=lead,
            at=received,
        )
    elif spec.story == "resealed":
        services.transfer_confirm(
            actor=custodian,
            item=item,
            version=item.version,
            seal_state=SealState.RESEALED,
            seal_number=spec.new_seal,
            notes=(
                f"وصل الكيس وختمه {spec.seal} ممزق من طرفه؛ فُتح بحضور المحقق وطوبق محتواه "
                "مع المحضر ثم أُعيد ختمه بختم جديد."
            ),
            at=received,
        )
    elif spec.story == "withdrawn":
        services.transfer_withdraw(
            actor=lead,
            item=item,
            version=item.version,
            reason=(
                "طلب مختبر الأدلة الجنائية تسليم القرص إليه مباشرة لاستخراج التسجيلات؛ "
                "يبقى بعهدة المحقق لحين إرساله بكتاب رسمي."
            ),
        )
    return True


# seal it was collected under, kind, order number, legal basis, to whom, the story ("done":
# approved and carried out with a witness; "asked": awaiting the commander's approval)
DISPOSITIONS = [
    (
        "SL-26-00126",
        "destroy",
        "1187/ج/2026",
        "قرار محكمة جنايات الرصافة بإتلاف المادة المخدرة بعد أخذ عينة منها، "
        "المادة 41 من قانون المخدرات والمؤثرات العقلية رقم 50 لسنة 2017",
        "",
        "done",
    ),
    (
        "SL-26-00127",
        "return",
        "2210/ت/2026",
        "قرار قاضي التحقيق بتسليم هاتف المجني عليه إلى ذويه بعد استنساخ محتواه",
        "شقيق المجني عليه بموجب حجة الوصاية",
        "asked",
    ),
]
APPROVER = "commander.bgd"
WITNESS = "scene.karada"


def _dispositions(case: Case, custodian: User) -> int:
    from . import disposal

    lead = case.lead
    approver = User.objects.filter(username=APPROVER, is_active=True).first()
    witness = User.objects.filter(username=WITNESS, is_active=True).first()
    made = 0
    for seal, kind, order, basis, recipient, story in DISPOSITIONS:
        first = CustodyEvent.objects.filter(item__case=case, seq=1, seal_number=seal).first()
        if first is None or first.item.dispositions.exists():
            continue
        item = first.item
        if item.state != Item.State.HELD or item.holder_location is None:
            continue
        asked = disposal.disposition_request(
            actor=lead,
            item=item,
            version=item.version,
            kind=kind,
            legal_basis=basis,
            order_number=order,
            order_date=timezone.localdate(),
            recipient=recipient,
        )
        made += 1
        if story != "done" or approver is None or witness is None:
            continue
        approved = disposal.disposition_decide(actor=approver, disposition=asked, approve=True)
        item.refresh_from_db()
        disposal.disposition_execute(
            actor=custodian,
            disposition=approved,
            version=item.version,
            method="حُرقت في محرقة مديرية شؤون المخدرات بحضور اللجنة بعد الاحتفاظ بعينة 1 غرام",
            witness=witness,
        )
    return made


def _audit(stores: dict[str, StorageLocation], custodian: User) -> int:
    """The custodian's count of the evidence room: every item found, and one label from the old
    paper register that Dalil does not know."""
    from . import inventory

    room = stores.get("KRD-EV-R1")
    if room is None or room.audits.exists():  # type: ignore[attr-defined]
        return 0
    count = inventory.audit_start(actor=custodian, location=room)
    for item in inventory.expected(custodian, room):
        inventory.audit_scan(actor=custodian, audit_row=count, code=item.number)
    inventory.audit_scan(actor=custodian, audit_row=count, code="KRD-2019-0412")
    inventory.audit_finish(
        actor=custodian,
        audit_row=count,
        notes="جرد شهري. الملصق KRD-2019-0412 من السجل الورقي القديم؛ أُحيل إلى الأمين السابق.",
    )
    return 1


def _disk_image(case: Case) -> int:
    """The recorder's hard disk (still with the investigator): its image, as the laboratory's
    imaging tool produced it, kept with the tool's hashes and verified once. The image's bytes are
    generated here (a stand-in)."""
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from . import digital

    first = CustodyEvent.objects.filter(item__case=case, seq=1, seal_number="SL-26-00132").first()
    if first is None or first.item.files.exists() or first.item.state != Item.State.HELD:
        return 0
    item = first.item
    data = b"".join(hashlib.sha256(f"dvr-{n}".encode()).digest() for n in range(16_384))
    found = digital.hashes([data])
    kept = digital.file_add(
        actor=case.lead,
        item=item,
        upload=SimpleUploadedFile("DVR-HDD-01.E01", data),
        sha256=found["sha256"],
        md5=found["md5"],
        sha1=found["sha1"],
        tool="Guymager 0.8.13",
        acquired_by="د. رنا فاضل الخفاجي - مختبر الأدلة الرقمية",
        acquired_at=first.at + 3 * H,
        notes="صورة كاملة للقرص بمانع كتابة؛ التقرير الورقي للأداة مرفق بالمحضر.",
    )
    digital.verify(actor=case.lead, file=kept)
    return 1


def load() -> int:
    """Set up the Karrada store and record the demonstration items that do not exist yet;
    returns how many locations and items were added (0 without the demo users and cases)."""
    now = timezone.now()
    titles = {spec.case_title for spec in SPECS}
    cases = {
        c.title: c for c in Case.objects.filter(title__in=titles).select_related("unit", "lead")
    }
    unit = Unit.objects.filter(code=STORE_UNIT).first()
    custodian = User.objects.filter(username=CUSTODIAN, is_active=True).first()
    if not cases:
        return 0
    made = 0
    with audit.ledger.source("cli:demo"):  # each service commits on its own (durable)
        stores: dict[str, StorageLocation] = {}
        if unit is not None and custodian is not None:
            stores, made = _locations(unit, custodian)
        for spec in SPECS:
            case = cases.get(spec.case_title)
            if case is None or case.status == Case.Status.CLOSED:
                continue
            if _load_one(spec, case, stores, custodian, now):
                made += 1
        karrada = cases.get(KARRADA)
        if karrada is not None and custodian is not None and karrada.status != Case.Status.CLOSED:
            made += _dispositions(karrada, custodian)
        if custodian is not None:
            made += _audit(stores, custodian)
        if karrada is not None and karrada.status != Case.Status.CLOSED:
            made += _disk_image(karrada)
    return made
