from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dalil import audit

from . import query as q
from . import registry


def _page(value: str | None) -> int:
    try:
        return min(max(int(value or 1), 1), 100_000)
    except ValueError:
        return 1


@login_required
@require_GET
def results(request: HttpRequest) -> HttpResponse:
    """The global search: every registered source, within the user's scope, grouped by model.

    Reading results is not a sensitive read by itself; a search that queried the ledger is
    (`audit.ledger_viewed`), recorded after the query so it does not find itself."""
    raw = request.GET.get("q", "")
    only = request.GET.get("type", "")
    if only and registry.source(only) is None:
        only = ""
    parsed = q.parse(raw)
    context = {
        "search_query": raw[: q.MAX_QUERY],
        "error": parsed.error,
        "notices": parsed.notices,
        "query": parsed.query,
        "only": only,
        "base": urlencode({"q": raw[: q.MAX_QUERY]}),
        "results": None,
    }
    if parsed.query is not None:
        found = q.run(
            request.user,
            parsed.query,
            only=only,
            page=_page(request.GET.get("page")) if only else 1,
        )
        if found.read_actions:
            with transaction.atomic():
                for action in found.read_actions:
                    audit.record(
                        actor=request.user, action=action, payload={"search": parsed.query.text}
                    )
        context["results"] = found  # type: ignore[assignment]
    return render(request, "search/results.html", context)
