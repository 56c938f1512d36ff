"""The court's custody report of one item (EV-6): a numbered PDF in the reader's language with the
whole chain of custody, each event's ledger entry and hashes, and the signed checkpoint that
covers the last of them; and a bundle (zip) that a judge or a defence lawyer checks offline with
the standalone verifier that travels inside it (`python3 verify_ledger.py bundle.zip`).

The bundle holds the ledger from the item's first entry to the first signed checkpoint after its
last one (or the ledger's end): the item's entries in full, every other entry as its hashes only
(it holds its place in the chain; its content is not the item's reader's business), the
checkpoints, an export seal, and `custody.json`, the events as the custody table holds them; the
verifier checks each event against the payload of the ledger entry it names.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Collection
from typing import Any

from django.utils.translation import gettext as _

from dalil import access
from dalil.audit import chain, integrity, registry
from dalil.audit.ledger import format_ts
from dalil.audit.models import Checkpoint, Entry
from dalil.reports import documents, pdf

from .labels import item_address
from .models import CustodyEvent, Item
from .services import who

FORMAT = "dalil-custody/1"


def _events(item: Item) -> list[CustodyEvent]:
    """Every event of the item (whoever may see the item sees its chain: policies.py)."""
    return list(
        CustodyEvent.objects.filter(item=item)
        .select_related(
            "from_user", "from_location__unit", "to_user", "to_location__unit", "recorded_by"
        )
        .order_by("seq")
    )


def sound(entry: Entry) -> bool:
    """The entry's stored hash is the hash of its content and of the previous hash."""
    body = chain.entry_bytes(
        entry.seq,
        format_ts(entry.ts),
        entry.actor_id,
        entry.actor,
        entry.source,
        entry.action,
        entry.target_type,
        entry.target_id,
        entry.target_label,
        entry.payload,
    )
    return chain.entry_hash(entry.prev_hash, body) == entry.hash


def covering_checkpoint(last_seq: int) -> Checkpoint | None:
    """The first signed checkpoint at or after the item's last entry, if one was signed yet."""
    return Checkpoint.objects.filter(seq__gte=last_seq).order_by("seq", "id").first()


def checkpoint_valid(cp: Checkpoint) -> bool:
    public = integrity.public_key_bytes()
    message = chain.checkpoint_message(cp.seq, cp.hash, format_ts(cp.ts))
    stored = Entry.objects.filter(seq=cp.seq).values_list("hash", flat=True).first()
    return (
        cp.key_id == integrity.key_id(public)
        and chain.ed25519_verify(public, message, bytes.fromhex(cp.signature))
        and stored == cp.hash
    )


def custody_json(item: Item, events: list[CustodyEvent]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "item": {
            "id": item.pk,
            "number": item.number,
            "case": item.case.number,
            "category": item.category,
            "description": item.description,
        },
        "events": [
            {
                "event": e.seq,
                "kind": e.kind,
                "at": e.at.astimezone(dt.UTC).isoformat(),
                "from": who(e.from_user or e.from_location),
                "to": who(e.to_user or e.to_location),
                "purpose": e.purpose,
                "seal_number": e.seal_number,
                "seal_state": e.seal_state,
                "notes": e.notes,
                "ledger_seq": e.ledger_seq,
            }
            for e in events
        ],
    }


def custody_report(*, actor: Any, item: Item) -> documents.Issued:
    access.require(actor, "view", item)
    events = _events(item)
    entries = {e.seq: e for e in Entry.objects.filter(seq__in=[ev.ledger_seq for ev in events])}
    rows = []
    for ev in events:
        entry = entries.get(ev.ledger_seq)
        rows.append(
            {
                "event": ev,
                "time": pdf.format_time(ev.at),
                "source": str(ev.from_user.full_name if ev.from_user else ev.from_location or "—"),
                "destination": str(ev.to_user.full_name if ev.to_user else ev.to_location or "—"),
                "entry": entry,
                "action_label": registry.label(entry.action) if entry else "",
                "sound": entry is not None and sound(entry),
            }
        )
    last_seq = max((ev.ledger_seq for ev in events), default=0)
    cp = covering_checkpoint(last_seq) if last_seq else None
    url = item_address(item)
    context = {
        "title": _("Chain of custody report"),
        "letterhead": documents.letterhead(actor),
        "issued_by": actor.get_username(),
        "issued_by_name": getattr(actor, "full_name", ""),
        "item": item,
        "rows": rows,
        "all_sound": all(r["sound"] for r in rows),
        "checkpoint": cp,
        "checkpoint_valid": cp is not None and checkpoint_valid(cp),
        "record_url": url,
        "qr": pdf.qr_data_uri(url),
    }

    def render(number: str, issued_at: dt.datetime) -> bytes:
        return pdf.render(
            "evidence/custody_report.html",
            {**context, "number": number, "issued_at": pdf.format_time(issued_at)},
        )

    return documents.issue(actor=actor, target=item, kind="custody_report", render=render)


def custody_bundle(*, actor: Any, item: Item) -> tuple[bytes, dict[str, Any]]:
    """The offline-verifiable bundle (zip bytes, manifest). Its export is on the ledger."""
    access.require(actor, "view", item)
    events = _events(item)
    mine = {ev.ledger_seq for ev in events}
    first = min(mine)
    cp = covering_checkpoint(max(mine))
    last = (
        cp.seq
        if cp is not None
        else Entry.objects.order_by("-seq").values_list("seq", flat=True).first()
    )
    assert last is not None

    def withheld(lo: int, hi: int) -> Collection[int]:
        return set(range(lo, hi + 1)) - mine

    out = io.BytesIO()
    manifest = integrity.export_bundle(
        out,
        actor=actor,
        withheld=withheld,
        seqs=(first, last),
        extra={
            chain.CUSTODY_FILE: json.dumps(custody_json(item, events), ensure_ascii=False, indent=2)
        },
        target=item,
    )
    return out.getvalue(), manifest
