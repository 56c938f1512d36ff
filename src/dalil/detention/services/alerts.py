"""The alerts of the detainee register: raised by the worker (idempotent, once per deadline and
level) for the case's lead and the unit's commanders, and marked read by their addressee; and the
questions of law a service meets while recording, for the unit's legal advisers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from dalil import access, audit
from dalil.accounts.models import User
from dalil.audit.ledger import System
from dalil.cases.models import Case
from dalil.cases.policies import CASE_MANAGE

from .. import clock, selectors
from ..models import Alert, AlertRecipient, Detainee
from ..policies import LEGAL_QUESTIONS
from .common import iso

# The worker's own name on the ledger. A `System` actor outside the operator's command line: it
# passes no door (access.is_operator), and it calls none.
ALERT_ACTOR = System("detention-alerts")


def _ancestor_paths(path: str) -> list[str]:
    """ "/MOI/BGD-POL/BGD-KARADA/" → ["/MOI/", "/MOI/BGD-POL/", "/MOI/BGD-POL/BGD-KARADA/"]."""
    codes = [c for c in path.split("/") if c]
    return ["/" + "/".join(codes[: i + 1]) + "/" for i in range(len(codes))]


def _holders(case: Case, code: str) -> list[User]:
    """The active users holding `code` over the case's unit (there or above, with the units
    below)."""
    found = User.objects.filter(
        assignments__role__permissions__code=code,
        assignments__unit__path__in=_ancestor_paths(case.unit.path),
        is_active=True,
        locked_at__isnull=True,
    ).distinct()
    return [u for u in found if access.holds_at(u, code, case.unit)]


def _who_see(case: Case, users: list[User]) -> list[User]:
    """Those of `users` still able to see the case (the door's bulk check), by pk, once each."""
    unique = {u.pk: u for u in users if u.is_active and not u.locked_at}
    return sorted(access.users_who_can(unique.values(), "view", case), key=lambda u: u.pk)


def recipients_for(case: Case) -> list[User]:
    """The case's lead investigator and the commanders of its unit (holders of cases.case.manage
    there), if active and still able to see the case."""
    return _who_see(case, [case.lead, *_holders(case, CASE_MANAGE)])


def legal_advisers_for(case: Case) -> list[User]:
    """The legal advisers of the case's unit (or a unit above it, with the units below), if
    active and able to see the case."""
    return _who_see(case, _holders(case, LEGAL_QUESTIONS))


def question_raise(detainee: Detainee, question: ValidationError, at: dt.datetime) -> Alert | None:
    """A disputed point of law met while recording (a mandatory order past six months without the
    court's permission): to the legal advisers and the case's lead, once, in the caller's
    transaction."""
    kind = clock.Kind(question.code or clock.Kind.SIX_MONTHS)
    found = clock.Alert(
        clock.Level.QUESTION, kind, at, clock.message(clock.Level.QUESTION, kind, at)
    )
    case = detainee.case
    people = _who_see(
        case, [case.lead, *_holders(case, CASE_MANAGE), *_holders(case, LEGAL_QUESTIONS)]
    )
    return _alert_once(detainee, found, people)


def _alert_once(detainee: Detainee, found: clock.Alert, recipients: list[User]) -> Alert | None:
    exists = Alert.objects.filter(
        detainee=detainee, kind=found.kind.value, deadline_at=found.at, level=found.level.value
    ).exists()
    if exists:
        return None
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                detainee=detainee,
                kind=found.kind.value,
                level=found.level.value,
                deadline_at=found.at,
            )
            AlertRecipient.objects.bulk_create(
                [AlertRecipient(alert=alert, user=u) for u in recipients]
            )
            audit.record(
                actor=ALERT_ACTOR,
                action="detention.alert_raised",
                target=detainee,
                payload={
                    "alert": alert.pk,
                    "kind": alert.kind,
                    "level": alert.level,
                    "at": iso(found.at),
                    "to": [u.username for u in recipients],
                },
            )
    except IntegrityError:  # another worker raised the same alert a moment ago
        return None
    return alert


def alerts_raise(
    *, now: dt.datetime | None = None, lead_time: dt.timedelta | None = None
) -> list[Alert]:
    """Raise every alert of the clock not raised yet (idempotent): limits passed, and limits
    within the lead time. Only current detainees whose next deadline is near, or with a breach
    recorded, are looked at, so the run stays cheap on a large register."""
    now = now or timezone.now()
    lead = selectors.alert_lead_time() if lead_time is None else lead_time
    qs = (
        Detainee.objects.filter(released_at__isnull=True)
        .filter(Q(next_deadline_at__lte=now + lead) | Q(breached=True))
        .select_related("case", "case__unit", "case__lead", "case__compartment")
        .prefetch_related(selectors.with_orders(), "court_permissions")
        .order_by("pk")
    )
    detainees = list(qs)
    selectors.load_earlier(detainees)  # every detainee's earlier periods in one query
    raised: list[Alert] = []
    recipients: dict[int, list[User]] = {}
    for detainee in detainees:
        state = selectors.clock_of(detainee, now)
        for found in clock.alerts(state, now, lead):
            if detainee.case_id not in recipients:
                recipients[detainee.case_id] = recipients_for(detainee.case)
            alert = _alert_once(detainee, found, recipients[detainee.case_id])
            if alert is not None:
                raised.append(alert)
    return raised


def alert_mark_read(*, actor: Any, recipient: AlertRecipient) -> AlertRecipient:
    """The addressee has seen the alert (nothing is written if it was already read)."""
    with transaction.atomic(durable=True):
        access.require(actor, "view", recipient)
        now = timezone.now()
        if not AlertRecipient.objects.filter(pk=recipient.pk, read_at__isnull=True).update(
            read_at=now
        ):
            recipient.refresh_from_db()
            return recipient
        recipient.read_at = now
        audit.record(
            actor=actor,
            action="detention.alert_read",
            target=recipient.alert,
            payload={"detainee": recipient.alert.detainee.number, "kind": recipient.alert.kind},
        )
    return recipient
