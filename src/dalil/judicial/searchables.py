"""What the global search finds of the judge's workflow: requests by number and court, decisions
by order number and judge (indexed by the services)."""

from dalil import search

from .models import Decision, JudicialRequest

search.register(
    JudicialRequest,
    fields=["number", "court", lambda r: r.get_kind_display()],
    label=lambda r: f"{r.get_kind_display()} — {r.court}",
    url=lambda r: r.get_absolute_url(),
    code=lambda r: r.number,
    detail=lambda r: str(r.get_status_display()),
    order=32,
    select_related=("case",),
)
search.register(
    Decision,
    fields=["order_number", "judge_name"],
    label=lambda d: f"{d.get_outcome_display()} — {d.judge_name}",
    url=lambda d: d.get_absolute_url(),
    code=lambda d: d.order_number,
    detail=lambda d: d.decided_on.isoformat(),
    order=33,
    select_related=("request",),
)
