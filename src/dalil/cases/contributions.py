"""What other apps contribute to a case file, without the cases app knowing them.

The case is the container (IN-1): tasks and journal (IN-4), requests to the judge (IN-5), detainees
(IN-6), and later evidence and lab requests hang on it. Each of those apps registers, in its
`AppConfig.ready()`:

* a **panel** on the case page (`register_panel`): a template and a function that gives its context
  for this reader, or None to leave the panel out;
* a **timeline source** (`register_timeline`): the dated events of the case this reader may see;
* a **dossier section** (`register_dossier`): rows for the referral dossier PDF (IN-5).

Every function receives the reader and must scope what it returns through `dalil.access`: the case
page has checked only the case itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise

from dalil.ui import panels
from dalil.ui.panels import Panel, RenderedPanel

from . import selectors

# --- Panels on the case page (dalil.ui.panels, page "cases.case") ---------------------------
CASE_PAGE = "cases.case"


def register_panel(panel: Panel) -> None:
    panels.register(CASE_PAGE, panel)


def panels_for(request: HttpRequest, case: Any) -> list[RenderedPanel]:
    return panels.panels_for(CASE_PAGE, request, case)


# --- The timeline -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """One dated thing that happened in a case. `at` is an aware datetime (stored UTC, shown in
    Baghdad time); `kind` a short translated label ("Task", "Journal", "Detention order" …)."""

    at: dt.datetime
    kind: str | Promise
    title: str
    detail: str = ""
    url: str = ""
    actor: str = ""


TimelineSource = Callable[[Any, Any], Iterable[Event]]  # (reader, case) -> events
_TIMELINE: dict[str, TimelineSource] = {}


def register_timeline(key: str, source: TimelineSource) -> None:
    _TIMELINE[key] = source


def timeline(reader: Any, case: Any) -> list[Event]:
    """Every source's events for this reader, newest first."""
    events: list[Event] = []
    for _key, source in sorted(_TIMELINE.items()):
        events.extend(source(reader, case))
    return sorted(events, key=lambda e: e.at, reverse=True)


# --- The referral dossier ----------------------------------------------------------------------


@dataclass
class DossierSection:
    """A titled table in the referral dossier. `rows` are lists of cells (strings), one per
    column. A row naming a stored document gives its SHA-256 and the hash of the ledger entry
    that recorded it in `hashes` (same index as the row), so the court can check each one."""

    title: str | Promise
    columns: list[str | Promise]
    rows: list[list[str]] = field(default_factory=list)
    hashes: list[tuple[str, str] | None] = field(default_factory=list)
    order: int = 100


DossierSource = Callable[[Any, Any], DossierSection | None]  # (reader, case) -> section
_DOSSIER: dict[str, DossierSource] = {}


def register_dossier(key: str, source: DossierSource) -> None:
    _DOSSIER[key] = source


def dossier_sections(reader: Any, case: Any) -> list[DossierSection]:
    sections = [s for s in (source(reader, case) for source in _DOSSIER.values()) if s]
    return sorted(sections, key=lambda s: (s.order, str(s.title)))


# --- What cases add to other apps' pages ------------------------------------------------------
def appearances_panel(request: HttpRequest, entity: Any) -> dict[str, Any] | None:
    """On a person's or an entity's page: the cases it appears in (IN-7)."""
    found = selectors.appearances(request.user, entity)
    return None if found is None else {"appearances": found}


def register() -> None:
    panels.register(
        "parties.entity", Panel("cases.appearances", "cases/_appearances.html", appearances_panel)
    )
