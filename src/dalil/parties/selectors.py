"""Reads for the pages: each goes through the door."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from dalil import access
from dalil.accounts.selectors import history as _history
from dalil.audit.models import Entry
from dalil.audit.selectors import annotate

from .models import ENTITY_MODELS, Entity, Link


@dataclass
class Linked:
    link: Link
    other: Entity
    outgoing: bool  # this entity is the link's "from" end


def linked(actor: Any, obj: Entity) -> list[Linked]:
    """The links of `obj` that the actor may see, with the other end (when the actor may see it)."""
    links = access.scope(
        actor,
        "view",
        Link.objects.filter(
            Q(from_type=obj.TYPE, from_id=obj.pk) | Q(to_type=obj.TYPE, to_id=obj.pk)
        ).order_by("pk"),
    )
    wanted: dict[str, set[int]] = {}
    rows = list(links)
    for link in rows:
        out = link.from_type == obj.TYPE and link.from_id == obj.pk
        kind, pk = (link.to_type, link.to_id) if out else (link.from_type, link.from_id)
        wanted.setdefault(kind, set()).add(pk)
    found: dict[tuple[str, int], Entity] = {}
    for kind, pks in wanted.items():
        qs = access.scope(actor, "view", ENTITY_MODELS[kind]._default_manager.filter(pk__in=pks))
        for other in qs:
            found[(kind, other.pk)] = other
    result = []
    for link in rows:
        out = link.from_type == obj.TYPE and link.from_id == obj.pk
        key = (link.to_type, link.to_id) if out else (link.from_type, link.from_id)
        if key in found:
            result.append(Linked(link, found[key], out))
    return result


def history(actor: Any, obj: Entity) -> list[Entry]:
    return annotate(_history(actor, obj))
