"""Permission-matrix declaration for the laboratory requests (tests/permission_matrix.py).

Object classes of a request: "own" (sent from a BGD-KARADA case) and "other" (from a BGD-MANSOUR
case), both to the world's laboratory. The matrix's users work at BGD-KARADA: whoever may see the
case sees its requests; nobody there decides them (labs.request.receive is held at a laboratory,
and the laboratory's own staff are covered in src/dalil/labs/tests). Sending a request is work on
its case.
"""

from __future__ import annotations

from typing import Any

from dalil.cases.tests.matrix import EVERYONE, MANAGERS, NOBODY, VIEWERS, _fresh, _objects

SEND = {"own": MANAGERS, "other": NOBODY, "member": NOBODY, "lead": EVERYONE}


def build(world: Any) -> None:
    from dalil.access import operator_command
    from dalil.accounts import services
    from dalil.accounts.models import Unit
    from dalil.labs.models import Section

    with operator_command("matrix") as actor:
        lab = services.unit_create(
            actor=actor,
            parent=Unit.objects.get(code="MOI"),
            code="MATRIX-LAB",
            kind="lab",
            name_ar="مختبر المصفوفة",
            name_en="Matrix laboratory",
        )
    Section.objects.create(lab=lab, kind="firearms")
    world.objects["labs.lab"] = lab


def _request(kind: str) -> Any:
    """One request (naming one item) per class, shared by every route and user (no route here changes it for the
    matrix's users: nobody among them may decide it)."""

    def kwargs(w: Any, me: Any) -> dict[str, Any]:
        def make() -> Any:
            from decimal import Decimal

            from django.utils import timezone

            from dalil.evidence import services as evidence
            from dalil.labs.models import LabRequest, RequestedExam, Section

            case = _fresh(kind)(w, me)
            item = evidence.item_record(
                actor=case.lead,
                case=case,
                description="مسدس",
                category="weapon",
                quantity=Decimal(1),
                quantity_unit="piece",
                seal_number=f"M-{case.pk}",
            )
            request = LabRequest.objects.create(
                number=f"LR-M-{kind}-{case.pk}",
                case=case,
                lab=w.objects["labs.lab"],
                requested_by=case.lead,
                requested_at=timezone.now(),
                questions="ما العيار؟",
            )
            RequestedExam.objects.create(
                request=request, item=item, section=Section.objects.get(lab=request.lab)
            )
            return request

        request = w.shared(("labs.request", kind), make)
        return {"number": request.number, "item": request.exams.get().item.number}

    return kwargs


def _without_item(builder: Any) -> Any:
    return lambda w, me: {"number": builder(w, me)["number"]}


WITH_ITEM = {"own": _request("own"), "other": _request("other")}
REQUESTS = {kind: _without_item(builder) for kind, builder in WITH_ITEM.items()}

MATRIX: list[dict[str, Any]] = [
    {"route": "labs:list", "methods": ("GET",), "allowed": VIEWERS},
    {"route": "labs:create", "methods": ("GET", "POST"), "objects": _objects(), "allowed": SEND},
    {
        "route": "labs:detail",
        "methods": ("GET",),
        "objects": REQUESTS,
        "allowed": {"own": VIEWERS, "other": NOBODY},
    },
    {
        "route": "labs:accept",
        "methods": ("POST",),
        "objects": REQUESTS,
        "allowed": {"own": NOBODY, "other": NOBODY},
    },
    {
        "route": "labs:return",
        "methods": ("GET", "POST"),
        "objects": REQUESTS,
        "allowed": {"own": NOBODY, "other": NOBODY},
    },
    # Handing an item to the laboratory: whoever sees the request and the item passes the door
    # (the service then refuses a request not accepted, with a message); receiving it is the
    # laboratory's custodians', and none sit at BGD-KARADA.
    {
        "route": "labs:item_send",
        "methods": ("POST",),
        "objects": WITH_ITEM,
        "allowed": {"own": VIEWERS, "other": NOBODY},
    },
    {"route": "api:labs-request-list", "methods": ("GET",), "api": "token", "allowed": EVERYONE},
    {
        "route": "api:labs-request-detail",
        "methods": ("GET",),
        "api": "token",
        "objects": REQUESTS,
        "allowed": {"own": VIEWERS, "other": NOBODY},
    },
    {
        "route": "labs:item_receive",
        "methods": ("GET", "POST"),
        "objects": WITH_ITEM,
        "allowed": {"own": NOBODY, "other": NOBODY},
    },
]
