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
    """One request per class, shared by every route and user (no route here changes it for the
    matrix's users: nobody among them may decide it)."""

    def kwargs(w: Any, me: Any) -> dict[str, Any]:
        def make() -> Any:
            from django.utils import timezone

            from dalil.labs.models import LabRequest

            case = _fresh(kind)(w, me)
            return LabRequest.objects.create(
                number=f"LR-M-{kind}-{case.pk}",
                case=case,
                lab=w.objects["labs.lab"],
                requested_by=case.lead,
                requested_at=timezone.now(),
                questions="ما العيار؟",
            )

        return {"number": w.shared(("labs.request", kind), make).number}

    return kwargs


REQUESTS = {"own": _request("own"), "other": _request("other")}

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
]
