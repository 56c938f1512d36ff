"""Labels for evidence packaging (EV-2): one PDF of labels for one item or a batch, on an A4 sheet
of 3 × 8 labels (70 × 37 mm, the common office sheet) or one label per page for a thermal printer
(100 × 50 mm). Each label carries the item number in large Latin letters, the QR code of the item's
address in Dalil (a phone opens the item for a signed-in user; a handheld scanner types the address
into the scan box, which finds the item), the case, the category, the seal number, the collection
date and the hazards. Printing is on the ledger (who printed labels for which items).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse

from dalil import access, audit
from dalil.reports import pdf

from .models import Item

SIZES = {"a4": (3, 24), "thermal": (1, 1)}  # columns, labels per page
MAX_LABELS = 480  # twenty sheets


def item_address(item: Item) -> str:
    return pdf.absolute_url(reverse("evidence:item_detail", args=[item.number]))


def labels_pdf(*, actor: Any, items: list[Item], size: str = "a4") -> bytes:
    """The labels of `items` (each must be one the actor may see: the caller found them through
    the selectors; checked again here)."""
    if size not in SIZES:
        raise ValueError(f"unknown label size {size!r}")
    for item in items:
        access.require(actor, "view", item)
    columns, per_page = SIZES[size]
    labels = [
        {"item": item, "qr": pdf.qr_data_uri(item_address(item)), "address": item_address(item)}
        for item in items
    ]
    pages = [labels[i : i + per_page] for i in range(0, len(labels), per_page)]
    data = pdf.render(
        "evidence/labels.html",
        {"pages": pages, "size": size, "columns": columns, "title": "labels"},
    )
    # One entry per item, about that item: a reader of the ledger who may not see one of them
    # (its case's compartment) learns nothing of it from the others' entries.
    with transaction.atomic():
        for item in items:
            audit.record(
                actor=actor,
                action="evidence.labels_printed",
                target=item,
                payload={"number": item.number, "size": size, "batch": len(items)},
            )
    return data
