"""Demonstration laboratory work (idempotent), written through the services by the people who
would do it: the Central Forensic Laboratory in Baghdad (FOR-BGD-LAB) gets four sections (drugs and
chemistry, firearms and toolmarks, latent prints, DNA and biology); the Karrada investigator sends
it a DNA swab and cartridge cases he collected, in two requests — the first accepted by the lab's
supervisor, the second waiting for the laboratory's decision.

Running it again adds nothing: a request is known by its case and its questions.
"""

from __future__ import annotations

from decimal import Decimal

from dalil import audit
from dalil.accounts.models import Unit, User
from dalil.cases.models import Case
from dalil.evidence import services as evidence

from . import services
from .models import LabRequest, Section

LAB = "FOR-BGD-LAB"
SUPERVISOR = "lab.supervisor"
KARRADA = "مقتل صاحب محل صيرفة في الكرادة داخل"
SECTIONS = ("drugs", "firearms", "prints", "dna")

REQUESTS = [
    # (questions, priority, reason, [(description, category, seal, section)], accepted)
    (
        "هل يوجد حمض نووي بشري على المسحة؟ وهل يطابق عينة المشتبه به عند ورودها؟",
        "urgent",
        "المشتبه به موقوف ومدة توقيفه تنتهي خلال عشرة أيام",
        [("مسحة من مقبض باب المحل الداخلي", "biological", "LB-DEMO-01", "dna")],
        True,
    ),
    (
        "ما عيار الظروف الفارغة؟ وهل أُطلقت من سلاح واحد؟",
        "routine",
        "",
        [("ثلاثة ظروف فارغة عيار 9 ملم من أرضية المحل", "weapon", "LB-DEMO-02", "firearms")],
        False,
    ),
]


def load() -> int:
    """Set up the laboratory's sections and send the demonstration requests that do not exist
    yet; returns how many sections and requests were added (0 without the demo's lab and case)."""
    lab = Unit.objects.filter(code=LAB, kind=Unit.Kind.LAB).first()
    case = Case.objects.filter(title=KARRADA).select_related("lead").first()
    if lab is None:
        return 0
    supervisor = User.objects.filter(username=SUPERVISOR, is_active=True).first()
    made = 0
    with audit.ledger.source("cli:demo"):  # each service commits on its own (durable)
        if supervisor is not None:
            for kind in SECTIONS:
                if not Section.objects.filter(lab=lab, kind=kind, is_active=True).exists():
                    services.section_open(actor=supervisor, lab=lab, kind=kind)
                    made += 1
            if services.intake_store(lab) is None:
                evidence.location_create(
                    actor=supervisor,
                    unit=lab,
                    code=services.INTAKE,
                    name="قاعة استلام المبرزات",
                    kind="room",
                )
                made += 1
        if case is None or case.status == Case.Status.CLOSED or case.lead is None:
            return made
        for questions, priority, reason, items, accepted in REQUESTS:
            if LabRequest.objects.filter(case=case, questions=questions).exists():
                continue
            exams = []
            for description, category, seal, section in items:
                item = evidence.item_record(
                    actor=case.lead,
                    case=case,
                    description=description,
                    category=category,
                    quantity=Decimal(1),
                    quantity_unit="piece",
                    seal_number=seal,
                )
                exams.append((item, section))
            request = services.request_submit(
                actor=case.lead,
                case=case,
                lab=lab,
                exams=exams,
                questions=questions,
                priority=priority,
                priority_reason=reason,
            )
            made += 1
            if accepted and supervisor is not None:
                request = services.request_accept(
                    actor=supervisor, request=request, version=request.version
                )
                for item, _section in exams:
                    item = services.item_send(
                        actor=case.lead, request=request, item=item, version=item.version
                    )
                    services.item_receive(
                        actor=supervisor, request=request, item=item, version=item.version
                    )
    return made
