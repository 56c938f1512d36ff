"""What the judicial app adds to the case page: a panel and timeline events
(dalil.cases.contributions)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dalil import access
from dalil.cases.contributions import Event, Panel, register_panel, register_timeline
from dalil.cases.models import Case

from .models import Deadline, Decision, JudicialRequest

RECENT = 5


def panel_context(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    user = request.user
    requests = access.scope(user, "view", JudicialRequest.objects.filter(case=case))
    pending = requests.filter(
        status__in=[JudicialRequest.Status.SUBMITTED, JudicialRequest.Status.DRAFT]
    ).order_by("-status", "serial")  # submitted before draft
    decisions = (
        access.scope(user, "view", Decision.objects.filter(case=case))
        .select_related("request")
        .order_by("-decided_on", "-pk")[:RECENT]
    )
    deadlines = (
        access.scope(user, "view", Deadline.objects.filter(case=case, state=Deadline.State.OPEN))
        .select_related("decision")
        .order_by("due_at", "pk")
    )
    return {
        "pending": list(pending),
        "submitted": pending.filter(status=JudicialRequest.Status.SUBMITTED).exists(),
        "decisions": list(decisions),
        "deadlines": list(deadlines),
        "can_print": access.can(user, "work", case),
        "referred": case.status == Case.Status.REFERRED_TO_COURT,
    }


def timeline(reader: Any, case: Case) -> Iterable[Event]:
    requests = access.scope(
        reader, "view", JudicialRequest.objects.filter(case=case, submitted_at__isnull=False)
    ).select_related("requested_by")
    for r in requests:
        assert r.submitted_at is not None
        yield Event(
            at=r.submitted_at,
            kind=gettext_lazy("Request to the judge"),
            title=_("%(kind)s submitted (%(number)s)")
            % {"kind": r.get_kind_display(), "number": r.number},
            detail=r.court,
            url=r.get_absolute_url(),
            actor=r.requested_by.full_name,
        )
    decisions = access.scope(reader, "view", Decision.objects.filter(case=case)).select_related(
        "request", "recorded_by"
    )
    for d in decisions:
        yield Event(
            at=d.recorded_at,
            kind=gettext_lazy("Decision of the judge"),
            title=_("Order %(order)s: %(outcome)s")
            % {"order": d.order_number, "outcome": d.get_outcome_display()},
            detail=f"{d.request.get_kind_display()} — {d.judge_name}",
            url=d.request.get_absolute_url(),
            actor=d.recorded_by.full_name,
        )
    deadlines = access.scope(
        reader, "view", Deadline.objects.filter(case=case).exclude(state=Deadline.State.SUPERSEDED)
    ).select_related("decision", "decision__request")
    for x in deadlines:
        yield Event(
            at=x.due_at,
            kind=gettext_lazy("Judicial deadline"),
            title=str(x.get_kind_display()),
            detail=str(x.get_state_display()),
            url=x.decision.request.get_absolute_url(),
        )


def register() -> None:
    register_panel(Panel("judicial", "judicial/_panel.html", panel_context, order=40))
    register_timeline("judicial", timeline)
