"""Issuing numbered PDF documents. Each issue takes the next document number, renders the PDF and
writes one ledger entry `reports.document_issued` with the number and the SHA-256 of the PDF bytes,
all in one transaction: a number exists exactly when its ledger entry does (gapless).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import access, audit
from dalil.audit import integrity, registry
from dalil.audit import selectors as audit_selectors
from dalil.audit.models import Entry
from dalil.core import numbering

from . import pdf

# How to reach a record in the web interface, for the QR code: "app_label.model" -> path builder.
# Apps whose models have get_absolute_url() need no entry here.
RECORD_PATHS: dict[str, Callable[[Any], str]] = {
    "accounts.unit": lambda o: reverse("admin:unit_detail", kwargs={"code": o.code}),
    "accounts.user": lambda o: reverse("admin:user_detail", kwargs={"username": o.username}),
    "access.role": lambda o: reverse("admin:role_detail", kwargs={"code": o.code}),
}

OPTIMISTIC_TRIES = 2  # render outside the lock this many times before rendering under it


@dataclass(frozen=True)
class Issued:
    number: str
    pdf: bytes
    sha256: str
    entry: Entry

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"


def record_url(obj: Model) -> str:
    """The absolute URL of the record's page (DALIL_BASE_URL + path), for the QR code."""
    build = RECORD_PATHS.get(obj._meta.label_lower)
    if build is not None:
        path = build(obj)
    elif hasattr(obj, "get_absolute_url"):
        path = obj.get_absolute_url()
    else:
        path = extract_path(obj)
    return pdf.absolute_url(path)


def extract_path(obj: Model) -> str:
    meta = obj._meta
    return reverse(
        "reports:ledger_extract",
        kwargs={"app_label": meta.app_label, "model": meta.model_name, "pk": str(obj.pk)},
    )


def number_scope(actor: Any) -> str:
    """Documents are numbered per issuing unit and year: DOC-BGD-KARADA-2026-000123."""
    unit = getattr(actor, "unit", None)
    return f"DOC-{unit.code.upper()}" if unit is not None else "DOC-MOI"


def issue(
    *, actor: Any, target: Model, kind: str, render: Callable[[str, dt.datetime], bytes]
) -> Issued:
    """Number, render and ledger one document about `target`.

    `render(number, issued_at)` returns the PDF bytes. Rendering takes a while, so it first runs
    outside the write lock with the number that is next *now*; if someone else took that number
    meanwhile, the transaction rolls back (consuming nothing) and we try again; the last try
    renders while holding the lock, which always succeeds.
    """
    issued_at = timezone.now()
    year = pdf.local_time(issued_at).year
    scope = number_scope(actor)
    for attempt in range(OPTIMISTIC_TRIES + 1):
        guess = numbering.peek(scope, year)
        data = (
            render(numbering.format_number(scope, year, guess), issued_at)
            if attempt < OPTIMISTIC_TRIES
            else b""
        )
        with transaction.atomic(durable=True):
            n = numbering.next_number(scope, year)
            if n != guess or not data:
                if attempt < OPTIMISTIC_TRIES:
                    transaction.set_rollback(True)  # give the number back
                    continue
                data = render(numbering.format_number(scope, year, n), issued_at)
            number = numbering.format_number(scope, year, n)
            digest = hashlib.sha256(data).hexdigest()
            entry = audit.record(
                actor=actor,
                action="reports.document_issued",
                target=target,
                payload={"kind": kind, "number": number, "sha256": digest, "size": len(data)},
            )
        return Issued(number=number, pdf=data, sha256=digest, entry=entry)
    raise AssertionError("unreachable: the last try renders under the lock")


# --- The ledger extract -----------------------------------------------------------------------------
def entries_about(actor: Any, obj: Model) -> list[Entry]:
    """Every ledger entry about `obj` that `actor` may read, oldest first (as on the record's
    history panel: `dalil.audit.selectors.about`)."""
    return list(audit_selectors.about(actor, obj).order_by("seq"))


def _names(obj: Any) -> list[str]:
    names = []
    for attr in ("name_ar", "name_en", "full_name", "full_name_latin"):
        value = str(getattr(obj, attr, "") or "")
        if value and value not in names:
            names.append(value)
    return names


def letterhead(actor: Any) -> dict[str, str]:
    from dalil.accounts.models import Unit

    unit = getattr(actor, "unit", None)
    root = None
    if unit is not None:
        root = Unit.objects.filter(code=unit.path.strip("/").split("/")[0]).first()
    return {
        "ministry_ar": getattr(root, "name_ar", "") or "وزارة الداخلية",
        "ministry_en": getattr(root, "name_en", "") or "Ministry of Interior",
        "unit_ar": getattr(unit, "name_ar", "") if unit is not None and unit != root else "",
        "unit_en": getattr(unit, "name_en", "") if unit is not None and unit != root else "",
        "unit_code": getattr(unit, "code", ""),
    }


def ledger_extract(*, actor: Any, obj: Model) -> Issued:
    """Issue the ledger extract of one record: its entries with full hashes, the chain head and
    whether the whole chain verified at print time."""
    access.require(actor, "view", obj)
    entries = entries_about(actor, obj)
    head = Entry.objects.order_by("-seq").values_list("seq", "hash").first()
    report = integrity.verify()
    url = record_url(obj)
    rows = [
        {
            "seq": e.seq,
            "time": pdf.format_time(e.ts),
            "actor": e.actor,
            "action": e.action,
            "action_label": registry.label(e.action),
            "hash": e.hash,
            "prev_hash": e.prev_hash,
        }
        for e in entries
    ]
    context = {
        "title": _("Ledger extract"),
        "letterhead": letterhead(actor),
        "issued_by": actor.get_username(),
        "issued_by_name": getattr(actor, "full_name", ""),
        "record_type": str(obj._meta.verbose_name),
        "record_label": str(obj),
        "record_names": [n for n in _names(obj) if n != str(obj)],
        "record_ref": f"{obj._meta.label_lower} #{obj.pk}",
        "record_url": url,
        "qr": pdf.qr_data_uri(url),
        "entries": rows,
        "head_seq": head[0] if head else 0,
        "head_hash": head[1] if head else "",
        "verified": report.ok,
        "verified_entries": report.entries,
        "first_bad_seq": report.first_bad_seq,
    }

    def render(number: str, issued_at: dt.datetime) -> bytes:
        return pdf.render(
            "reports/ledger_extract.html",
            {**context, "number": number, "issued_at": pdf.format_time(issued_at)},
        )

    return issue(actor=actor, target=obj, kind="ledger_extract", render=render)
