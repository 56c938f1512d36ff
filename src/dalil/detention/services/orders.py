"""A judge's detention order or extension, checked against the law (clock.validate_order) and,
when it names one, against the judge's decision recorded in the judicial workflow; and the criminal
court's permission to detain beyond six months, for a period (clock.validate_permission)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import audit
from dalil.core import dates
from dalil.core.records import acting_user
from dalil.judicial import selectors as judicial_selectors
from dalil.judicial.models import Decision, JudicialRequest

from .. import clock, selectors
from ..models import CourtPermission, Detainee, DetentionOrder
from .alerts import question_raise
from .common import Problems, aware, held, iso, refresh, text

ORDER_FIELDS = {
    "not_whole_days": "days",
    "too_short": "days",
    "too_long": "days",
    "quarter_cap": "days",
    "before_arrest": "starts_at",
    "overlap": "starts_at",
    "gap": "starts_at",
    "kind": "starts_at",
    "six_months": "days",
    "court_period": "days",
}
PERMISSION_FIELDS = {
    "before_six_months": "permitted_until",
    "quarter_cap": "permitted_until",
    "not_longer": "permitted_until",
}


def order_record(
    *,
    actor: Any,
    detainee: Detainee,
    starts_at: dt.datetime,
    days: int,
    order_number: str = "",
    judge_name: str = "",
    court: str = "",
    issued_on: dt.date | None = None,
    decision: Decision | None = None,
    now: dt.datetime | None = None,
) -> DetentionOrder:
    """Record a judge's detention order or extension, if the law allows it (clock.validate_order):
    at most 15 days, back to back, within six months unless the criminal court permitted a longer
    period (and then within that period), never past one quarter of the maximum penalty. When the order names the judge's decision
    (recorded in the judicial workflow), its number, judge, court and date come from the decision,
    and what is typed must agree with it."""
    with transaction.atomic(durable=True):
        # One order at a time per detainee: the chain is checked against what is committed.
        locked = held(actor, detainee)
        if decision is not None:
            # Lock the request (a correction locks it too): an order never names a decision
            # superseded, or used for this detainee, while this one was being typed.
            JudicialRequest.objects.select_for_update().filter(pk=decision.request_id).first()
        dates.check_years(starts_at=starts_at, issued_on=issued_on)
        now = now or timezone.now()
        starts_at = aware(starts_at)
        p = Problems()
        # A date taken from the decision is judged on the decision's field: the form left it empty.
        date_field = "issued_on" if decision is None or issued_on is not None else "decision"
        if decision is not None:
            order_number, judge_name, court, issued_on = _from_decision(
                p, actor, locked, decision, order_number, judge_name, court, issued_on
            )
            if "decision" in p.by_field:  # the rest would only repeat it field by field
                p.raise_any()
        order_number = text(p, "order_number", order_number, _("Give the number of the order."))
        judge_name = text(p, "judge_name", judge_name, _("Give the name of the judge."))
        court = text(p, "court", court, _("Give the court that issued the order."))
        if issued_on is None:
            p.add("issued_on", _("Give the date the order was issued."))
        elif issued_on > timezone.localdate(now):
            p.add(date_field, _("The date issued cannot be in the future."))
        elif issued_on < clock.baghdad(locked.arrested_at).date():
            p.add(date_field, _("The date issued cannot be before the arrest."))
        history = selectors.orders_of(locked)
        kind = clock.OrderKind.EXTENSION if history else clock.OrderKind.DETENTION
        new = clock.Order(starts_at, days, kind)
        arrest = selectors.arrest_of(locked)
        questions: list[ValidationError] = []
        permissions = selectors.permissions_of(locked)
        try:
            questions = clock.validate_order(
                [o.as_clock for o in history],
                new,
                locked.clock_offence,
                arrest=arrest,
                permissions=permissions,
                death_needs_court=selectors.death_needs_court(),
            )
        except ValidationError as exc:
            p.add_clock(exc, ORDER_FIELDS)
        p.raise_any()
        assert issued_on is not None  # refused above when missing
        order = DetentionOrder.objects.create(
            detainee=locked,
            kind=kind.value,
            starts_at=starts_at,
            days=days,
            ends_at=new.ends_at,
            order_number=order_number,
            judge_name=judge_name,
            court=court,
            issued_on=issued_on,
            court_permission=_under_permission(new, arrest, permissions),
            decision=decision,
            recorded_by=acting_user(actor),
        )
        refresh(locked, now)
        audit.record(
            actor=actor,
            action="detention.order_recorded",
            target=locked,
            payload={
                "order": order.pk,
                "kind": order.kind,
                "number": order_number,
                "starts_at": iso(starts_at),
                "days": days,
                "ends_at": iso(order.ends_at),
                "judge": judge_name,
                "court": court,
                "issued_on": iso(issued_on),
                "court_permission": order.court_permission,
                "decision": decision.pk if decision else None,
                "request": decision.request.number if decision else None,
                "questions": [q.code for q in questions],
            },
        )
        for question in questions:  # a mandatory order recorded: the point goes to the adviser
            limit = (
                clock.court_permitted_until(permissions)
                if question.code == "court_period"
                else None
            )
            question_raise(locked, question, limit or clock.six_months_point(arrest))
    detainee.refresh_from_db()
    return order


def _under_permission(
    order: clock.Order, arrest: clock.Arrest, permissions: list[clock.Permission]
) -> bool:
    """The order reaches past six months within a period the criminal court permitted (a
    death-penalty order recorded without one says no: its question went to the adviser)."""
    permitted = clock.court_permitted_until(permissions)
    past_six = order.days >= 1 and order.ends_at > clock.six_months_point(arrest)
    return past_six and permitted is not None and order.ends_at <= permitted


def court_permission_record(
    *,
    actor: Any,
    detainee: Detainee,
    court: str,
    decision_number: str,
    decided_on: dt.date | None,
    permitted_until: dt.datetime,
    now: dt.datetime | None = None,
) -> CourtPermission:
    """Record the criminal court's permission to keep the detainee beyond six months until
    `permitted_until` (Art. 109(ج)): beyond the six-month point, within one quarter of the maximum
    penalty, and longer than any period already permitted. Orders are then judged against it."""
    with transaction.atomic(durable=True):
        locked = held(actor, detainee)
        dates.check_years(decided_on=decided_on, permitted_until=permitted_until)
        now = now or timezone.now()
        permitted_until = aware(permitted_until)
        p = Problems()
        if locked.released_at is not None:
            p.add(
                None,
                _(
                    "The detainee has been released: the criminal court's permission cannot be recorded."
                ),
            )
        court = text(p, "court", court, _("Give the court that decided."))
        decision_number = text(
            p, "decision_number", decision_number, _("Give the number of the decision.")
        )
        if decided_on is None:
            p.add("decided_on", _("Give the date of the decision."))
        elif decided_on > timezone.localdate(now):
            p.add("decided_on", _("The date of the decision cannot be in the future."))
        elif decided_on < clock.baghdad(selectors.arrest_of(locked).first_arrested_at).date():
            # After a re-arrest, a decision of an earlier period of the same case may be recorded.
            p.add("decided_on", _("The date of the decision cannot be before the arrest."))
        earlier = selectors.permissions_of(locked)
        try:
            clock.validate_permission(
                clock.Permission(permitted_until),
                locked.clock_offence,
                arrest=selectors.arrest_of(locked),
                earlier=earlier,
            )
        except ValidationError as exc:
            p.add_clock(exc, PERMISSION_FIELDS)
        p.raise_any()
        assert decided_on is not None  # refused above when missing
        permission = CourtPermission.objects.create(
            detainee=locked,
            court=court,
            decision_number=decision_number,
            decided_on=decided_on,
            permitted_until=permitted_until,
            recorded_by=acting_user(actor),
        )
        refresh(locked, now)
        audit.record(
            actor=actor,
            action="detention.court_permission_recorded",
            target=locked,
            payload={
                "permission": permission.pk,
                "court": court,
                "number": decision_number,
                "decided_on": iso(decided_on),
                "permitted_until": iso(permitted_until),
                "before": iso(clock.court_permitted_until(earlier)),
            },
        )
    detainee.refresh_from_db()
    return permission


def _usable(actor: Any, detainee: Detainee, decision: Decision) -> bool:
    options = judicial_selectors.detention_decisions(actor, detainee.case, detainee)
    return options.filter(pk=decision.pk).exists()


def _decision_refused() -> str:
    return _(
        "Choose a granted decision of this case's judge, not superseded by a correction, on a "
        "request to extend detention or another request that names this detainee or no one, "
        "and not yet carried out by an order of this detainee."
    )


def order_decision(actor: Any, detainee: Detainee, pk: int) -> Decision:
    """The decision a detention order names by its number (for the API): one the order may carry
    out, or a refusal on the field — an unknown number and an unusable one answer alike."""
    found = (
        judicial_selectors.detention_decisions(actor, detainee.case, detainee).filter(pk=pk).first()
    )
    if found is None:
        raise ValidationError({"decision": _decision_refused()})
    return found


def _from_decision(
    p: Problems,
    actor: Any,
    detainee: Detainee,
    decision: Decision,
    order_number: str,
    judge_name: str,
    court: str,
    issued_on: dt.date | None,
) -> tuple[str, str, str, dt.date | None]:
    """The order's particulars taken from the judge's decision: a blank takes the decision's value,
    a typed one must agree with it. The decision must be one this order can carry out."""
    if not _usable(actor, detainee, decision):
        p.add("decision", _decision_refused())
        return order_number, judge_name, court, issued_on
    texts = {
        "order_number": (order_number, decision.order_number),
        "judge_name": (judge_name, decision.judge_name),
        "court": (court, decision.request.court),
    }
    out: dict[str, str] = {}
    for field, (typed, theirs) in texts.items():
        typed = text(p, field, typed)
        if typed and typed != theirs:
            p.add(field, _differs(theirs))
        out[field] = typed or theirs
    if issued_on is not None and issued_on != decision.decided_on:
        p.add("issued_on", _differs(decision.decided_on.isoformat()))
    return out["order_number"], out["judge_name"], out["court"], decision.decided_on


def _differs(theirs: str) -> str:
    return _("This differs from the judge's decision (%(value)s). Leave it empty to take it.") % {
        "value": theirs
    }
