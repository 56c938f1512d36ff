"""Keeping the search index: `index(obj)` after a write, `unindex(obj)` after a delete, `reindex()`
to rebuild it all (`dalil search reindex`). The index is derived data: it never decides access."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from dalil.core.text import fold, latin_key

from .models import SearchEntry
from .registry import Searchable, indexed_models, searchable_for

# A record's searchable text is short (names, codes); cap it so a huge field cannot bloat the index.
MAX_TEXT = 4000
BATCH = 1000


def keys(text: str) -> tuple[str, str]:
    """The (folded, latin) columns of a text."""
    text = text[:MAX_TEXT]
    latin = latin_key(text)
    return fold(text), f" {latin} " if latin else ""


def _entry(searchable: Searchable, ct: ContentType, obj: Any, now: Any) -> SearchEntry:
    folded, latin = keys(searchable.text(obj))
    return SearchEntry(
        content_type=ct, object_id=str(obj.pk), folded=folded, latin=latin, updated=now
    )


def index(obj: Model) -> None:
    """(Re)compute the search entry of `obj`. Call it inside the writing service's transaction."""
    searchable = searchable_for(type(obj))
    if obj.pk is None:
        raise ValueError("save the record before indexing it")
    ct = ContentType.objects.get_for_model(type(obj))
    entry = _entry(searchable, ct, obj, timezone.now())
    SearchEntry.objects.update_or_create(
        content_type=ct,
        object_id=entry.object_id,
        defaults={"folded": entry.folded, "latin": entry.latin, "updated": entry.updated},
    )


def unindex(obj: Model) -> None:
    ct = ContentType.objects.get_for_model(type(obj))
    SearchEntry.objects.filter(content_type=ct, object_id=str(obj.pk)).delete()


def reindex() -> dict[str, int]:
    """Rebuild the whole index in one transaction (readers keep the old index until it commits).
    Entries of models no longer registered are dropped. Returns the count per model."""
    counts: dict[str, int] = {}
    now = timezone.now()
    with transaction.atomic():
        kept = []
        for searchable in indexed_models():
            ct = ContentType.objects.get_for_model(searchable.model)
            kept.append(ct.pk)
            SearchEntry.objects.filter(content_type=ct).delete()
            qs = searchable.model._default_manager.order_by("pk")
            if searchable.select_related:
                qs = qs.select_related(*searchable.select_related)
            batch: list[SearchEntry] = []
            n = 0
            for obj in qs.iterator(chunk_size=BATCH):
                batch.append(_entry(searchable, ct, obj, now))
                if len(batch) >= BATCH:
                    SearchEntry.objects.bulk_create(batch)
                    n += len(batch)
                    batch = []
            SearchEntry.objects.bulk_create(batch)
            counts[searchable.key] = n + len(batch)
        SearchEntry.objects.exclude(content_type_id__in=kept).delete()
    return counts


def missing() -> dict[str, int]:
    """How many records of each model have no entry, or entries whose record is gone (a cheap
    count comparison: used by `dalil demo` and `dalil search status`)."""
    out = {}
    for searchable in indexed_models():
        ct = ContentType.objects.get_for_model(searchable.model)
        have = SearchEntry.objects.filter(content_type=ct).count()
        out[searchable.key] = searchable.model._default_manager.count() - have
    return out
