"""What the detainee register adds to a case file (dalil.cases.contributions): a panel on the case
page, events on its timeline, and sections of the referral dossier. Everything is scoped by the
reader."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dalil import access
from dalil.audit.models import Entry
from dalil.cases.contributions import (
    DossierSection,
    Event,
    Panel,
    register_dossier,
    register_panel,
    register_timeline,
)

from . import clock, selectors
from .models import Detainee, DetentionOrder, Statement, Transfer

PANEL = "detention/_case_panel.html"


def panel(request: HttpRequest, case: Any) -> dict[str, Any] | None:
    detainees = selectors.case_detainees(request.user, case)
    return {"rows": selectors.rows(request.user, detainees, timezone.now())}


case_panel = Panel("detention", PANEL, panel, order=40)


def _name(detainee: Detainee, visible: set[int]) -> str:
    if detainee.person_id in visible:
        return f"{detainee.number} {detainee.person.name_ar}"
    return detainee.number


def timeline(reader: Any, case: Any) -> Iterator[Event]:
    """Arrests, registrations, orders, transfers, statements and releases of the case."""
    detainees = list(
        access.scope(reader, "view", Detainee.objects.filter(case=case)).select_related("person")
    )
    if not detainees:
        return
    visible = selectors.visible_person_ids(reader, detainees)
    for d in detainees:
        url = reverse("detention:detail", args=[d.pk])
        name = _name(d, visible)
        yield Event(d.arrested_at, gettext_lazy("Arrest"), name, d.arrest_place, url)
        detail = _("Registered late (more than 24 hours)") if d.registered_late else ""
        yield Event(d.registered_at, gettext_lazy("Registration"), name, detail, url)
        if d.released_at is not None:
            yield Event(d.released_at, gettext_lazy("Release"), name, d.release_basis_display, url)
    ids = [d.pk for d in detainees]
    names = {d.pk: _name(d, visible) for d in detainees}
    for o in DetentionOrder.objects.filter(detainee_id__in=ids):
        url = reverse("detention:detail", args=[o.detainee_id])
        detail = _("%(days)s days, order %(number)s, %(judge)s") % {
            "days": o.days,
            "number": o.order_number,
            "judge": o.judge_name,
        }
        yield Event(o.starts_at, o.get_kind_display(), names[o.detainee_id], detail, url)
    for t in Transfer.objects.filter(detainee_id__in=ids):
        url = reverse("detention:detail", args=[t.detainee_id])
        detail = f"{t.from_place} → {t.to_place}"
        yield Event(t.moved_at, gettext_lazy("Transfer"), names[t.detainee_id], detail, url)
    for s in Statement.objects.filter(detainee_id__in=ids):
        url = reverse("detention:statement_detail", args=[s.pk])
        yield Event(s.taken_at, s.get_kind_display(), names[s.detainee_id], s.taken_by, url)


def _upload_hash(stored: Any) -> str:
    """The hash of the ledger entry that recorded a stored file (for the court to check)."""
    entry = (
        Entry.objects.filter(
            action="core.file_uploaded", target_type="core.storedfile", target_id=str(stored.pk)
        )
        .values_list("hash", flat=True)
        .first()
    )
    return entry or ""


def dossier_detainees(reader: Any, case: Any) -> DossierSection | None:
    """The detainees of the case with their detention orders and release."""
    detainees = list(
        access.scope(reader, "view", Detainee.objects.filter(case=case))
        .select_related("person")
        .prefetch_related(selectors.with_orders())
        .order_by("arrested_at", "pk")
    )
    if not detainees:
        return None
    visible = selectors.visible_person_ids(reader, detainees)
    section = DossierSection(
        title=gettext_lazy("Detainees and detention orders"),
        columns=[
            gettext_lazy("Detainee"),
            gettext_lazy("Arrest"),
            gettext_lazy("Detention orders"),
            gettext_lazy("Release"),
        ],
        order=60,
    )
    for d in detainees:
        orders = "\n".join(  # one line per order in the dossier
            _("%(number)s: %(start)s, %(days)s days, %(judge)s, %(court)s")
            % {
                "number": o.order_number,
                "start": clock.shown(o.starts_at),
                "days": o.days,
                "judge": o.judge_name,
                "court": o.court,
            }
            for o in selectors.orders_of(d)
        )
        release = (
            f"{clock.shown(d.released_at)} — {d.release_basis_display}" if d.released_at else "—"
        )
        section.rows.append([_name(d, visible), clock.shown(d.arrested_at), orders or "—", release])
        section.hashes.append(None)
    return section


def dossier_statements(reader: Any, case: Any) -> DossierSection | None:
    """Statements and confessions of the case's detainees: time, kind, taken by (with the hash
    of a scanned record, when there is one)."""
    statements = list(
        access.scope(reader, "view", Statement.objects.filter(detainee__case=case))
        .select_related("detainee", "detainee__person", "document")
        .order_by("taken_at", "pk")
    )
    if not statements:
        return None
    visible = selectors.visible_person_ids(reader, [s.detainee for s in statements])
    section = DossierSection(
        title=gettext_lazy("Statements of detainees"),
        columns=[
            gettext_lazy("Time taken"),
            gettext_lazy("Kind"),
            gettext_lazy("Taken by"),
            gettext_lazy("Detainee"),
        ],
        order=61,
    )
    for s in statements:
        section.rows.append(
            [
                clock.shown(s.taken_at),
                str(s.get_kind_display()),
                s.taken_by,
                _name(s.detainee, visible),
            ]
        )
        section.hashes.append(
            (s.document.blob_id, _upload_hash(s.document)) if s.document else None
        )
    return section


def register() -> None:
    register_panel(case_panel)
    register_timeline("detention", timeline)
    register_dossier("detention.detainees", dossier_detainees)
    register_dossier("detention.statements", dossier_statements)
