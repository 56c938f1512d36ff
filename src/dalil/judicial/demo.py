"""Demonstration requests to the investigative judge (idempotent), on the demo cases of
dalil.cases.demo, written by their lead investigators through the services. Judges' names and order
numbers are invented."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from dalil import audit
from dalil.cases.models import Case, CaseParty

from . import services
from .models import Deadline, JudicialRequest

K = JudicialRequest.Kind
D = Deadline.Kind

KARADA = "مقتل صاحب محل صيرفة في الكرادة داخل"
BASRA = "الاتجار بالمواد المخدرة عبر ميناء أم قصر"


@dataclass(frozen=True)
class Ruling:
    order_number: str
    judge: str
    outcome: str
    text: str
    deadlines: list[tuple[str, dt.timedelta]] = field(default_factory=list)


@dataclass(frozen=True)
class Demo:
    case_title: str
    kind: str
    court: str
    grounds: str
    target: str  # the status the request should reach
    ruling: Ruling | None = None


REQUESTS = [
    Demo(
        KARADA,
        K.SEARCH_WARRANT,
        "محكمة تحقيق الكرادة",
        "تشير إفادة الشاهد وتسجيلات كاميرا المراقبة المقابلة للمحل إلى أن المشتبه به نقل "
        "المبالغ المسروقة إلى مسكنه في منطقة البتاوين، لذا نطلب الإذن بتفتيش المسكن وضبط "
        "المبالغ وأي أدوات استعملت في الجريمة.",
        JudicialRequest.Status.DECIDED,
        Ruling(
            "412/ت/2026",
            "القاضي حيدر عبد الكريم الموسوي",
            JudicialRequest.Outcome.GRANTED,
            "تقرر الإذن بتفتيش دار المشتبه به في منطقة البتاوين بحضور المختار وضبط ما يتعلق "
            "بالجريمة، على أن ينفذ الأمر خلال سبعة أيام ويعرض المحضر على المحكمة.",
            [
                (D.WARRANT_VALID_UNTIL, dt.timedelta(days=7)),
                (D.RETURN_TO_JUDGE, dt.timedelta(days=9)),
            ],
        ),
    ),
    Demo(
        KARADA,
        K.ARREST_WARRANT,
        "محكمة تحقيق الكرادة",
        "تطابقت البصمات المرفوعة من خزنة المحل مع بصمات المشتبه به المسجلة سابقاً، ولم يحضر "
        "رغم تبليغه، لذا نطلب إصدار أمر القبض عليه وفق المادة 406 من قانون العقوبات.",
        JudicialRequest.Status.SUBMITTED,
    ),
    Demo(
        KARADA,
        K.TRAVEL_BAN,
        "محكمة تحقيق الكرادة",
        "توافرت معلومات عن نية أحد المتهمين مغادرة العراق عبر مطار بغداد الدولي، لذا نطلب منعه "
        "من السفر لحين انتهاء التحقيق.",
        JudicialRequest.Status.DRAFT,
    ),
    Demo(
        BASRA,
        K.DETENTION_EXTENSION,
        "محكمة تحقيق البصرة المختصة بقضايا المخدرات",
        "لم تكتمل بعد نتائج فحص المختبر للمواد المضبوطة ولا تحليل سجلات الاتصالات، ويخشى هروب "
        "الموقوف أو تأثيره على الشهود، لذا نطلب تمديد توقيفه خمسة عشر يوماً.",
        JudicialRequest.Status.DECIDED,
        Ruling(
            "87/ت/2026",
            "القاضي سلام جبار الحسناوي",
            JudicialRequest.Outcome.GRANTED,
            "تقرر تمديد توقيف المتهم مدة خمسة عشر يوماً استناداً إلى المادة 109 من قانون أصول "
            "المحاكمات الجزائية، وإعادة عرضه على المحكمة قبل انتهائها.",
            [
                (D.DETENTION_UNTIL, dt.timedelta(days=15)),
                (D.RETURN_TO_JUDGE, dt.timedelta(days=14)),
            ],
        ),
    ),
]


def _persons(case: Case) -> list[CaseParty]:
    """The suspects and accused already in the case (if another demo added them)."""
    return list(case.parties.filter(role__in=[CaseParty.Role.SUSPECT, CaseParty.Role.ACCUSED]))


def _advance(actor: Any, req: JudicialRequest, spec: Demo) -> None:
    if spec.target == JudicialRequest.Status.DRAFT:
        return
    if req.status == JudicialRequest.Status.DRAFT:
        services.request_submit(actor=actor, req=req)
    if spec.ruling is None or req.status != JudicialRequest.Status.SUBMITTED:
        return
    now = timezone.now()
    services.decision_record(
        actor=actor,
        req=req,
        order_number=spec.ruling.order_number,
        decided_on=timezone.localdate(now),
        judge_name=spec.ruling.judge,
        outcome=spec.ruling.outcome,
        text=spec.ruling.text,
        deadlines=[
            services.DeadlineInput(kind, now + delta) for kind, delta in spec.ruling.deadlines
        ],
    )


def load() -> int:
    """Draft, submit and decide the demonstration requests that are missing; returns how many
    requests were drafted."""
    created = 0
    with audit.ledger.source("cli:demo"):  # each service commits on its own (durable)
        for spec in REQUESTS:
            case = Case.objects.select_related("lead").filter(title=spec.case_title).first()
            if case is None or case.status == Case.Status.CLOSED:
                continue
            actor = case.lead
            req = JudicialRequest.objects.filter(case=case, grounds=spec.grounds).first()
            if req is None:
                req = services.request_create(
                    actor=actor,
                    case=case,
                    kind=spec.kind,
                    grounds=spec.grounds,
                    court=spec.court,
                    persons=_persons(case),
                )
                created += 1
            _advance(actor, req, spec)
    return created
