"""What scenes add to the case file: a panel of the case's scenes, and their times on the case's
timeline. Both are scoped for the reader."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy

from dalil.cases.contributions import Event, register_panel, register_timeline
from dalil.ui.panels import Panel

from . import selectors, services


def panel(request: HttpRequest, case: Any) -> dict[str, Any] | None:
    scenes = selectors.scenes_of_case(request.user, case)
    return {
        "scenes": list(scenes[:20]),
        "count": scenes.count(),
        "may_record": services.may_record(request.user, case),
    }


def timeline(reader: Any, case: Any) -> Iterator[Event]:
    for s in selectors.scenes_of_case(reader, case):
        url = reverse("scenes:detail", args=[s.number])
        marks = [
            (s.called_at, gettext_lazy("Call received")),
            (s.arrived_at, gettext_lazy("Arrived at the scene")),
            (s.released_at, gettext_lazy("Scene released")),
        ]
        for at, what in marks:
            if at is not None:
                yield Event(
                    at,
                    gettext_lazy("Crime scene"),
                    f"{s.number}: {what}",
                    s.title,
                    url,
                    s.lead_officer.full_name,
                )


def register() -> None:
    register_panel(Panel("scenes", "scenes/_case_panel.html", panel, order=44))
    register_timeline("scenes", timeline)
