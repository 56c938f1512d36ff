"""What a reader may see of the laboratory requests: always through the door."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from dalil import access
from dalil.cases.models import Case
from dalil.evidence.models import Item
from dalil.evidence.selectors import item_list

from .models import LabItem, LabRequest, RequestedExam, Section

RELATED = ("case", "lab", "requested_by", "decided_by")


def request_list(actor: Any) -> QuerySet[LabRequest]:
    return access.scope(actor, "view", LabRequest.objects.select_related(*RELATED))


def request_for(actor: Any, number: str) -> LabRequest:
    """One request by its number; out of scope answers 404 (and the refusal is on the ledger)."""
    return access.get_or_404(
        actor, "view", LabRequest.objects.select_related(*RELATED), number=number
    )


def requests_of_case(actor: Any, case: Case) -> QuerySet[LabRequest]:
    return request_list(actor).filter(case=case)


def exams_of(actor: Any, request: LabRequest) -> QuerySet[RequestedExam]:
    qs = RequestedExam.objects.filter(request=request).select_related("item", "section")
    return access.scope(actor, "view", qs)


def lab_items_of(actor: Any, request: LabRequest) -> QuerySet[LabItem]:
    qs = LabItem.objects.filter(request=request).select_related("item", "received_by")
    return access.scope(actor, "view", qs)


def sections(actor: Any) -> QuerySet[Section]:
    return access.scope(actor, "view", Section.objects.select_related("lab").filter(is_active=True))


def items_to_send(actor: Any, case: Case) -> QuerySet[Item]:
    """The items of the case the reader holds: what they may send to a laboratory."""
    return (
        item_list(actor)
        .filter(case=case, holder_user=actor)
        .exclude(state=Item.State.DISPOSED)
        .order_by("number")
    )
