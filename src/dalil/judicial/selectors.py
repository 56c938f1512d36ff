"""Reads of the judicial records, always through the door (scoped through the case)."""

from __future__ import annotations

from typing import Any

from django.db import models as m
from django.db.models import QuerySet
from django.utils import timezone

from dalil import access
from dalil.accounts.selectors import history
from dalil.audit.models import Entry
from dalil.cases import selectors as case_selectors
from dalil.cases.models import Case, CaseParty

from .models import Deadline, Decision, JudicialRequest

# Pending first: awaiting the judge, then drafts, then the closed ones.
_PRIORITY = m.Case(
    m.When(status=JudicialRequest.Status.SUBMITTED, then=m.Value(0)),
    m.When(status=JudicialRequest.Status.DRAFT, then=m.Value(1)),
    default=m.Value(2),
    output_field=m.IntegerField(),
)


def requests(actor: Any) -> QuerySet[JudicialRequest]:
    qs = JudicialRequest.objects.select_related("case", "case__unit", "requested_by")
    return access.scope(actor, "view", qs)


def pending_first(qs: QuerySet[JudicialRequest]) -> QuerySet[JudicialRequest]:
    """Awaiting the judge, then drafts, then the rest; the newest first within each."""
    return qs.order_by(_PRIORITY.asc(), "-submitted_at", "-created_at", "-pk")


def decisions(actor: Any) -> QuerySet[Decision]:
    qs = Decision.objects.select_related("request", "case", "scan", "corrects", "recorded_by")
    return access.scope(actor, "view", qs)


# Requests whose granted decision a detention order may carry out: an extension of detention, or a
# request of another kind (the first order, asked when the suspect is brought before the judge).
# An arrest warrant is not one: it authorises the arrest, issued before it, not the detention.
DETENTION_REQUEST_KINDS = (
    JudicialRequest.Kind.DETENTION_EXTENSION,
    JudicialRequest.Kind.OTHER,
)


def detention_decisions(actor: Any, case: Case, detainee: Any = None) -> QuerySet[Decision]:
    """The decisions of `case` a detention order may name: granted (wholly or partly), not
    superseded by a correction, on a request that can lead to detention; newest first.

    For a given detainee, also: dated on or after the arrest; on a request that names this person
    (a request to extend detention may also name no one); and not yet carried out by an order of
    this detainee, directly or through the decision it corrects (one ruling, one order)."""
    qs = decisions(actor).filter(
        case=case,
        outcome__in=[Decision.Outcome.GRANTED, Decision.Outcome.PARTLY_GRANTED],
        corrected_by__isnull=True,
        request__kind__in=DETENTION_REQUEST_KINDS,
    )
    if detainee is not None:
        named = CaseParty.objects.filter(judicial_requests=m.OuterRef("request"))
        qs = qs.filter(
            m.Exists(named.filter(entity_type="person", entity_id=detainee.person_id))
            | (m.Q(request__kind=JudicialRequest.Kind.DETENTION_EXTENSION) & ~m.Exists(named)),
            decided_on__gte=timezone.localdate(detainee.arrested_at),
        ).exclude(pk__in=_carried_out(detainee))
    return qs.order_by("-decided_on", "-pk")


def _carried_out(detainee: Any) -> set[int]:
    """The decisions an order of `detainee` carries out, and every correction of them."""
    found = set(
        Decision.objects.filter(detention_orders__detainee=detainee).values_list("pk", flat=True)
    )
    frontier = found
    while frontier:  # corrections are a short chain; each round follows one link
        frontier = (
            set(Decision.objects.filter(corrects_id__in=frontier).values_list("pk", flat=True))
            - found
        )
        found |= frontier
    return found


def deadlines(actor: Any) -> QuerySet[Deadline]:
    qs = Deadline.objects.select_related("case", "case__unit", "decision", "decision__request")
    return access.scope(actor, "view", qs).order_by("due_at", "pk")


def visible_parties(actor: Any, case: Case) -> dict[int, str]:
    """party pk → how the reader sees it: the entity's name when they may see the entity,
    otherwise its type and number. Confidential sources are left out for the uncleared."""
    out = {}
    for row in case_selectors.case_parties(actor, case):
        p = row.party
        name = str(row.entity) if row.entity is not None else f"{p.entity_type} {p.entity_id}"
        out[p.pk] = f"{name} ({p.get_role_display()})"
    return out


def party_choices(actor: Any, case: Case) -> QuerySet[CaseParty]:
    seen = [row.party.pk for row in case_selectors.case_parties(actor, case)]
    return CaseParty.objects.filter(case=case, pk__in=seen).order_by("pk")


def persons_of(req: JudicialRequest, seen: dict[int, str]) -> list[str]:
    return [seen[pk] for pk in req.persons.values_list("pk", flat=True) if pk in seen]


def request_history(actor: Any, req: JudicialRequest) -> list[Entry]:
    """The ledger entries about the request, its decisions and their deadlines, newest first."""
    rows = list(history(actor, req))
    for decision in access.scope(actor, "view", Decision.objects.filter(request=req)):
        rows.extend(history(actor, decision))
        for deadline in access.scope(actor, "view", Deadline.objects.filter(decision=decision)):
            rows.extend(history(actor, deadline))
    return sorted(rows, key=lambda e: e.seq, reverse=True)


def entry_of(obj: Any, *actions: str) -> Entry | None:
    """The ledger entry that recorded `obj` (for the hashes printed in the dossier)."""
    return (
        Entry.objects.filter(
            target_type=obj._meta.label_lower, target_id=str(obj.pk), action__in=actions
        )
        .order_by("seq")
        .first()
    )
