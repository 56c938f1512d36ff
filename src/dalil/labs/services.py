"""Laboratory requests (LB-1): sent from a case, accepted or sent back by the laboratory.

Each service decides inside one durable transaction, with the rows it depends on locked (the case
when a request is sent, the request when it is decided), writes one ledger entry, and refuses bad
input with a message beside its field, writing nothing (ADR 0027)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import access, audit, search
from dalil.accounts.models import Unit
from dalil.cases.models import Case
from dalil.cases.services import case_for_work
from dalil.core import numbering
from dalil.core.records import acting_user
from dalil.core.text import clean_field
from dalil.evidence import services as evidence
from dalil.evidence.models import Item, StorageLocation

from .models import LabItem, LabRequest, RequestedExam, Section
from .policies import INTAKE, LAB_RECEIVE

NUMBER_SCOPE = "LR"  # LR-2026-000012: agency-wide, race-free (dalil.core.numbering)


class Conflict(Exception):
    """The request changed since the page was loaded: nothing was written."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else decided this request while you were working. Nothing was saved: "
                "reload the page."
            )
        )


def may_request(actor: Any, case: Case) -> bool:
    """Who sends a request from a case: whoever works on it, while it is open."""
    return case.status != Case.Status.CLOSED and access.can(actor, "work", case)


def may_decide(actor: Any, request: LabRequest) -> bool:
    """Who accepts or sends back a request: the laboratory's receiving staff, while it waits."""
    return request.state == LabRequest.State.SUBMITTED and access.holds_at(
        actor, LAB_RECEIVE, request.lab
    )


def labs() -> Any:
    """The laboratories a request may be sent to: active units of kind "lab" with a section."""
    return (
        Unit.objects.filter(kind=Unit.Kind.LAB, is_active=True, lab_sections__is_active=True)
        .distinct()
        .order_by("code")
    )


def section_open(*, actor: Any, lab: Unit, kind: str) -> Section:
    """Put a section of `lab` in service (its supervisor, or the operator's command line)."""
    with transaction.atomic(durable=True):
        access.require_unless_operator(actor, "view", lab)
        if not (access.is_operator(actor) or access.holds_at(actor, LAB_RECEIVE, lab)):
            raise access.Denied(actor, LAB_RECEIVE, lab)
        if lab.kind != Unit.Kind.LAB:
            raise ValidationError({"lab": _("Choose a laboratory in service.")})
        if kind not in Section.Kind.values:
            raise ValidationError({"kind": _("Choose a section.")})
        section, _created = Section.objects.update_or_create(
            lab=lab, kind=kind, defaults={"is_active": True}
        )
        audit.record(
            actor=actor,
            action="labs.section_opened",
            target=section,
            payload={"lab": lab.code, "kind": kind},
        )
    return section


def _exams(
    actor: Any, case: Case, lab: Unit, exams: Sequence[tuple[Item, str]]
) -> list[tuple[Item, Section]]:
    """Each (item, section kind) asked: an item of this case that the requester holds, and a
    section in service at this laboratory."""
    if not exams:
        raise ValidationError({"exams": _("Ask for at least one examination of one item.")})
    sections = {s.kind: s for s in Section.objects.filter(lab=lab, is_active=True)}
    out: list[tuple[Item, Section]] = []
    for item, kind in exams:
        current = Item.objects.select_for_update().get(pk=item.pk)
        if current.case_id != case.pk or not access.can(actor, "view", current):
            raise ValidationError(
                {"exams": _("%(number)s is not an item of this case.") % {"number": current.number}}
            )
        if current.state == Item.State.DISPOSED:
            raise ValidationError(
                {"exams": _("%(number)s has been disposed of.") % {"number": current.number}}
            )
        if current.holder_user_id != getattr(actor, "pk", None):
            raise ValidationError(
                {
                    "exams": _(
                        "You do not hold %(number)s: take it out of the store first, or ask "
                        "whoever holds it to send the request."
                    )
                    % {"number": current.number}
                }
            )
        section = sections.get(kind)
        if section is None:
            raise ValidationError(
                {
                    "exams": _("%(lab)s has no section “%(section)s” in service.")
                    % {"lab": str(lab), "section": Section.Kind(kind).label}
                }
            )
        if any(i.pk == current.pk and s.pk == section.pk for i, s in out):
            raise ValidationError(
                {
                    "exams": _("%(number)s is asked of the same section twice.")
                    % {"number": current.number}
                }
            )
        out.append((current, section))
    return out


def request_submit(
    *,
    actor: Any,
    case: Case,
    lab: Unit,
    exams: Sequence[tuple[Item, str]],
    questions: str,
    priority: str = LabRequest.Priority.ROUTINE,
    priority_reason: str = "",
) -> LabRequest:
    """Send a request from `case` to `lab`: it takes the next request number."""
    with transaction.atomic(durable=True):
        case = case_for_work(actor, case)
        if lab.kind != Unit.Kind.LAB or not lab.is_active:
            raise ValidationError({"lab": _("Choose a laboratory in service.")})
        if priority not in LabRequest.Priority.values:
            raise ValidationError({"priority": _("Choose a priority.")})
        reason = clean_field("priority_reason", priority_reason)
        if priority != LabRequest.Priority.ROUTINE and not reason:
            raise ValidationError(
                {"priority_reason": _("Say why this request cannot wait its turn.")}
            )
        text = clean_field(
            "questions", questions, _("Write the questions the laboratory should answer.")
        )
        asked = _exams(actor, case, lab, exams)
        now = timezone.now()
        year = timezone.localtime(now).year
        number = numbering.format_number(
            NUMBER_SCOPE, year, numbering.next_number(NUMBER_SCOPE, year)
        )
        request = LabRequest.objects.create(
            number=number,
            case=case,
            lab=lab,
            requested_by=acting_user(actor),
            requested_at=now,
            priority=priority,
            priority_reason=reason,
            questions=text,
        )
        RequestedExam.objects.bulk_create(
            RequestedExam(request=request, item=item, section=section) for item, section in asked
        )
        audit.record(
            actor=actor,
            action="labs.request_submitted",
            target=request,
            payload={
                "number": number,
                "case": case.number,
                "lab": lab.code,
                "priority": priority,
                "exams": [[item.number, section.kind] for item, section in asked],
            },
        )
        search.index(request)
    return request


def _locked(actor: Any, request: LabRequest, version: int) -> LabRequest:
    current = (
        LabRequest.objects.select_for_update().select_related("lab", "case").get(pk=request.pk)
    )
    access.require(actor, "view", current)
    if current.version != version:
        raise Conflict()
    if not may_decide(actor, current):
        raise ValidationError(_("This request is not waiting for your laboratory's decision."))
    return current


def request_accept(*, actor: Any, request: LabRequest, version: int) -> LabRequest:
    """The laboratory takes the request on; its items are then handed to it (LB-2)."""
    with transaction.atomic(durable=True):
        current = _locked(actor, request, version)
        LabRequest.objects.filter(pk=current.pk).update(
            state=LabRequest.State.ACCEPTED,
            decided_by=acting_user(actor),
            decided_at=timezone.now(),
            version=current.version + 1,
        )
        audit.record(
            actor=actor,
            action="labs.request_accepted",
            target=current,
            payload={"number": current.number},
        )
        current.refresh_from_db()
    return current


def request_return(*, actor: Any, request: LabRequest, version: int, reason: str) -> LabRequest:
    """The laboratory sends the request back, saying why (a section it does not have for this
    question, an item that must be packed otherwise…)."""
    with transaction.atomic(durable=True):
        current = _locked(actor, request, version)
        why = clean_field("reason", reason, _("Say why the request is sent back."))
        LabRequest.objects.filter(pk=current.pk).update(
            state=LabRequest.State.RETURNED,
            decided_by=acting_user(actor),
            decided_at=timezone.now(),
            return_reason=why,
            version=current.version + 1,
        )
        audit.record(
            actor=actor,
            action="labs.request_returned",
            target=current,
            payload={"number": current.number, "reason": why},
        )
        current.refresh_from_db()
    return current


# --- Intake (LB-2): the items go to the laboratory under custody ----------------------------------


def intake_store(lab: Unit) -> StorageLocation | None:
    return StorageLocation.objects.filter(unit=lab, code=INTAKE, is_active=True).first()


def _accepted(request: LabRequest, item: Item) -> LabRequest:
    current = (
        LabRequest.objects.select_for_update().select_related("lab", "case").get(pk=request.pk)
    )
    if current.state != LabRequest.State.ACCEPTED:
        raise ValidationError(_("The laboratory has not accepted this request."))
    if not current.exams.filter(item=item).exists():
        raise ValidationError(
            _("%(number)s is not named in this request.") % {"number": item.number}
        )
    return current


def item_send(*, actor: Any, request: LabRequest, item: Item, version: int) -> Item:
    """The holder hands an item of an accepted request to the laboratory's intake store: it is in
    transit until the laboratory receives it."""
    with transaction.atomic(durable=True):
        current = _accepted(request, item)
        access.require(actor, "view", current)
        store = intake_store(current.lab)
        if store is None:
            raise ValidationError(
                _("%(lab)s has no intake store yet: ask the laboratory to set it up.")
                % {"lab": current.lab}
            )
        return evidence.release_within(
            actor=actor,
            item=item,
            version=version,
            to_location=store,
            purpose=_("Laboratory request %(number)s") % {"number": current.number},
        )


def may_receive(actor: Any, request: LabRequest, item: Item) -> bool:
    """The laboratory's custodians receive an item on its way to their intake store."""
    store = intake_store(request.lab)
    return (
        request.state == LabRequest.State.ACCEPTED
        and store is not None
        and item.state == Item.State.IN_TRANSIT
        and item.transit_to_location_id == store.pk
        and evidence.may_receive(actor, item)
    )


def item_receive(
    *,
    actor: Any,
    request: LabRequest,
    item: Item,
    version: int,
    seal_state: str = "intact",
    seal_number: str = "",
    notes: str = "",
) -> LabItem:
    """The laboratory receives the item into its intake store, stating the seal as found (the
    evidence service's receipt), and gives it the laboratory's next number: both or neither."""
    with transaction.atomic(durable=True):
        current = _accepted(request, item)
        access.require(actor, "view", current)
        store = intake_store(current.lab)
        if store is None or item.transit_to_location_id != store.pk:
            raise ValidationError(_("This item is not on its way to this laboratory."))
        received = evidence.receipt_within(
            actor=actor,
            item=item,
            version=version,
            seal_state=seal_state,
            seal_number=seal_number,
            notes=notes,
        )
        now = timezone.now()
        year = timezone.localtime(now).year
        scope = current.lab.code
        number = numbering.format_number(scope, year, numbering.next_number(scope, year))
        lab_item = LabItem.objects.create(
            lab=current.lab,
            lab_number=number,
            request=current,
            item=received,
            receipt=received.custody.order_by("-seq")[0],  # the receipt just appended
            received_at=now,
            received_by=acting_user(actor),
        )
        audit.record(
            actor=actor,
            action="labs.item_received",
            target=current,
            payload={
                "lab_number": number,
                "item": received.number,
                "seal_state": received.seal_state,
            },
        )
    return lab_item
