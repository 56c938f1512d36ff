"""What case work adds to the case file (dalil.cases.contributions): the case-page panel, the timeline
sources (the case's own events too, which the cases app leaves to its contributors) and the
documents section of the referral dossier. Each function scopes what it reads for the reader."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dalil import access
from dalil.accounts.models import User
from dalil.audit import visibility
from dalil.audit.models import Entry
from dalil.cases import contributions as contrib
from dalil.cases import selectors as case_selectors
from dalil.cases.models import Case, Offence
from dalil.cases.navigation import case_url

from . import selectors
from .models import JournalVersion, Task

PANEL_TASKS = 5
PANEL_JOURNAL = 3
PANEL_DOCUMENTS = 5

KIND_CASE = gettext_lazy("Case")
KIND_STATUS = gettext_lazy("Status")
KIND_OFFENCE = gettext_lazy("Offence")
KIND_PARTY = gettext_lazy("Person or entity")
KIND_TASK = gettext_lazy("Task")
KIND_JOURNAL = gettext_lazy("Journal")
KIND_DOCUMENT = gettext_lazy("Document")


def _name(user: Any) -> str:
    return str(getattr(user, "full_name", "") or "") if user else ""


def _visible(reader: Any, case: Case) -> bool:
    return access.can(reader, "view", case)


# --- The panel ------------------------------------------------------------------------------------
def panel(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    reader = request.user
    if not _visible(reader, case):
        return None
    tasks = selectors.open_tasks_first_overdue(
        access.scope(reader, "view", Task.objects.filter(case=case).select_related("assignee"))
    )
    return {
        "tasks": list(tasks[:PANEL_TASKS]),
        "open_count": tasks.count(),
        "journal": list(selectors.journal_list(reader, case)[:PANEL_JOURNAL]),
        "documents": list(
            selectors.document_list(reader, case).filter(withdrawn_at__isnull=True)[
                :PANEL_DOCUMENTS
            ]
        ),
    }


# --- The timeline ---------------------------------------------------------------------------------
def case_events(reader: Any, case: Case) -> Iterable[contrib.Event]:
    """The case's own story: opened, offences and parties added, and its status changes (read
    from the ledger entries about this case, which its reader may see)."""
    if not _visible(reader, case):
        return []
    events = []
    ledger = list(
        visibility.visible(
            reader,
            Entry.objects.filter(
                target_type="cases.case",
                target_id=str(case.pk),
                action__in=["cases.case_opened", "cases.status_changed"],
            ),
        ).order_by("seq")
    )
    statuses = dict(Case.Status.choices)
    names = dict(
        User.objects.filter(pk__in={e.actor_id for e in ledger if e.actor_id}).values_list(
            "pk", "full_name"
        )
    )
    opened_by = ""
    for e in ledger:
        who = names.get(e.actor_id, e.actor) if e.actor_id else e.actor
        if e.action == "cases.case_opened":
            opened_by = who
            continue
        payload = json.loads(e.payload or "{}")
        events.append(
            contrib.Event(
                at=e.ts,
                kind=KIND_STATUS,
                title=_("Status: %(to)s") % {"to": statuses.get(payload.get("to"), "?")},
                detail=str(payload.get("reason") or ""),
                url=case_url(case),
                actor=who,
            )
        )
    events.append(
        contrib.Event(
            at=case.opened_at,
            kind=KIND_CASE,
            title=_("Case opened"),
            detail=case.title,
            url=case_url(case),
            actor=opened_by,
        )
    )
    offences = access.scope(
        reader, "view", Offence.objects.filter(case=case).select_related("category")
    )
    for o in offences:
        events.append(
            contrib.Event(
                at=o.added_at,
                kind=KIND_OFFENCE,
                title=_("Offence added: %(code)s %(label)s")
                % {"code": o.category.code, "label": o.category.label},
                detail=str(o.get_stage_display()),
                url=case_url(case),
            )
        )
    for p in case_selectors.case_parties(reader, case):
        shown = str(p.entity) if p.entity is not None else _("a record you may not see")
        events.append(
            contrib.Event(
                at=p.party.added_at,
                kind=KIND_PARTY,
                title=_("Added to the case: %(who)s (%(role)s)")
                % {"who": shown, "role": p.party.get_role_display()},
                detail=p.party.note,
                url=case_url(case),
                actor=_name(p.party.added_by) if p.entity is not None else "",
            )
        )
    return events


def task_events(reader: Any, case: Case) -> Iterable[contrib.Event]:
    qs = access.scope(
        reader,
        "view",
        Task.objects.filter(case=case).select_related("created_by", "closed_by", "assignee"),
    )
    events = []
    for t in qs:
        url = reverse("casework:task_detail", args=[case.number, t.pk])
        events.append(
            contrib.Event(
                at=t.created_at,
                kind=KIND_TASK,
                title=_("Task created: %(title)s") % {"title": t.title},
                detail=_("Assigned to %(name)s") % {"name": _name(t.assignee)}
                if t.assignee
                else "",
                url=url,
                actor=_name(t.created_by),
            )
        )
        if t.closed_at and t.status in (Task.Status.DONE, Task.Status.CANCELLED):
            title = (
                _("Task done: %(title)s")
                if t.status == Task.Status.DONE
                else _("Task cancelled: %(title)s")
            )
            events.append(
                contrib.Event(
                    at=t.closed_at,
                    kind=KIND_TASK,
                    title=title % {"title": t.title},
                    detail=t.close_note,
                    url=url,
                    actor=_name(t.closed_by),
                )
            )
    return events


def journal_events(reader: Any, case: Case) -> Iterable[contrib.Event]:
    """An entry at the time of the event it tells of (as amended), each amendment when it was
    written."""
    qs = access.scope(
        reader,
        "view",
        JournalVersion.objects.filter(entry__case=case).select_related("entry", "author"),
    ).order_by("entry_id", "number")
    # The entry as it reads now: its current text, at its current time of the event.
    current = {
        e.pk: (getattr(e, "text", ""), e.occurred_at) for e in selectors.journal_list(reader, case)
    }
    events = []
    for v in qs:
        url = reverse("casework:journal_detail", args=[case.number, v.entry_id])
        if v.number == 1:
            text, at = current.get(v.entry_id, (v.text, v.occurred_at))
            events.append(
                contrib.Event(
                    at=at,
                    kind=KIND_JOURNAL,
                    title=_("Journal entry"),
                    detail=text,
                    url=url,
                    actor=_name(v.author),
                )
            )
        else:
            events.append(
                contrib.Event(
                    at=v.created_at,
                    kind=KIND_JOURNAL,
                    title=_("Journal entry amended (version %(n)d)") % {"n": v.number},
                    detail=v.reason,
                    url=url,
                    actor=_name(v.author),
                )
            )
    return events


def document_events(reader: Any, case: Case) -> Iterable[contrib.Event]:
    qs = selectors.document_list(reader, case)
    events = []
    for d in qs:
        url = reverse("casework:document_list", args=[case.number])
        events.append(
            contrib.Event(
                at=d.added_at,
                kind=KIND_DOCUMENT,
                title=_("Document added: %(title)s") % {"title": d.title},
                detail=str(d.get_kind_display()),
                url=url,
                actor=_name(d.added_by),
            )
        )
        if d.withdrawn_at:
            events.append(
                contrib.Event(
                    at=d.withdrawn_at,
                    kind=KIND_DOCUMENT,
                    title=_("Document withdrawn: %(title)s") % {"title": d.title},
                    detail=d.withdrawal_reason,
                    url=url,
                    actor=_name(d.withdrawn_by),
                )
            )
    return events


# --- The dossier ----------------------------------------------------------------------------------
def dossier_documents(reader: Any, case: Case) -> contrib.DossierSection | None:
    """The documents / exhibits list: each document with its SHA-256 and the hash of the ledger
    entry that recorded its upload, so the court can check both offline."""
    if not _visible(reader, case):
        return None
    docs = list(selectors.document_list(reader, case).filter(withdrawn_at__isnull=True))
    docs.sort(key=lambda d: (d.added_at, d.pk))
    section = contrib.DossierSection(
        title=gettext_lazy("Documents / exhibits list"),
        columns=[
            gettext_lazy("Title"),
            gettext_lazy("Kind"),
            gettext_lazy("Date"),
            gettext_lazy("File name"),
        ],
        order=50,
    )
    for d in docs:
        date = d.dated_on or timezone.localdate(d.added_at)
        section.rows.append(
            [d.title, str(d.get_kind_display()), date.isoformat(), d.stored.original_name]
        )
        # The SHA-256 of the content and the hash of the ledger entry that recorded the upload.
        section.hashes.append((d.sha256, d.ledger_hash))
    return section


def register() -> None:
    contrib.register_panel(contrib.Panel("casework", "casework/_panel.html", panel, order=50))
    contrib.register_timeline("cases", case_events)
    contrib.register_timeline("casework.tasks", task_events)
    contrib.register_timeline("casework.journal", journal_events)
    contrib.register_timeline("casework.documents", document_events)
    contrib.register_dossier("casework.documents", dossier_documents)
