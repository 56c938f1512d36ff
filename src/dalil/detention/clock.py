"""The detainee register's legal clock (PRODUCT.md IN-6; decisions in docs/adr/0011-detention-clock.md).

Pure calculation: no models, no database, no clock of its own (every function that needs "now" takes
it). Every instant going in must be timezone-aware; every instant coming out is in UTC. Calendar
arithmetic (days, months) is done on the Baghdad wall clock (Asia/Baghdad, UTC+3, no daylight saving
since 2008), because the law counts Baghdad days and months, and the result is converted back to UTC.

The rules, as this module applies them (a lawyer must review them, see the ADR):

* registration within 24 hours of the arrest (later than 24 h is *late*; exactly 24 h is not);
* detention under Art. 109 is for offences punishable by more than three years (Art. 109(أ)); at
  three years or less Art. 110 applies and no order is recorded;
* a detention order lasts 1 to 15 days; orders follow one another back to back (no gap, no overlap);
* cumulative detention counts from the arrest instant, and every earlier period the person was
  detained for the same case counts too (Art. 109(ج) caps «مجموع مدد التوقيف», the sum of the
  periods): a re-arrest after a release starts with what was already used;
* beyond six calendar months of detention, every order needs the criminal court's permission, which
  is for a period (Art. 109(ج): «مدة مناسبة»): no order may end after the period the court allowed;
* detention never passes one quarter of the offence's maximum penalty (life imprisonment counted as
  20 years; an offence punishable by death has no quarter cap, the six-month permission still applies);
* until the first detention order, the arrest itself covers at most 24 hours, or 48 when the judge
  extended it once (Constitution Art. 19(13));
* brought before the investigative judge, the accused is questioned within 24 hours (CPC Art. 123).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

BAGHDAD = ZoneInfo("Asia/Baghdad")

REGISTRATION_WITHIN = timedelta(hours=24)  # a rule of the register, not of the law
FIRST_ORDER_WITHIN = timedelta(hours=24)  # Constitution Art. 19(13): before the judge in 24 h...
HOLD_EXTENSION = timedelta(hours=24)  # ...extendable once by the same period
QUESTIONING_WITHIN = timedelta(hours=24)  # CPC Art. 123: questioned within 24 h of appearance
MAX_ORDER_DAYS = 15
COURT_PERMISSION_AFTER_MONTHS = 6
ART_109_ABOVE_YEARS = 3  # Art. 109(أ): offences punishable by more than three years
LIFE_IMPRISONMENT_YEARS = 20  # Penal Code (Law 111 of 1969) Art. 87, as we read it: see the ADR
DEFAULT_LEAD_TIME = timedelta(hours=48)

LIFE = "life"
DEATH = "death"


@dataclass(frozen=True)
class Rule:
    """One rule this module applies, in words, with the text it comes from (the register's rules
    page lists them: `RULES`)."""

    text: str | Promise
    source: str | Promise
    note: str | Promise = ""


RULES = [
    Rule(
        gettext_lazy(
            "A detention order under Art. 109 is for offences punishable by more than three years; at three years or less the judge releases on a pledge, with or without bail."
        ),
        gettext_lazy("CPC Art. 109(أ) and Art. 110"),
    ),
    Rule(
        gettext_lazy(
            "Each detention order lasts at most 15 days; an extension starts when the previous order expires, with no gap and no overlap."
        ),
        gettext_lazy("CPC Art. 109(أ)"),
    ),
    Rule(
        gettext_lazy(
            "Detention counts from the arrest, and every earlier period of detention of the same person in the same case counts too: a re-arrest starts with the time already served."
        ),
        gettext_lazy("CPC Art. 109(ج): «مجموع مدد التوقيف»"),
    ),
    Rule(
        gettext_lazy(
            "Beyond six months of detention, only the criminal court may permit an extension, for a period it sets; no order may end after that period."
        ),
        gettext_lazy("CPC Art. 109(ج)"),
    ),
    Rule(
        gettext_lazy(
            "Detention never passes one quarter of the maximum penalty of the offence; no permission can extend it."
        ),
        gettext_lazy("CPC Art. 109(ج)"),
    ),
    Rule(
        gettext_lazy("Life imprisonment counts as 20 years for the quarter."),
        gettext_lazy("Penal Code (Law 111 of 1969) Art. 87"),
    ),
    Rule(
        gettext_lazy(
            "An offence punishable by death has no quarter cap; detention is extended as the investigation requires, 15 days at a time, and past six months the register asks for the criminal court's permission."
        ),
        gettext_lazy("CPC Art. 109(ب) read with 109(ج)"),
        gettext_lazy(
            "Whether the criminal court's permission after six months applies to death-penalty offences is disputed."
        ),
    ),
    Rule(
        gettext_lazy(
            "Until the first detention order, the arrest covers at most 24 hours, or 48 hours when the judge extended it once; brought before the investigative judge, the accused is questioned within 24 hours."
        ),
        gettext_lazy("Constitution of 2005 Art. 19(13); CPC Art. 123"),
    ),
    Rule(
        gettext_lazy(
            "The detainee is registered within 24 hours of the arrest. This is a rule of this register, not of the law: it keeps the register complete."
        ),
        gettext_lazy("Dalil (PRODUCT.md IN-6)"),
    ),
    Rule(
        gettext_lazy(
            "Times are counted from the exact instant on the Baghdad calendar; months are calendar months; reaching a limit exactly is lawful, going past it is a breach."
        ),
        gettext_lazy("Dalil, ADR 0011 (to be confirmed by a lawyer)"),
    ),
]


# --- time ------------------------------------------------------------------------------------


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime) or value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, not {value!r}")


def baghdad(moment: datetime) -> datetime:
    """The same instant on the Baghdad wall clock (for display and for calendar arithmetic)."""
    _require_aware(moment, "moment")
    return moment.astimezone(BAGHDAD)


def shown(moment: datetime) -> str:
    """An instant as the register shows it: Baghdad date and time, to the minute."""
    return baghdad(moment).strftime("%Y-%m-%d %H:%M")


def add_days(moment: datetime, days: int) -> datetime:
    """``moment`` plus whole days on the Baghdad calendar (same time of day), in UTC."""
    return (baghdad(moment) + timedelta(days=days)).astimezone(UTC)


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus calendar months on the Baghdad calendar, in UTC.

    Same day of the month and time of day; when that day does not exist in the target month, the
    last day of that month (31 August + 6 months = 28 February, or 29 February in a leap year).
    """
    local = baghdad(moment)
    index = local.month - 1 + months
    year, month = local.year + index // 12, index % 12 + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day).astimezone(UTC)


# --- the facts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offence:
    """The offence the detainee is held for: its maximum penalty in whole years, ``"life"`` or
    ``"death"``."""

    max_penalty: int | str

    def __post_init__(self) -> None:
        penalty = self.max_penalty
        if isinstance(penalty, bool) or not (
            (isinstance(penalty, int) and penalty >= 1) or penalty in (LIFE, DEATH)
        ):
            raise ValueError(
                f"max_penalty must be a whole number of years (1 or more), {LIFE!r} or {DEATH!r}, "
                f"not {penalty!r}"
            )

    @property
    def quarter_cap_months(self) -> int | None:
        """One quarter of the maximum penalty, in calendar months (None: no cap, death penalty)."""
        if self.max_penalty == DEATH:
            return None
        years = LIFE_IMPRISONMENT_YEARS if self.max_penalty == LIFE else int(self.max_penalty)
        return years * 12 // 4  # whole years -> always a whole number of months (years × 3)


@dataclass(frozen=True)
class Period:
    """An earlier period of detention for the same case: from the arrest to the release."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        _require_aware(self.start, "start")
        _require_aware(self.end, "end")
        if self.end < self.start:
            raise ValueError("a period of detention cannot end before it starts")


@dataclass(frozen=True)
class Arrest:
    """When the person was arrested, registered in the register and (if so) released, and the
    periods they were detained for the same case before this arrest (`earlier`)."""

    arrested_at: datetime
    registered_at: datetime | None = None
    released_at: datetime | None = None
    earlier: tuple[Period, ...] = ()
    # The 24 hours before a judge, extended once by the same period (Constitution Art. 19(13)).
    extended_once: bool = False
    # Brought before the investigative judge, and questioned by the judge (CPC Art. 123).
    presented_at: datetime | None = None
    questioned_at: datetime | None = None

    def __post_init__(self) -> None:
        _require_aware(self.arrested_at, "arrested_at")
        if self.registered_at is not None:
            _require_aware(self.registered_at, "registered_at")
        if self.released_at is not None:
            _require_aware(self.released_at, "released_at")
        for name in ("presented_at", "questioned_at"):
            if getattr(self, name) is not None:
                _require_aware(getattr(self, name), name)
        if any(p.end > self.arrested_at for p in self.earlier):
            raise ValueError("an earlier period of detention must end before this arrest")

    @property
    def used_before(self) -> timedelta:
        """The detention already served for this case before this arrest."""
        return sum((p.end - p.start for p in self.earlier), timedelta(0))

    @property
    def first_arrested_at(self) -> datetime:
        return min([self.arrested_at, *(p.start for p in self.earlier)])


class OrderKind(StrEnum):
    DETENTION = "detention"  # the first order (أمر التوقيف)
    EXTENSION = "extension"  # every later one (تمديد التوقيف)


@dataclass(frozen=True)
class Order:
    """A judge's detention order: from ``starts_at`` for ``days`` whole days."""

    starts_at: datetime
    days: int
    kind: OrderKind = OrderKind.EXTENSION

    def __post_init__(self) -> None:
        _require_aware(self.starts_at, "starts_at")

    @property
    def ends_at(self) -> datetime:
        return add_days(self.starts_at, self.days)


@dataclass(frozen=True)
class Permission:
    """The criminal court's permission to detain beyond six months, for a period: until ``until``
    (Art. 109(ج): «مدة مناسبة», within one quarter of the maximum penalty)."""

    until: datetime
    granted_at: datetime | None = None  # when the court decided (held past six months before it
    # is a breach the later permission does not erase)

    def __post_init__(self) -> None:
        _require_aware(self.until, "until")
        if self.granted_at is not None:
            _require_aware(self.granted_at, "granted_at")


def court_permitted_until(permissions: Iterable[Permission]) -> datetime | None:
    """The end of the longest period the court has permitted (None: no permission recorded)."""
    return max((p.until for p in permissions), default=None)


def registration_delay(arrest: Arrest) -> timedelta | None:
    """How long after the arrest the person was registered (None: not registered yet)."""
    if arrest.registered_at is None:
        return None
    return arrest.registered_at - arrest.arrested_at


def registration_late(arrest: Arrest) -> bool:
    """Registered more than 24 hours after the arrest. Not yet registered is not "late" here:
    :func:`deadlines` reports an overdue registration as a breach."""
    delay = registration_delay(arrest)
    return delay is not None and delay > REGISTRATION_WITHIN


def limit_point(arrest: Arrest, months: int) -> datetime:
    """The instant at which the detention for this case, all periods together, reaches `months`
    calendar months. The length of the months is taken from the first arrest (six months from
    1 October are 182 days), the time already used is taken off, and a limit already passed
    before this arrest is reached at the arrest itself (any detention now is beyond it)."""
    first = arrest.first_arrested_at
    allowed = add_months(first, months) - first
    return max(arrest.arrested_at, arrest.arrested_at + allowed - arrest.used_before)


def first_order_due(arrest: Arrest) -> datetime:
    """Until a judge's order, the arrest covers 24 hours, or 48 with the one extension."""
    extra = HOLD_EXTENSION if arrest.extended_once else timedelta(0)
    return arrest.arrested_at + FIRST_ORDER_WITHIN + extra


def questioning_due(arrest: Arrest) -> datetime | None:
    """24 hours after the accused was brought before the judge (None: not brought yet)."""
    return None if arrest.presented_at is None else arrest.presented_at + QUESTIONING_WITHIN


def six_months_point(arrest: Arrest) -> datetime:
    return limit_point(arrest, COURT_PERMISSION_AFTER_MONTHS)


def quarter_cap_point(arrest: Arrest, offence: Offence) -> datetime | None:
    months = offence.quarter_cap_months
    return None if months is None else limit_point(arrest, months)


# --- checking input --------------------------------------------------------------------------


def validate_arrest(arrest: Arrest, now: datetime) -> None:
    """Refuse an impossible arrest record (times out of order or in the future)."""
    _require_aware(now, "now")
    problems: list[ValidationError] = []
    if arrest.arrested_at > now:
        problems.append(
            ValidationError(_("The arrest time cannot be in the future."), code="future")
        )
    if arrest.registered_at is not None and arrest.registered_at < arrest.arrested_at:
        problems.append(
            ValidationError(
                _("The registration time cannot be before the arrest time."),
                code="registered_before_arrest",
            )
        )
    if arrest.released_at is not None:
        if arrest.released_at < arrest.arrested_at:
            problems.append(
                ValidationError(
                    _("The release time cannot be before the arrest time."),
                    code="released_before_arrest",
                )
            )
        if arrest.released_at > now:
            problems.append(
                ValidationError(_("The release time cannot be in the future."), code="future")
            )
    if arrest.presented_at is not None and not arrest.arrested_at <= arrest.presented_at <= now:
        problems.append(
            ValidationError(
                _("The appearance before the judge lies between the arrest and now."),
                code="presented",
            )
        )
    if arrest.questioned_at is not None and (
        arrest.presented_at is None or not arrest.presented_at <= arrest.questioned_at <= now
    ):
        problems.append(
            ValidationError(
                _("The questioning by the judge lies between the appearance and now."),
                code="questioned",
            )
        )
    if problems:
        raise ValidationError(problems)


def validate_order(
    history: Sequence[Order],
    new_order: Order,
    offence: Offence,
    *,
    arrest: Arrest,
    permissions: Sequence[Permission] = (),
    death_needs_court: bool = True,
) -> list[ValidationError]:
    """Refuse ``new_order`` unless the law allows it after ``history`` (the orders already
    accepted for this arrest). Raises one ValidationError listing every reason, each with a code:
    ``not_whole_days``, ``too_short``, ``too_long``, ``art_110``, ``after_release``, ``before_arrest``,
    ``kind``, ``overlap``, ``gap``, ``six_months``, ``court_period``, ``quarter_cap``.
    ``permissions``: the criminal court's permissions recorded for this detention.

    For an offence punishable by death, detention is mandatory (Art. 109(ب)): the order is never
    refused for want of the court's permission past six months. When ``death_needs_court`` (the
    configured reading, default), that want is returned as a *question* for the legal adviser;
    otherwise the six months do not apply to it. Returns the questions (empty for any other
    offence)."""
    questions: list[ValidationError] = []
    problems: list[ValidationError] = []

    def refuse(message: str, code: str, **params: object) -> None:
        problems.append(ValidationError(message % params, code=code))

    def ask(message: str, code: str, **params: object) -> None:
        questions.append(ValidationError(message % params, code=code))

    days = new_order.days
    if isinstance(days, bool) or not isinstance(days, int):
        raise ValidationError(
            _("The length of a detention order is a whole number of days."), code="not_whole_days"
        )
    if days < 1:
        refuse(_("A detention order must last at least one day."), "too_short")
    elif days > MAX_ORDER_DAYS:
        refuse(
            _("A detention order may last at most %(max)s days; this one lasts %(days)s days."),
            "too_long",
            max=MAX_ORDER_DAYS,
            days=days,
        )

    if offence.max_penalty not in (LIFE, DEATH) and int(offence.max_penalty) <= ART_109_ABOVE_YEARS:
        refuse(
            _(
                "Detention under Art. 109 applies to offences punishable by more than three years. This offence is punishable by %(years)s years: Art. 110 applies (release on a pledge, with or without bail). Check the maximum penalty recorded for the detainee."
            ),
            "art_110",
            years=offence.max_penalty,
        )
    if arrest.released_at is not None:
        refuse(
            _("The detainee was released at %(at)s: a new detention needs a new arrest record."),
            "after_release",
            at=shown(arrest.released_at),
        )
    if new_order.starts_at < arrest.arrested_at:
        refuse(
            _("A detention order cannot start before the arrest (%(at)s)."),
            "before_arrest",
            at=shown(arrest.arrested_at),
        )

    earlier = sorted(history, key=lambda o: o.starts_at)
    if not earlier:
        if new_order.kind != OrderKind.DETENTION:
            refuse(_("The first order must be a detention order, not an extension."), "kind")
    else:
        if new_order.kind != OrderKind.DETENTION and new_order.kind != OrderKind.EXTENSION:
            refuse(_("Unknown kind of order."), "kind")
        elif new_order.kind == OrderKind.DETENTION:
            refuse(
                _("Only the first order is a detention order; later orders are extensions."), "kind"
            )
        previous_end = earlier[-1].ends_at
        if new_order.starts_at < previous_end:
            refuse(
                _(
                    "This order overlaps the previous order, which runs until %(at)s. An extension starts when the previous order expires."
                ),
                "overlap",
                at=shown(previous_end),
            )
        elif new_order.starts_at > previous_end:
            refuse(
                _(
                    "This order leaves a gap after the previous order, which expired at %(at)s. Orders follow one another without a gap; if the detainee was released, record the release."
                ),
                "gap",
                at=shown(previous_end),
            )

    if days >= 1:
        ends_at = new_order.ends_at
        six_months = six_months_point(arrest)
        permitted = court_permitted_until(permissions)
        death = offence.max_penalty == DEATH
        court_rule = not death or death_needs_court
        # A mandatory detention (death penalty) is recorded: the want of permission is a question.
        court_refuse = ask if death else refuse
        if court_rule and ends_at > six_months and permitted is None:
            court_refuse(
                _(
                    "This order would keep the detainee beyond six months of detention (%(at)s) without the criminal court's permission."
                ),
                "six_months",
                at=shown(six_months),
            )
        elif court_rule and ends_at > six_months and permitted is not None and ends_at > permitted:
            court_refuse(
                _(
                    "This order would keep the detainee beyond the period the criminal court permitted (until %(at)s). Ask the court again or release the detainee."
                ),
                "court_period",
                at=shown(max(permitted, six_months)),
            )
        cap = quarter_cap_point(arrest, offence)
        if cap is not None and ends_at > cap:
            refuse(
                _(
                    "This order would keep the detainee beyond one quarter of the maximum penalty of the offence (%(at)s). No permission can extend detention past this point."
                ),
                "quarter_cap",
                at=shown(cap),
            )

    if problems:
        raise ValidationError(problems)
    return questions


def validate_permission(
    permission: Permission,
    offence: Offence,
    *,
    arrest: Arrest,
    earlier: Sequence[Permission] = (),
) -> None:
    """Refuse a criminal court's permission the law does not allow: its period must reach beyond
    the six-month point, stay within one quarter of the maximum penalty, and extend what was
    already permitted. Codes: ``before_six_months``, ``quarter_cap``, ``not_longer``."""
    problems: list[ValidationError] = []
    six_months = six_months_point(arrest)
    if permission.until <= six_months:
        problems.append(
            ValidationError(
                _(
                    "The criminal court's permission is for detention beyond six months (%(at)s): the period it allows must end after that."
                )
                % {"at": shown(six_months)},
                code="before_six_months",
            )
        )
    cap = quarter_cap_point(arrest, offence)
    if cap is not None and permission.until > cap:
        problems.append(
            ValidationError(
                _(
                    "The criminal court may permit detention only within one quarter of the maximum penalty (%(at)s)."
                )
                % {"at": shown(cap)},
                code="quarter_cap",
            )
        )
    before = court_permitted_until(earlier)
    if before is not None and permission.until <= before:
        problems.append(
            ValidationError(
                _(
                    "Detention is already permitted until %(at)s: a new permission extends that period."
                )
                % {"at": shown(before)},
                code="not_longer",
            )
        )
    if problems:
        raise ValidationError(problems)


# --- deadlines and alerts --------------------------------------------------------------------


class Kind(StrEnum):
    REGISTRATION = "registration"
    FIRST_ORDER = "first_order"
    QUESTIONING = "questioning"  # by the investigative judge, within 24 h of appearance
    ORDER_EXPIRY = "order_expiry"
    SIX_MONTHS = "six_months"
    COURT_PERIOD = "court_period"  # the end of the period the criminal court permitted
    QUARTER_CAP = "quarter_cap"


# On a tie the harder limit is named first.
_RANK = {
    Kind.QUARTER_CAP: 0,
    Kind.SIX_MONTHS: 1,
    Kind.COURT_PERIOD: 1,
    Kind.ORDER_EXPIRY: 2,
    Kind.FIRST_ORDER: 3,
    Kind.QUESTIONING: 3,
    Kind.REGISTRATION: 4,
}


@dataclass(frozen=True)
class Deadline:
    kind: Kind
    at: datetime


def _sorted(items: Iterable[Deadline]) -> tuple[Deadline, ...]:
    return tuple(sorted(items, key=lambda d: (d.at, _RANK[d.kind])))


@dataclass(frozen=True)
class Deadlines:
    """Where an arrest stands at ``now``.

    ``pending``: limits still ahead that need someone to act (soonest first); ``breaches``: limits
    that were passed (each at the instant it was passed). A breach stays a breach after the fact:
    the register keeps it visible.
    """

    now: datetime
    released: bool
    registration_due_at: datetime
    registered_late: bool
    first_order_due_at: datetime  # 24 hours after the arrest, 48 with the one extension
    questioning_due_at: datetime | None  # 24 hours after the appearance before the judge
    order_expires_at: datetime | None
    held_lawfully_until: datetime
    six_months_at: datetime
    six_months_permitted_until: datetime  # the six-month point, or the court's period if longer
    court_permitted_until: datetime | None
    six_months_apply: bool  # False only for a death-penalty offence under the other reading
    quarter_cap_at: datetime | None
    pending: tuple[Deadline, ...]
    breaches: tuple[Deadline, ...]

    @property
    def nearest(self) -> Deadline | None:
        return self.pending[0] if self.pending else None

    @property
    def breached(self) -> bool:
        return bool(self.breaches)


def _covered_until(start: datetime, orders: Sequence[Order]) -> datetime:
    """Follow orders back to back from ``start``: the instant the chain runs out."""
    reach = start
    for order in sorted(orders, key=lambda o: o.starts_at):
        if order.starts_at <= reach < order.ends_at:
            reach = order.ends_at
    return reach


def deadlines(
    arrest: Arrest,
    orders: Sequence[Order],
    offence: Offence,
    now: datetime,
    permissions: Sequence[Permission] = (),
    death_needs_court: bool = True,
) -> Deadlines:
    """``death_needs_court``: whether the six-month permission applies to an offence punishable
    by death (the configured reading; when not, that limit does not apply to it)."""
    _require_aware(now, "now")
    released = arrest.released_at is not None
    # Detention ends at the release; a breach is judged on the time actually held.
    held_to = min(now, arrest.released_at) if arrest.released_at is not None else now

    registration_due = arrest.arrested_at + REGISTRATION_WITHIN
    first_due = first_order_due(arrest)
    lawful_until = _covered_until(first_due, orders)
    six_months = six_months_point(arrest)
    permitted = court_permitted_until(permissions)
    court_period = permitted is not None and permitted > six_months
    six_permitted = permitted if permitted is not None and court_period else six_months
    cap = quarter_cap_point(arrest, offence)

    order_expires_at: datetime | None = None
    if any(o.starts_at <= now < o.ends_at for o in orders):
        order_expires_at = _covered_until(now, orders)
    elif orders:
        order_expires_at = max(o.ends_at for o in orders)

    breaches: list[Deadline] = []
    if registration_late(arrest) or (arrest.registered_at is None and held_to > registration_due):
        breaches.append(Deadline(Kind.REGISTRATION, registration_due))
    if held_to > lawful_until:
        kind = Kind.FIRST_ORDER if lawful_until == first_due else Kind.ORDER_EXPIRY
        breaches.append(Deadline(kind, lawful_until))
    court_rule = offence.max_penalty != DEATH or death_needs_court
    if court_rule and held_to > six_permitted:
        kind = Kind.COURT_PERIOD if court_period else Kind.SIX_MONTHS
        breaches.append(Deadline(kind, six_permitted))
    granted = min((p.granted_at for p in permissions if p.granted_at is not None), default=None)
    if court_rule and court_period and granted is not None and min(held_to, granted) > six_months:
        # Held past six months before the court decided: the later permission covers what comes
        # after its decision, not the days before it.
        breaches.append(Deadline(Kind.SIX_MONTHS, six_months))
    if cap is not None and held_to > cap:
        breaches.append(Deadline(Kind.QUARTER_CAP, cap))
    questioning = questioning_due(arrest)
    if questioning is not None and (
        (arrest.questioned_at is not None and arrest.questioned_at > questioning)
        or (arrest.questioned_at is None and held_to > questioning)
    ):
        breaches.append(Deadline(Kind.QUESTIONING, questioning))

    pending: list[Deadline] = []
    if not released:
        if arrest.registered_at is None:
            pending.append(Deadline(Kind.REGISTRATION, registration_due))
        if order_expires_at is None:
            pending.append(Deadline(Kind.FIRST_ORDER, first_due))
        else:
            pending.append(Deadline(Kind.ORDER_EXPIRY, order_expires_at))
        if court_rule and court_period:
            pending.append(Deadline(Kind.COURT_PERIOD, six_permitted))
        elif court_rule:  # no court permission recorded past six months yet
            pending.append(Deadline(Kind.SIX_MONTHS, six_months))
        if cap is not None:
            pending.append(Deadline(Kind.QUARTER_CAP, cap))
        if questioning is not None and arrest.questioned_at is None:
            pending.append(Deadline(Kind.QUESTIONING, questioning))
        pending = [d for d in pending if d.at > now]

    return Deadlines(
        now=now,
        released=released,
        registration_due_at=registration_due,
        registered_late=registration_late(arrest),
        first_order_due_at=first_due,
        questioning_due_at=questioning,
        order_expires_at=order_expires_at,
        held_lawfully_until=lawful_until,
        six_months_at=six_months,
        six_months_permitted_until=six_permitted,
        court_permitted_until=permitted,
        six_months_apply=court_rule,
        quarter_cap_at=cap,
        pending=_sorted(pending),
        breaches=_sorted(breaches),
    )


class Level(StrEnum):
    DUE_SOON = "due_soon"
    BREACHED = "breached"
    QUESTION = "question"  # a disputed point of law for the legal adviser (death penalty)


@dataclass(frozen=True)
class Alert:
    level: Level
    kind: Kind
    at: datetime
    message: str


def _due_soon_message(kind: Kind) -> str:
    return {
        Kind.REGISTRATION: _(
            "The detainee must be registered by %(at)s (24 hours after the arrest)."
        ),
        Kind.FIRST_ORDER: _(
            "A judge's detention order is needed by %(at)s (24 hours after the arrest, 48 hours with the judge's one extension)."
        ),
        Kind.QUESTIONING: _(
            "The investigative judge must question the accused by %(at)s (24 hours after the appearance)."
        ),
        Kind.ORDER_EXPIRY: _(
            "The detention order expires at %(at)s: obtain an extension or release the detainee."
        ),
        Kind.SIX_MONTHS: _(
            "Detention reaches six months at %(at)s: detention beyond it needs the criminal court's permission."
        ),
        Kind.COURT_PERIOD: _(
            "The period the criminal court permitted ends at %(at)s: ask the court again or release the detainee."
        ),
        Kind.QUARTER_CAP: _(
            "Detention reaches one quarter of the maximum penalty at %(at)s: the detainee must be released by then."
        ),
    }[kind]


def _breached_message(kind: Kind) -> str:
    return {
        Kind.REGISTRATION: _(
            "The detainee was not registered within 24 hours of the arrest (due by %(at)s)."
        ),
        Kind.FIRST_ORDER: _("Detention continued after %(at)s without a judge's detention order."),
        Kind.QUESTIONING: _(
            "The accused was not questioned by the investigative judge within 24 hours of the appearance (due by %(at)s)."
        ),
        Kind.ORDER_EXPIRY: _("Detention continued after %(at)s without a valid detention order."),
        Kind.SIX_MONTHS: _(
            "Detention continued beyond six months (%(at)s) without the criminal court's permission."
        ),
        Kind.COURT_PERIOD: _(
            "Detention continued after the period the criminal court permitted (%(at)s)."
        ),
        Kind.QUARTER_CAP: _(
            "Detention continued beyond one quarter of the maximum penalty (%(at)s)."
        ),
    }[kind]


def message(level: Level, kind: Kind, at: datetime) -> str:
    """The translated words of an alert, in the active language (the register stores only the
    level, the kind and the instant, and words them for each reader)."""
    if level == Level.QUESTION:
        return _(
            "A mandatory detention order for an offence punishable by death runs past %(at)s without the criminal court's permission. Whether the permission is needed is disputed (Art. 109(ب) CPC): the order was recorded and the legal adviser should decide."
        ) % {"at": shown(at)}
    text = _breached_message(kind) if level == Level.BREACHED else _due_soon_message(kind)
    return text % {"at": shown(at)}


def alerts(
    deadlines: Deadlines, now: datetime, lead_time: timedelta = DEFAULT_LEAD_TIME
) -> list[Alert]:
    """Breaches first, then every pending deadline that falls within ``lead_time`` of ``now``."""
    _require_aware(now, "now")
    if lead_time < timedelta(0):
        raise ValueError("lead_time cannot be negative")
    found = [
        Alert(Level.BREACHED, b.kind, b.at, message(Level.BREACHED, b.kind, b.at))
        for b in deadlines.breaches
    ]
    found += [
        Alert(Level.DUE_SOON, d.kind, d.at, message(Level.DUE_SOON, d.kind, d.at))
        for d in deadlines.pending
        if now < d.at <= now + lead_time
    ]
    return found
