"""The referral dossier (IN-5): the case file as the court receives it, one numbered PDF.

A cover (case number, title, unit, lead, status, dates), a table of contents with section numbers
and page numbers, the case summary, then one numbered section per registered source
(`dalil.cases.contributions.register_dossier`), in their order: this app registers the offences,
the parties, the requests and the decisions (orders 10–40) so that they come first and look like
every other app's sections. A row that names a stored document prints its SHA-256 and the hash of
the ledger entry that recorded it, so the court can check each one against the ledger.

Issued through `dalil.reports.documents.issue`: numbered per issuing unit and year, one ledger
entry `reports.document_issued` about the case, the QR code pointing at the case page.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dalil import access
from dalil.cases.contributions import DossierSection, dossier_sections, register_dossier
from dalil.cases.models import Case, Offence
from dalil.reports import documents, pdf

from . import selectors
from .models import Deadline, Decision, JudicialRequest

KIND = "referral_dossier"


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        return pdf.format_time(value)[:16]
    return value.isoformat()


def _join(items: list[str], mark: str = ",") -> str:
    """A list in a cell, with the Arabic comma or semicolon in a right-to-left language."""
    arabic = {",": "،", ";": "؛"}
    sep = arabic[mark] if translation.get_language_bidi() else mark
    return f"{sep} ".join(items)


# --- This app's sections -----------------------------------------------------------------------
def offences_section(reader: Any, case: Case) -> DossierSection:
    qs = access.scope(reader, "view", Offence.objects.filter(case=case)).select_related(
        "category", "governorate"
    )
    rows = []
    for o in qs.order_by("pk"):
        place = str(o.governorate) if o.governorate else ""
        if o.latitude is not None:
            place = f"{place} {o.latitude}, {o.longitude}".strip()
        rows.append(
            [
                o.category.code,
                o.category.label,
                o.article or "—",
                str(o.get_stage_display()),
                _date(o.committed_on),
                place or "—",
            ]
        )
    return DossierSection(
        title=gettext_lazy("Offences (ICCS)"),
        columns=[
            gettext_lazy("ICCS"),
            gettext_lazy("Offence"),
            gettext_lazy("Article of law"),
            gettext_lazy("Stage"),
            gettext_lazy("Date"),
            gettext_lazy("Place"),
        ],
        rows=rows,
        order=10,
    )


def parties_section(reader: Any, case: Case) -> DossierSection:
    from dalil.cases import selectors as case_selectors

    rows = []
    for row in case_selectors.case_parties(reader, case):
        p = row.party
        name = str(row.entity) if row.entity is not None else _("A record you may not see")
        rows.append(
            [str(p.get_role_display()), name, f"{p.entity_type} {p.entity_id}", p.note or "—"]
        )
    return DossierSection(
        title=gettext_lazy("Persons and entities in the case"),
        columns=[
            gettext_lazy("Role in the case"),
            gettext_lazy("Name"),
            gettext_lazy("Record"),
            gettext_lazy("Note"),
        ],
        rows=rows,
        order=20,
    )


def requests_section(reader: Any, case: Case) -> DossierSection:
    seen = selectors.visible_parties(reader, case)
    qs = access.scope(reader, "view", JudicialRequest.objects.filter(case=case))
    rows = []
    for req in qs.prefetch_related("persons").order_by("serial"):
        status = str(req.get_status_display())
        if req.outcome:
            status = f"{status}: {req.get_outcome_display()}"
        rows.append(
            [
                req.number,
                str(req.get_kind_display()),
                _join(selectors.persons_of(req, seen)) or "—",
                req.court,
                req.grounds,
                _date(req.submitted_at),
                status,
            ]
        )
    return DossierSection(
        title=gettext_lazy("Requests to the investigative judge"),
        columns=[
            gettext_lazy("Number"),
            gettext_lazy("Kind"),
            gettext_lazy("Persons concerned"),
            gettext_lazy("Addressed to"),
            gettext_lazy("Grounds"),
            gettext_lazy("Submitted"),
            gettext_lazy("Status"),
        ],
        rows=rows,
        order=30,
    )


def decisions_section(reader: Any, case: Case) -> DossierSection:
    qs = access.scope(reader, "view", Decision.objects.filter(case=case)).select_related(
        "request", "scan", "corrects"
    )
    rows: list[list[str]] = []
    hashes: list[tuple[str, str] | None] = []
    deadlines_seen = Prefetch("deadlines", access.scope(reader, "view", Deadline.objects.all()))
    for d in qs.prefetch_related(deadlines_seen).order_by("pk"):
        deadlines = _join(
            [f"{x.get_kind_display()} {_date(x.due_at)}" for x in d.deadlines.all()], ";"
        )
        outcome = str(d.get_outcome_display())
        if d.corrects is not None:
            outcome = _("%(outcome)s (corrects order %(order)s)") % {
                "outcome": outcome,
                "order": d.corrects.order_number,
            }
        if d.superseded:
            outcome = _("%(outcome)s (superseded)") % {"outcome": outcome}
        rows.append(
            [
                d.request.number,
                d.order_number,
                _date(d.decided_on),
                d.judge_name,
                outcome,
                d.text,
                deadlines or "—",
            ]
        )
        entry = selectors.entry_of(d, "judicial.decision_recorded", "judicial.decision_corrected")
        hashes.append((d.scan.blob_id if d.scan else "", entry.hash if entry else ""))
    return DossierSection(
        title=gettext_lazy("Decisions and orders of the judge"),
        columns=[
            gettext_lazy("Request"),
            gettext_lazy("Order number"),
            gettext_lazy("Date"),
            gettext_lazy("Judge"),
            gettext_lazy("Outcome"),
            gettext_lazy("Text or summary"),
            gettext_lazy("Deadlines"),
        ],
        rows=rows,
        hashes=hashes,
        order=40,
    )


def register() -> None:
    register_dossier("judicial.offences", offences_section)
    register_dossier("judicial.parties", parties_section)
    register_dossier("judicial.requests", requests_section)
    register_dossier("judicial.decisions", decisions_section)


# --- The document ----------------------------------------------------------------------------------
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")
CODE_MAX = 40


def cell(value: Any) -> dict[str, Any]:
    """A cell as printed: a Latin code or number (no Arabic letters) runs left to right, and a
    short value without spaces (a case or order number) is never broken at its hyphens."""
    text = "" if value is None else str(value)
    return {
        "text": text,
        "ltr": bool(text) and not _ARABIC_SCRIPT.search(text),
        "code": bool(text) and len(text) <= CODE_MAX and not any(c.isspace() for c in text),
    }


def _section(n: int, s: DossierSection) -> dict[str, Any]:
    hashes = list(s.hashes) + [None] * (len(s.rows) - len(s.hashes))
    return {
        "n": n,
        "anchor": f"section-{n}",
        "title": str(s.title),
        "columns": [str(c) for c in s.columns],
        "rows": [
            {"cells": [cell(c) for c in cells], "hashes": h}
            for cells, h in zip(s.rows, hashes, strict=False)
        ],
    }


def context(reader: Any, case: Case) -> dict[str, Any]:
    """What the dossier shows this reader (every section scopes its own rows)."""
    sections = [
        {"n": 1, "anchor": "section-1", "title": _("Case summary"), "text": case.summary or "—"}
    ]
    for i, s in enumerate(dossier_sections(reader, case), start=2):
        sections.append(_section(i, s))
    url = pdf.absolute_url(reverse("cases:detail", args=[case.number]))
    return {
        "title": _("Referral dossier"),
        "letterhead": documents.letterhead(reader),
        "issued_by": reader.get_username(),
        "issued_by_name": getattr(reader, "full_name", ""),
        "qr": pdf.qr_data_uri(url),
        "case_url": url,
        "case": case,
        "cover": [
            (_("Case number"), case.number, True),
            (_("Title"), case.title, False),
            (_("Unit"), f"{case.unit} ({case.unit.code})", False),
            (_("Lead investigator"), case.lead.full_name or case.lead.get_username(), False),
            (_("Status"), str(case.get_status_display()), False),
            (_("Opened"), pdf.format_time(case.opened_at)[:16], True),
            (_("Last changed"), pdf.format_time(case.updated_at)[:16], True),
        ],
        "sections": sections,
    }


def issue(*, actor: Any, case: Case) -> documents.Issued:
    """Number, render and ledger the referral dossier of `case` for `actor`, who may work on it."""
    access.require(actor, "work", case)
    ctx = context(actor, case)

    def render(number: str, issued_at: dt.datetime) -> bytes:
        return pdf.render(
            "judicial/dossier.html",
            {
                **ctx,
                "number": number,
                "issued_at": pdf.format_time(issued_at),
                "stylesheet_dossier": pdf.static_url("judicial/dossier.css"),
            },
        )

    return documents.issue(actor=actor, target=case, kind=KIND, render=render)
