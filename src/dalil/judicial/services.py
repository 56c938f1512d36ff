"""Every write of the investigative-judge workflow (IN-5): one service each, with its rule, its
door check (`work` on the case) and one ledger entry in the same transaction.

The request's workflow is draft → submitted → decided, or withdrawn before a decision. Each
service decides inside its own durable transaction: the case row is locked by the cases app's door
(`case_for_work`), then the request row is re-read under a lock (SELECT … FOR UPDATE; on SQLite
the write transaction is BEGIN IMMEDIATE), so two people deciding or withdrawing the same request
at once cannot both win, and nothing is written on a case being closed. A refused step raises
ValidationError with a message that says what to do, and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import audit, search
from dalil.cases.models import Case, CaseParty
from dalil.cases.services import case_for_work
from dalil.core import dates, vault
from dalil.core.numbering import next_number
from dalil.core.records import apply_changes
from dalil.core.text import clean_fields

from .models import Deadline, Decision, JudicialRequest
from .selectors import party_choices

R = JudicialRequest.Status
K = Deadline.Kind
GROUNDS_MIN = 20  # characters: the judge must be told why
REASON_MIN = 10
# What a refusal cannot set: a refused warrant is valid until nothing.
NEEDS_GRANT = frozenset({K.WARRANT_VALID_UNTIL, K.DETENTION_UNTIL, K.TRAVEL_BAN_UNTIL})


@dataclass(frozen=True)
class DeadlineInput:
    """One deadline the judge's order sets (`due_at` timezone-aware)."""

    kind: str
    due_at: dt.datetime
    note: str = ""


# --- Helpers ---------------------------------------------------------------------------------------
def number_scope(case: Case) -> str:
    """Requests are numbered per case (dalil.core.numbering), so the number carries the case's."""
    return f"jr.{case.number}"


def format_request_number(case: Case, serial: int) -> str:
    """BGD-KARADA-2026-00012, 3 → BGD-KARADA-2026-00012-R-003."""
    return f"{case.number}-R-{serial:03d}"


def _work(actor: Any, case: Case) -> Case:
    """The case, locked, for work (inside the write's transaction)."""
    return case_for_work(actor, case)


def _locked(req: JudicialRequest) -> JudicialRequest:
    """The request row as it is now, locked until the transaction ends."""
    return JudicialRequest.objects.select_for_update().get(pk=req.pk)


def _refresh(req: JudicialRequest, current: JudicialRequest) -> None:
    for name in ("status", "outcome", "submitted_at", "withdrawn_at", "withdrawal_reason"):
        setattr(req, name, getattr(current, name))


def _status_label(status: str) -> str:
    return str(R(status).label)


def _clean_request(kind: str, grounds: str, court: str) -> tuple[str, str]:
    errors: dict[str, str] = {}
    cleaned = clean_fields(grounds=grounds, court=court)
    grounds, court = cleaned["grounds"], cleaned["court"]
    if kind not in JudicialRequest.Kind.values:
        errors["kind"] = _("Choose the kind of request.")
    if len(grounds) < GROUNDS_MIN:
        errors["grounds"] = _(
            "State the grounds of the request for the judge in at least %(n)d characters."
        ) % {"n": GROUNDS_MIN}
    if not court:
        errors["court"] = _(
            "Name the court or the investigative judge the request is addressed to."
        )
    if errors:
        raise ValidationError(errors)
    return grounds, court


def _clean_persons(actor: Any, case: Case, persons: Iterable[CaseParty]) -> list[CaseParty]:
    """The persons must be parties of this case that the actor may see (a confidential source
    only for those cleared for informants)."""
    chosen = list(persons)
    seen = set(party_choices(actor, case).values_list("pk", flat=True))
    if any(p.case_id != case.pk or p.pk not in seen for p in chosen):
        raise ValidationError(
            {"persons": _("The persons concerned must be persons or entities of this case.")}
        )
    return chosen


def _persons_payload(persons: Iterable[CaseParty]) -> list[dict[str, Any]]:
    """Who the request names, as the ledger keeps it (a party row may later be removed)."""
    return [
        {"party": p.pk, "type": p.entity_type, "id": p.entity_id, "role": p.role}
        for p in sorted(persons, key=lambda p: p.pk)
    ]


# --- Requests --------------------------------------------------------------------------------------
def request_create(
    *,
    actor: Any,
    case: Case,
    kind: str,
    grounds: str,
    court: str,
    persons: Iterable[CaseParty] = (),
) -> JudicialRequest:
    """Draft a request to the judge on `case`, numbered per case ("<case>-R-001")."""
    with transaction.atomic(durable=True):
        _work(actor, case)
        grounds, court = _clean_request(kind, grounds, court)
        chosen = _clean_persons(actor, case, persons)
        serial = next_number(number_scope(case), case.year)
        req = JudicialRequest.objects.create(
            case=case,
            number=format_request_number(case, serial),
            serial=serial,
            kind=kind,
            grounds=grounds,
            court=court,
            requested_by=actor,
        )
        req.persons.set(chosen)
        search.index(req)
        audit.record(
            actor=actor,
            action="judicial.request_created",
            target=req,
            payload={
                "case": case.number,
                "number": req.number,
                "kind": kind,
                "court": court,
                "grounds_sha256": audit.text_digest(grounds),
                "persons": _persons_payload(chosen),
            },
        )
    return req


def request_update(
    *,
    actor: Any,
    req: JudicialRequest,
    kind: str,
    grounds: str,
    court: str,
    persons: Iterable[CaseParty] = (),
) -> JudicialRequest:
    """Change a draft. Once submitted, the request is what the judge received: it stays."""
    with transaction.atomic(durable=True):
        _work(actor, req.case)
        grounds, court = _clean_request(kind, grounds, court)
        chosen = _clean_persons(actor, req.case, persons)
        current = _locked(req)
        if current.status != R.DRAFT:
            raise ValidationError(
                _("Only a draft can be changed; this request is “%(status)s”.")
                % {"status": _status_label(current.status)}
            )
        changed = apply_changes(req, {"kind": kind, "grounds": grounds, "court": court})
        before = set(req.persons.values_list("pk", flat=True))
        # Persons the actor may not see (a confidential source) stay as they were.
        seen = set(party_choices(actor, req.case).values_list("pk", flat=True))
        chosen += list(req.persons.exclude(pk__in=seen))
        after = {p.pk for p in chosen}
        if before != after:
            changed["persons"] = [str(sorted(before)), str(sorted(after))]
        if "grounds" in changed:  # the ledger keeps digests of narratives, not the text
            changed["grounds"] = [audit.text_digest(t) for t in changed["grounds"]]
        if not changed:
            return req
        req.save(update_fields=["kind", "grounds", "court"])
        req.persons.set(chosen)
        search.index(req)
        audit.record(
            actor=actor,
            action="judicial.request_changed",
            target=req,
            payload={"number": req.number, "changed": changed},
        )
    return req


def request_submit(*, actor: Any, req: JudicialRequest) -> JudicialRequest:
    """Send the draft to the judge: from now on it is awaiting a decision."""
    with transaction.atomic(durable=True):
        _work(actor, req.case)
        current = _locked(req)
        if current.status != R.DRAFT:
            raise ValidationError(
                _("Only a draft can be submitted; this request is “%(status)s”.")
                % {"status": _status_label(current.status)}
            )
        now = timezone.now()
        JudicialRequest.objects.filter(pk=req.pk).update(status=R.SUBMITTED, submitted_at=now)
        current.status, current.submitted_at = R.SUBMITTED, now
        _refresh(req, current)
        audit.record(
            actor=actor,
            action="judicial.request_submitted",
            target=req,
            payload={
                "case": req.case.number,
                "number": req.number,
                "kind": req.kind,
                "court": req.court,
                "grounds_sha256": audit.text_digest(req.grounds),
                "persons": _persons_payload(req.persons.all()),
            },
        )
    return req


def request_withdraw(*, actor: Any, req: JudicialRequest, reason: str) -> JudicialRequest:
    """Withdraw a draft or a request the judge has not decided yet, with the reason."""
    with transaction.atomic(durable=True):
        _work(actor, req.case)
        reason = clean_fields(reason=reason)["reason"]
        if len(reason) < REASON_MIN:
            raise ValidationError(
                {"reason": _("State the reason in at least %(n)d characters.") % {"n": REASON_MIN}}
            )
        current = _locked(req)
        if current.status == R.DECIDED:
            raise ValidationError(
                _(
                    "The judge has already decided on this request, so it can no longer be "
                    "withdrawn. If the decision was recorded wrongly, record a correction."
                )
            )
        if current.status == R.WITHDRAWN:
            raise ValidationError(_("This request has already been withdrawn."))
        now = timezone.now()
        JudicialRequest.objects.filter(pk=req.pk).update(
            status=R.WITHDRAWN, withdrawn_at=now, withdrawal_reason=reason
        )
        was = current.status
        current.status, current.withdrawn_at, current.withdrawal_reason = R.WITHDRAWN, now, reason
        _refresh(req, current)
        audit.record(
            actor=actor,
            action="judicial.request_withdrawn",
            target=req,
            payload={"number": req.number, "from": was, "reason": reason},
        )
    return req


# --- Decisions -------------------------------------------------------------------------------------
def _clean_decision(
    req: JudicialRequest,
    *,
    order_number: str,
    decided_on: dt.date | None,
    judge_name: str,
    outcome: str,
    body: str,
    deadlines: Sequence[DeadlineInput],
) -> tuple[dict[str, Any], list[DeadlineInput]]:
    """The decision's fields and its deadlines, checked against the request as it is now (for a
    new decision and for a correction alike)."""
    errors: dict[str, str] = {}
    cleaned = clean_fields(order_number=order_number, judge_name=judge_name, text=body)
    order_number, judge_name, body = (
        cleaned["order_number"],
        cleaned["judge_name"],
        cleaned["text"],
    )
    dates.check_years(decided_on=decided_on)
    if not order_number:
        errors["order_number"] = _("Give the number of the judge's order or decision.")
    if not judge_name:
        errors["judge_name"] = _("Give the name of the judge who decided.")
    if outcome not in Decision.Outcome.values:
        errors["outcome"] = _("Choose granted, partly granted or refused.")
    if not body:
        errors["text"] = _("Give the text of the order or a summary of it.")
    if decided_on is None:
        errors["decided_on"] = _("Give the date of the decision.")
    elif decided_on > timezone.localdate():
        errors["decided_on"] = _("The decision date cannot be in the future.")
    elif req.submitted_at and decided_on < timezone.localdate(req.submitted_at):
        errors["decided_on"] = _(
            "The decision date cannot be before the request was submitted (%(date)s)."
        ) % {"date": timezone.localdate(req.submitted_at).isoformat()}
    if errors:
        raise ValidationError(errors)
    assert decided_on is not None  # checked above
    fields = {
        "order_number": order_number,
        "decided_on": decided_on,
        "judge_name": judge_name,
        "outcome": outcome,
        "text": body,
    }
    return fields, _clean_deadlines(deadlines, decided_on, outcome)


def _clean_deadlines(
    items: Sequence[DeadlineInput], decided_on: dt.date, outcome: str
) -> list[DeadlineInput]:
    out = []
    for item in items:
        if item.kind not in K.values:
            raise ValidationError({"deadlines": _("Choose the kind of each deadline.")})
        field = f"due_{item.kind}"
        dates.check_years(**{field: item.due_at})
        if timezone.is_naive(item.due_at):
            raise ValidationError({field: _("Give the date and time of the deadline.")})
        if timezone.localdate(item.due_at) < decided_on:
            raise ValidationError(
                {field: _("A deadline cannot fall before the date of the decision.")}
            )
        if outcome == Decision.Outcome.REFUSED and item.kind in NEEDS_GRANT:
            raise ValidationError(
                {
                    field: _("A refused request sets no “%(kind)s” deadline.")
                    % {"kind": K(item.kind).label}
                }
            )
        note = clean_fields(**{field: item.note})[field]
        out.append(DeadlineInput(item.kind, item.due_at, note[:300]))
    return out


def _refuse_unless_submitted(current: JudicialRequest) -> None:
    if current.status == R.DRAFT:
        raise ValidationError(
            _("This request is still a draft: submit it to the judge before recording a decision.")
        )
    if current.status == R.WITHDRAWN:
        raise ValidationError(_("This request was withdrawn; no decision can be recorded on it."))
    if current.status == R.DECIDED:
        latest = current.decisions.order_by("-pk").first()
        raise ValidationError(
            _(
                "The judge has already decided on this request (order %(order)s). If the "
                "decision was recorded wrongly, record a correction of it instead."
            )
            % {"order": latest.order_number if latest else "—"}
        )


def _write_decision(
    *,
    actor: Any,
    req: JudicialRequest,
    fields: dict[str, Any],
    deadlines: list[DeadlineInput],
    scan: Any,
    corrects: Decision | None,
    reason: str = "",
) -> tuple[Decision, list[Deadline], str | None]:
    stored = None
    if scan is not None:
        stored = vault.store_upload(
            actor=actor,
            unit=req.case.unit,
            upload=scan,
            description=_("Order %(order)s on request %(number)s")
            % {"order": fields["order_number"], "number": req.number},
            attached_to="judicial.decision",
        )
    decision = Decision.objects.create(
        request=req,
        case=req.case,
        scan=stored,
        corrects=corrects,
        correction_reason=reason,
        recorded_by=actor,
        **fields,
    )
    made = [
        Deadline.objects.create(
            case=req.case, decision=decision, kind=d.kind, due_at=d.due_at, note=d.note
        )
        for d in deadlines
    ]
    JudicialRequest.objects.filter(pk=req.pk).update(status=R.DECIDED, outcome=fields["outcome"])
    req.status, req.outcome = R.DECIDED, fields["outcome"]
    search.index(decision)
    return decision, made, stored.blob_id if stored else None


def _decision_payload(decision: Decision, made: list[Deadline], sha: str | None) -> dict[str, Any]:
    return {
        "case": decision.case.number,
        "request": decision.request.number,
        "order_number": decision.order_number,
        "decided_on": decision.decided_on.isoformat(),
        "judge": decision.judge_name,
        "outcome": decision.outcome,
        "text_sha256": audit.text_digest(decision.text),
        "scan_sha256": sha,
        "deadlines": [
            {"id": d.pk, "kind": d.kind, "due_at": d.due_at.isoformat(), "note": d.note}
            for d in made
        ],
    }


def decision_record(
    *,
    actor: Any,
    req: JudicialRequest,
    order_number: str,
    decided_on: dt.date | None,
    judge_name: str,
    outcome: str,
    text: str,
    deadlines: Sequence[DeadlineInput] = (),
    scan: Any = None,
) -> Decision:
    """Record the judge's decision on a submitted request, with the deadlines the order sets and
    optionally the scanned order (stored in the vault)."""
    with transaction.atomic(durable=True):
        _work(actor, req.case)
        current = _locked(req)
        _refuse_unless_submitted(current)
        _refresh(req, current)
        fields, cleaned = _clean_decision(
            current,
            order_number=order_number,
            decided_on=decided_on,
            judge_name=judge_name,
            outcome=outcome,
            body=text,
            deadlines=deadlines,
        )
        decision, made, sha = _write_decision(
            actor=actor, req=req, fields=fields, deadlines=cleaned, scan=scan, corrects=None
        )
        audit.record(
            actor=actor,
            action="judicial.decision_recorded",
            target=decision,
            payload=_decision_payload(decision, made, sha),
        )
    return decision


def decision_correct(
    *,
    actor: Any,
    decision: Decision,
    reason: str,
    order_number: str,
    decided_on: dt.date | None,
    judge_name: str,
    outcome: str,
    text: str,
    deadlines: Sequence[DeadlineInput] = (),
    scan: Any = None,
) -> Decision:
    """Correct a recorded decision: a new decision that names the old one, which is superseded
    (with its open deadlines). The old record and its ledger entry stay as they were."""
    req = decision.request
    with transaction.atomic(durable=True):
        _work(actor, req.case)
        reason = clean_fields(reason=reason)["reason"]
        if len(reason) < REASON_MIN:
            raise ValidationError(
                {
                    "reason": _("State why the decision is corrected in at least %(n)d characters.")
                    % {"n": REASON_MIN}
                }
            )
        current = _locked(req)  # serialises corrections of the same request
        later = Decision.objects.filter(corrects=decision).first()
        if later is not None:
            raise ValidationError(
                _(
                    "This decision has already been corrected by the record of order %(order)s. "
                    "Correct the latest record instead."
                )
                % {"order": later.order_number}
            )
        _refresh(req, current)
        fields, cleaned = _clean_decision(
            current,
            order_number=order_number,
            decided_on=decided_on,
            judge_name=judge_name,
            outcome=outcome,
            body=text,
            deadlines=deadlines,
        )
        superseded = list(
            decision.deadlines.filter(state=Deadline.State.OPEN).values_list("pk", flat=True)
        )
        Deadline.objects.filter(pk__in=superseded).update(state=Deadline.State.SUPERSEDED)
        new, made, sha = _write_decision(
            actor=actor,
            req=req,
            fields=fields,
            deadlines=cleaned,
            scan=scan,
            corrects=decision,
            reason=reason,
        )
        audit.record(
            actor=actor,
            action="judicial.decision_corrected",
            target=new,
            payload={
                **_decision_payload(new, made, sha),
                "corrects": decision.pk,
                "corrects_order_number": decision.order_number,
                "reason": reason,
                "superseded_deadlines": superseded,
            },
        )
    return new


# --- Deadlines -------------------------------------------------------------------------------------
def deadline_done(*, actor: Any, deadline: Deadline) -> Deadline:
    """Mark a deadline as met (the warrant executed, the person returned before the judge…)."""
    with transaction.atomic(durable=True):
        _work(actor, deadline.case)
        current = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if current.state != Deadline.State.OPEN:
            raise ValidationError(
                _("This deadline is no longer open (“%(state)s”).")
                % {"state": Deadline.State(current.state).label}
            )
        now = timezone.now()
        Deadline.objects.filter(pk=deadline.pk).update(
            state=Deadline.State.DONE, done_at=now, done_by=actor
        )
        deadline.state, deadline.done_at, deadline.done_by = Deadline.State.DONE, now, actor
        audit.record(
            actor=actor,
            action="judicial.deadline_done",
            target=deadline,
            payload={
                "case": deadline.case.number,
                "decision": deadline.decision_id,
                "kind": deadline.kind,
                "due_at": deadline.due_at.isoformat(),
                "overdue": deadline.due_at < now,
            },
        )
    return deadline
