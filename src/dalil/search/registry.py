"""The search registry: each app declares what the global search may find (CO-11).

Two kinds of sources:

* an **indexed model** (`register(Model, fields=[...], label=..., url=...)`): its text is folded into
  the `SearchEntry` table by `search.index(obj)`, which the app's writing services call inside their
  transaction; a query matches entries, then goes through `access.scope()` on the model itself;
* a **direct source** (`register_source(MySource())`): searched in its own table without copying it
  (the ledger: millions of rows, found by number, hash prefix or actor).

Apps register in a module called `searchables.py`, imported by the search app when it starts.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.functional import Promise


@dataclass(frozen=True)
class Hit:
    """One result line: a label (a name, in `<bdi>`), a link, and optional code and detail."""

    label: str
    url: str
    code: str = ""  # a Latin identifier shown left-to-right (user name, unit code, number)
    detail: str = ""  # a short free-text detail


@dataclass(frozen=True)
class Query:
    """A parsed query: the folded words every result must match, and the original text."""

    text: str
    words: tuple[str, ...]


class Source(abc.ABC):
    """Something the global search can look in. Subclass for a direct source."""

    key: str = ""
    order: int = 100
    # A ledger action code recorded (once per search) when this source was actually queried: a
    # source whose reading is itself a sensitive read (the ledger).
    read_action: str | None = None

    @property
    @abc.abstractmethod
    def title(self) -> str | Promise:
        """The group heading on the results page."""

    @abc.abstractmethod
    def find(self, actor: Any, query: Query) -> QuerySet | None:
        """The matching records *within the actor's scope*, ordered, or None when this source does
        not apply to the actor or to this kind of query (then it is not shown and not recorded)."""

    @abc.abstractmethod
    def hit(self, obj: Any) -> Hit:
        """One result line for `obj`."""


@dataclass
class Searchable(Source):
    """An indexed model (see `register`)."""

    model: type[Model]
    fields: list[str | Callable[[Any], Any]]
    label: Callable[[Any], str]
    url: Callable[[Any], str]
    permission_action: str = "view"
    code: Callable[[Any], str] | None = None
    detail: Callable[[Any], str] | None = None
    order: int = 100
    select_related: tuple[str, ...] = ()
    key: str = field(init=False, default="")

    def __post_init__(self) -> None:
        self.key = self.model._meta.label_lower

    @property
    def title(self) -> str | Promise:
        return self.model._meta.verbose_name_plural or self.model.__name__

    def text(self, obj: Any) -> str:
        """The searchable text of one object: its fields' values, one after another."""
        parts = []
        for f in self.fields:
            value = f(obj) if callable(f) else getattr(obj, f)
            if value not in (None, ""):
                parts.append(str(value))
        return " ".join(parts)

    def find(self, actor: Any, query: Query) -> QuerySet | None:
        from .query import find_indexed

        return find_indexed(self, actor, query)

    def hit(self, obj: Any) -> Hit:
        return Hit(
            label=self.label(obj),
            url=self.url(obj),
            code=self.code(obj) if self.code else "",
            detail=self.detail(obj) if self.detail else "",
        )


_SOURCES: dict[str, Source] = {}
_MODELS: dict[type[Model], Searchable] = {}


def register(
    model: type[Model],
    *,
    fields: list[str | Callable[[Any], Any]],
    label: Callable[[Any], str],
    url: Callable[[Any], str],
    permission_action: str = "view",
    code: Callable[[Any], str] | None = None,
    detail: Callable[[Any], str] | None = None,
    order: int = 100,
    select_related: tuple[str, ...] = (),
) -> Searchable:
    """Make `model` findable. Its writing services must call `search.index(obj)` after each write
    of one of `fields`, inside their transaction; results are filtered by
    `access.scope(actor, permission_action, ...)`, so the model needs an access policy."""
    if model in _MODELS:
        raise ValueError(f"{model.__name__} is registered for search twice")
    if not fields:
        raise ValueError("a searchable model needs at least one field")
    searchable = Searchable(
        model=model,
        fields=list(fields),
        label=label,
        url=url,
        permission_action=permission_action,
        code=code,
        detail=detail,
        order=order,
        select_related=tuple(select_related),
    )
    _MODELS[model] = searchable
    register_source(searchable)
    return searchable


def register_source(source: Source) -> Source:
    if not source.key or source.key in _SOURCES:
        raise ValueError(f"search source {source.key!r} has no key or is registered twice")
    _SOURCES[source.key] = source
    return source


def sources() -> list[Source]:
    return sorted(_SOURCES.values(), key=lambda s: (s.order, s.key))


def source(key: str) -> Source | None:
    return _SOURCES.get(key)


def searchable_for(model: type[Model]) -> Searchable:
    try:
        return _MODELS[model]
    except KeyError:
        raise LookupError(f"{model.__name__} is not registered for search") from None


def indexed_models() -> list[Searchable]:
    return sorted(_MODELS.values(), key=lambda s: (s.order, s.key))
