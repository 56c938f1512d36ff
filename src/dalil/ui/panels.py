"""Panels an app adds to another app's page without that app knowing it: the case page shows the
case's tasks, requests and detainees; a person's page, the cases the person appears in. A page has
a name ("cases.case", "parties.entity"); the contributing app registers, in its `contributions.py`,
a template and a function that gives its context for this request and object, or None to leave
the panel out. That function must scope what it shows through `dalil.access`: the page has
checked only its own object.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]  # (request, obj) -> context
    order: int = 100


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    template: str
    context: dict[str, Any]


_PANELS: dict[str, dict[str, Panel]] = {}


def register(page: str, panel: Panel) -> None:
    _PANELS.setdefault(page, {})[panel.key] = panel


def panels_for(page: str, request: HttpRequest, obj: Any) -> list[RenderedPanel]:
    """The panels of `page` for this request, in order (the template includes each one's
    template with `panel` set to its context)."""
    out = []
    for panel in sorted(_PANELS.get(page, {}).values(), key=lambda p: (p.order, p.key)):
        ctx = panel.context(request, obj)
        if ctx is not None:
            out.append(RenderedPanel(panel.key, panel.template, ctx))
    return out
