"""Reads of the detainee register, always scoped by the reader, and the clock applied to a record.

`clock_of()` turns stored rows into the pure clock's facts (ADR 0011); `urgency()` is the instant
the register sorts by; `deadline_rows()` is the table of limits on a detainee's page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import F, Prefetch, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dalil import access
from dalil.parties.models import Person

from . import clock
from .models import (
    AlertRecipient,
    CourtPermission,
    Detainee,
    DetentionOrder,
    IntegrityReferral,
    Statement,
)


def death_needs_court() -> bool:
    """The configured reading of Art. 109(ب): does the six-month permission apply to offences
    punishable by death (setting DALIL_DETENTION_DEATH_NEEDS_COURT_PERMISSION, default yes)?"""
    return bool(getattr(settings, "DALIL_DETENTION_DEATH_NEEDS_COURT_PERMISSION", True))


def alert_lead_time() -> dt.timedelta:
    """How long before a limit the register warns (setting DALIL_DETENTION_ALERT_HOURS, 48 h)."""
    return dt.timedelta(hours=float(getattr(settings, "DALIL_DETENTION_ALERT_HOURS", 48)))


# --- The register ----------------------------------------------------------------------------
def by_urgency(qs: QuerySet[Detainee]) -> QuerySet[Detainee]:
    """The nearest deadline first (an ongoing breach counts from when it began); released last."""
    return qs.order_by(F("next_deadline_at").asc(nulls_last=True), "pk")


def with_orders() -> Prefetch:
    """The orders of many detainees in one query, with the judge's decision each carries out."""
    return Prefetch("orders", queryset=DetentionOrder.objects.select_related("decision__request"))


def detainee_list(actor: Any) -> QuerySet[Detainee]:
    qs = Detainee.objects.select_related(
        "case", "case__unit", "person", "arresting_unit", "place_unit"
    ).prefetch_related(with_orders(), "court_permissions")
    return by_urgency(access.scope(actor, "view", qs))


def case_detainees(actor: Any, case: Any) -> list[Detainee]:
    qs = access.scope(actor, "view", Detainee.objects.filter(case=case))
    return list(
        by_urgency(qs.select_related("person").prefetch_related(with_orders(), "court_permissions"))
    )


def visible_person_ids(actor: Any, detainees: Iterable[Detainee]) -> set[int]:
    """The persons the reader may open: the others are shown by number only (their name is the
    parties' to give, docs/adr/0010-entities.md)."""
    ids = {d.person_id for d in detainees}
    if not ids:
        return set()
    qs = access.scope(actor, "view", Person.objects.filter(pk__in=ids))
    return set(qs.values_list("pk", flat=True))


@dataclass
class Row:
    """One detainee as the register and the case panel show them."""

    detainee: Detainee
    state: clock.Deadlines
    person_visible: bool
    due_soon: bool = False

    @property
    def nearest(self) -> clock.Deadline | None:
        return self.state.nearest

    @property
    def label(self) -> str | Promise:
        return kind_label(self.nearest.kind) if self.nearest else ""

    @property
    def breaches(self) -> list[str | Promise]:
        return [kind_label(b.kind) for b in self.state.breaches]


def rows(actor: Any, detainees: Sequence[Detainee], now: dt.datetime) -> list[Row]:
    load_earlier(detainees)
    visible = visible_person_ids(actor, detainees)
    horizon = now + alert_lead_time()
    out = []
    for d in detainees:
        state = clock_of(d, now)
        soon = state.nearest is not None and state.nearest.at <= horizon
        out.append(Row(d, state, d.person_id in visible, soon))
    return out


# --- The clock applied to a record -----------------------------------------------------------
def orders_of(detainee: Detainee) -> list[DetentionOrder]:
    """The detainee's orders in time order (prefetched with `with_orders()` where many are read)."""
    return sorted(detainee.orders.all(), key=lambda o: o.starts_at)


def load_earlier(detainees: Iterable[Detainee]) -> None:
    """Read, in one query, the earlier periods of detention of each detainee's person in the same
    case (the records released before this arrest): Art. 109(ج) caps the sum of the periods.
    Kept on each detainee for `arrest_of()`."""
    detainees = [d for d in detainees if not hasattr(d, "_earlier")]
    if not detainees:
        return
    found: dict[tuple[int, int], list[tuple[dt.datetime, dt.datetime]]] = {}
    rows = Detainee.objects.filter(
        case_id__in={d.case_id for d in detainees},
        person_id__in={d.person_id for d in detainees},
        released_at__isnull=False,
    ).values_list("case_id", "person_id", "arrested_at", "released_at")
    for case_id, person_id, start, end in rows:
        if end is not None:  # filtered above; said again for the type checker
            found.setdefault((case_id, person_id), []).append((start, end))
    for d in detainees:
        d._earlier = tuple(  # type: ignore[attr-defined]
            clock.Period(start, end)
            for start, end in sorted(found.get((d.case_id, d.person_id), []))
            if end <= d.arrested_at
        )


def earlier_periods(detainee: Detainee) -> tuple[clock.Period, ...]:
    load_earlier([detainee])
    return detainee._earlier  # type: ignore[attr-defined,no-any-return]


def arrest_of(detainee: Detainee) -> clock.Arrest:
    """The clock's view of this detention, with every earlier period for the same case."""
    return clock.Arrest(
        detainee.arrested_at,
        detainee.registered_at,
        detainee.released_at,
        earlier_periods(detainee),
        extended_once=detainee.hold_extended_at is not None,
        presented_at=detainee.presented_at,
        questioned_at=detainee.questioned_at,
    )


def permissions_of(detainee: Detainee) -> list[clock.Permission]:
    """The criminal court's permissions for this person's detention in this case: its own
    (prefetched where many are read) and, after a re-arrest, those of the earlier periods too,
    as the limits count every period."""
    if not earlier_periods(detainee):
        return [p.as_clock for p in detainee.court_permissions.all()]
    found = CourtPermission.objects.filter(
        detainee__case_id=detainee.case_id,
        detainee__person_id=detainee.person_id,
        detainee__arrested_at__lte=detainee.arrested_at,
    )
    return [p.as_clock for p in found]


def clock_of(
    detainee: Detainee, now: dt.datetime, orders: Sequence[DetentionOrder] | None = None
) -> clock.Deadlines:
    orders = orders_of(detainee) if orders is None else orders
    return clock.deadlines(
        arrest_of(detainee),
        [o.as_clock for o in orders],
        detainee.clock_offence,
        now,
        permissions_of(detainee),
        death_needs_court=death_needs_court(),
    )


@dataclass(frozen=True)
class PeriodRow:
    """One period of detention of this person in this case, for the detainee's page."""

    detainee: Detainee
    start: dt.datetime
    end: dt.datetime | None
    current: bool

    @property
    def days(self) -> int | float:
        return in_days((self.end or dt.datetime.now(dt.UTC)) - self.start)


def in_days(span: dt.timedelta) -> int | float:
    """A length of detention in days: whole when it is, else to one decimal (59, 12.5)."""
    days = round(span.total_seconds() / 86400, 1)
    return int(days) if days.is_integer() else days


def periods_of(actor: Any, detainee: Detainee) -> list[PeriodRow]:
    """Every period this person was detained in this case, the oldest first (when there is more
    than one: a single period is the page itself)."""
    qs = access.scope(
        actor,
        "view",
        Detainee.objects.filter(case_id=detainee.case_id, person_id=detainee.person_id),
    ).order_by("arrested_at")
    out = [PeriodRow(d, d.arrested_at, d.released_at, d.pk == detainee.pk) for d in qs]
    return out if len(out) > 1 else []


def uncovered_since(
    detainee: Detainee, orders: Sequence[DetentionOrder], now: dt.datetime
) -> dt.datetime | None:
    """The instant from which the detainee is held, still now, without any order (None: covered
    now, or released)."""
    if detainee.released_at is not None:
        return None
    if orders:
        end = max(o.ends_at for o in orders)
        if any(o.starts_at <= now < o.ends_at for o in orders):
            return None
    else:
        end = clock.first_order_due(arrest_of(detainee))
    return end if end <= now else None


def urgency(
    detainee: Detainee, state: clock.Deadlines, orders: Sequence[DetentionOrder], now: dt.datetime
) -> dt.datetime | None:
    """What the register sorts by: the soonest of the pending limits and of the breaches still
    going on (held now without an order, beyond six months without permission, beyond the cap).
    A breach that is over (a late registration, a first order obtained late) does not count.
    None once released."""
    if state.released:
        return None
    instants = [d.at for d in state.pending]
    instants += [
        b.at
        for b in state.breaches
        if b.kind in (clock.Kind.SIX_MONTHS, clock.Kind.COURT_PERIOD, clock.Kind.QUARTER_CAP)
        or (b.kind == clock.Kind.QUESTIONING and detainee.questioned_at is None)
    ]
    gap = uncovered_since(detainee, orders, now)
    if gap is not None:
        instants.append(gap)
    return min(instants) if instants else None


KIND_LABELS: dict[str, Any] = {
    clock.Kind.REGISTRATION: _("Registration within 24 hours"),
    clock.Kind.FIRST_ORDER: _("Judge's order within 24 hours"),
    clock.Kind.QUESTIONING: _("Questioning by the judge within 24 hours"),
    clock.Kind.ORDER_EXPIRY: _("End of the detention order"),
    clock.Kind.SIX_MONTHS: _("Six months of detention"),
    clock.Kind.COURT_PERIOD: _("End of the period the criminal court permitted"),
    clock.Kind.QUARTER_CAP: _("One quarter of the maximum penalty"),
}


def kind_label(kind: str) -> str | Promise:
    return KIND_LABELS.get(kind, kind)


@dataclass(frozen=True)
class DeadlineRow:
    """One limit on the detainee's page. `status`: breached, due_soon, pending, met, not_reached."""

    label: str | Promise
    at: dt.datetime
    status: str
    note: str | Promise = ""

    @property
    def status_label(self) -> str | Promise:
        return STATUS_LABELS[self.status]


STATUS_LABELS: dict[str, Any] = {
    "breached": _("Breached"),
    "due_soon": _("Due soon"),
    "pending": _("Ahead"),
    "met": _("Met"),
    "not_reached": _("Not reached"),
}
_ORDER = {"breached": 0, "due_soon": 1, "pending": 1, "met": 2, "not_reached": 2}


def deadline_rows(
    detainee: Detainee,
    orders: Sequence[DetentionOrder],
    state: clock.Deadlines,
    now: dt.datetime,
    lead_time: dt.timedelta | None = None,
) -> list[DeadlineRow]:
    """Every limit of this detention: breached ones first, then the ones ahead (nearest first),
    then the ones met or never reached (latest first)."""
    lead = alert_lead_time() if lead_time is None else lead_time
    breached_kinds = {b.kind for b in state.breaches}
    released_at = detainee.released_at

    def ahead(at: dt.datetime) -> str:
        if released_at is not None:
            return "not_reached"
        return "due_soon" if now < at <= now + lead else "pending"

    out: list[DeadlineRow] = []
    # Registration.
    reg_due = state.registration_due_at
    if clock.Kind.REGISTRATION in breached_kinds:
        out.append(
            DeadlineRow(
                KIND_LABELS[clock.Kind.REGISTRATION],
                reg_due,
                "breached",
                _("Registered late, more than 24 hours after the arrest."),
            )
        )
    else:
        out.append(DeadlineRow(KIND_LABELS[clock.Kind.REGISTRATION], reg_due, "met"))
    # The first judge's order, then each order's end: judged on the time actually held.
    held_to = min(now, released_at) if released_at is not None else now
    first_due = state.first_order_due_at
    first_label = KIND_LABELS[clock.Kind.FIRST_ORDER]
    if detainee.hold_extended_at is not None:
        first_label = _("Judge's order within 48 hours (extended once)")
    if orders and orders[0].starts_at > first_due:
        out.append(
            DeadlineRow(
                first_label, first_due, "breached", _("The first order came after this limit.")
            )
        )
    elif orders:
        out.append(DeadlineRow(first_label, first_due, "met"))
    elif held_to > first_due:
        out.append(DeadlineRow(first_label, first_due, "breached"))
    else:
        out.append(DeadlineRow(first_label, first_due, ahead(first_due)))
    starts = {o.starts_at for o in orders}
    note: str | Promise
    for order in orders:
        label = _("End of order %(number)s") % {"number": order.order_number}
        if order.ends_at in starts:
            status, note = "met", _("Extended.")
        elif held_to > order.ends_at:
            status, note = "breached", _("Held after the order ended, without a new order.")
        elif released_at is not None:
            status, note = "met", _("Released before the end of the order.")
        else:
            status, note = ahead(order.ends_at), ""
        out.append(DeadlineRow(label, order.ends_at, status, note))
    # Questioning by the judge, once the accused was brought before the judge.
    due = state.questioning_due_at
    if due is not None:
        label = KIND_LABELS[clock.Kind.QUESTIONING]
        if clock.Kind.QUESTIONING in breached_kinds:
            out.append(DeadlineRow(label, due, "breached"))
        elif detainee.questioned_at is not None:
            out.append(DeadlineRow(label, due, "met"))
        elif released_at is not None:
            out.append(DeadlineRow(label, due, "not_reached"))
        else:
            out.append(DeadlineRow(label, due, ahead(due)))
    # Six months (not for a death-penalty offence under the reading that exempts it), and the
    # end of the period the criminal court permitted, a limit of its own.
    six = state.six_months_at
    court = state.six_months_permitted_until > six
    six_label = KIND_LABELS[clock.Kind.SIX_MONTHS]
    if not state.six_months_apply:
        pass
    elif clock.Kind.SIX_MONTHS in breached_kinds:
        note = _("Held beyond six months without the criminal court's permission.")
        out.append(DeadlineRow(six_label, six, "breached", note))
    elif court:
        note = _("The criminal court permitted detention beyond six months.")
        out.append(DeadlineRow(six_label, six, "met", note))
    elif six > now:
        out.append(DeadlineRow(six_label, six, ahead(six)))
    else:
        out.append(DeadlineRow(six_label, six, "not_reached"))
    if state.six_months_apply and court:
        end = state.six_months_permitted_until
        label = KIND_LABELS[clock.Kind.COURT_PERIOD]
        if clock.Kind.COURT_PERIOD in breached_kinds:
            note = _("Held after the period the criminal court permitted.")
            out.append(DeadlineRow(label, end, "breached", note))
        elif released_at is not None and released_at <= end:
            out.append(DeadlineRow(label, end, "not_reached"))
        else:
            out.append(DeadlineRow(label, end, ahead(end)))
    # The quarter cap.
    cap = state.quarter_cap_at
    if cap is not None:
        if clock.Kind.QUARTER_CAP in breached_kinds:
            status = "breached"
        elif released_at is not None and released_at <= cap:
            status = "not_reached"
        else:
            status = ahead(cap)
        out.append(DeadlineRow(KIND_LABELS[clock.Kind.QUARTER_CAP], cap, status))

    def key(row: DeadlineRow) -> tuple[int, float]:
        group = _ORDER[row.status]
        stamp = row.at.timestamp()
        return (group, -stamp if group == 2 else stamp)

    return sorted(out, key=key)


# --- Statements, referrals, alerts -----------------------------------------------------------
def statements_of(actor: Any, detainee: Detainee) -> QuerySet[Statement]:
    qs = Statement.objects.filter(detainee=detainee).select_related("document")
    return access.scope(actor, "view", qs).order_by("taken_at", "pk")


def referral_list(actor: Any) -> QuerySet[IntegrityReferral]:
    qs = IntegrityReferral.objects.select_related("unit", "statement", "detainee")
    return access.scope(actor, "view", qs)


def alerts_for(actor: Any, unread_only: bool = True) -> QuerySet[AlertRecipient]:
    qs = AlertRecipient.objects.filter(user_id=actor.pk).select_related(
        "alert", "alert__detainee", "alert__detainee__case"
    )
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return access.scope(actor, "view", qs).order_by("-alert__raised_at", "-pk")


def unread_alert_count(actor: Any) -> int:
    """The badge on the alerts page. It is on every page: when no alert addressed to the reader
    is unread at all (the usual answer), the count is 0 without weighing the door's rules, which
    only ever narrow it."""
    if not getattr(actor, "is_authenticated", False):
        return 0
    if not AlertRecipient.objects.filter(user_id=actor.pk, read_at__isnull=True).exists():
        return 0
    return alerts_for(actor).count()
