"""What the evidence register adds to the case file: a panel of the case's items on the case page,
and its custody events on the case's timeline. Both are scoped for the reader."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy

from dalil import access
from dalil.cases.contributions import Event, register_panel, register_timeline
from dalil.ui.panels import Panel

from . import selectors
from .models import CustodyEvent

PANEL_ITEMS = 20


def panel(request: HttpRequest, case: Any) -> dict[str, Any] | None:
    items = selectors.items_of_case(request.user, case)
    return {"items": list(items[:PANEL_ITEMS]), "count": items.count()}


def timeline(reader: Any, case: Any) -> Iterator[Event]:
    events = access.scope(
        reader, "view", CustodyEvent.objects.filter(item__case=case)
    ).select_related("item", "from_user", "from_location", "to_user", "to_location", "recorded_by")
    for e in events:
        yield Event(
            e.at,
            gettext_lazy("Evidence"),
            f"{e.item.number}: {e.get_kind_display()}",
            " → ".join(str(p) for p in (e.source, e.destination) if p is not None),
            reverse("evidence:item_detail", args=[e.item.number]),
            e.recorded_by.full_name if e.recorded_by else "",
        )


def register() -> None:
    register_panel(Panel("evidence", "evidence/_case_panel.html", panel, order=45))
    register_timeline("evidence", timeline)
