"""Parsing a query and finding records, within the actor's scope only."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from dalil import access
from dalil.core.text import fold, has_bidi_control, latin_key

from .registry import Hit, Query, Source, sources

if TYPE_CHECKING:
    from .registry import Searchable

MAX_QUERY = 200  # characters, checked before any normalisation
MAX_WORDS = 8
PER_SOURCE = 20  # results per model on the overview page, and per page of "more"
SHORT_KEY = 3  # a transliteration key shorter than this must match a whole word, not a prefix
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@dataclass
class Parsed:
    query: Query | None
    notices: list[str] = field(default_factory=list)  # the search ran, but the user should know
    error: str = ""  # the search did not run


def parse(raw: str) -> Parsed:
    """Check and fold the raw text of the search box. Never raises on user input."""
    if len(raw) > MAX_QUERY:
        return Parsed(
            None,
            error=_("The search is too long: use at most %(n)d characters.") % {"n": MAX_QUERY},
        )
    notices = []
    if has_bidi_control(raw):
        notices.append(_("Invisible direction-control characters in your search were ignored."))
    # Control characters (NUL, tabs, newlines) separate words; PostgreSQL refuses NUL in a query.
    folded = fold(_CONTROLS.sub(" ", raw))
    if not folded:
        return Parsed(None, notices, error=_("Type a name, a code or a number to search."))
    words = tuple(dict.fromkeys(folded.split()))
    if len(words) > MAX_WORDS:
        return Parsed(None, notices, error=_("Use at most %(n)d words.") % {"n": MAX_WORDS})
    return Parsed(Query(text=raw.strip(), words=words), notices)


def word_q(word: str) -> Q:
    """One word matches a search entry: a substring of its folded text, or its transliteration key
    is a word of the entry's keys (a prefix of one, when the key is long enough)."""
    q = Q(folded__contains=word)
    key = latin_key(word)
    if key and " " not in key:
        q |= Q(latin__contains=f" {key} " if len(key) < SHORT_KEY else f" {key}")
    return q


def _id_field(model: type[models.Model]) -> models.Field:
    pk = model._meta.pk
    if isinstance(pk, models.AutoField | models.BigAutoField | models.IntegerField):
        return models.BigIntegerField()
    return type(pk)()


def find_indexed(searchable: Searchable, actor: Any, query: Query) -> QuerySet:
    from .models import SearchEntry

    ct = ContentType.objects.get_for_model(searchable.model)
    entries = SearchEntry.objects.filter(content_type=ct)
    for word in query.words:
        entries = entries.filter(word_q(word))
    ids = entries.values(pk=Cast("object_id", _id_field(searchable.model)))
    qs = searchable.model._default_manager.filter(pk__in=ids)
    if searchable.select_related:
        qs = qs.select_related(*searchable.select_related)
    # The door decides: what the actor may not `permission_action` is neither listed nor counted.
    return access.scope(actor, searchable.permission_action, qs)


@dataclass
class Group:
    source: Source
    count: int
    hits: list[Hit]
    page: int = 1
    per_page: int = PER_SOURCE

    @property
    def key(self) -> str:
        return self.source.key

    @property
    def title(self) -> str:
        return str(self.source.title)

    @property
    def has_more(self) -> bool:
        return self.count > self.page * self.per_page

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.per_page))


@dataclass
class Results:
    groups: list[Group]
    read_actions: list[str]  # sensitive reads to put on the ledger (e.g. the ledger was searched)

    @property
    def total(self) -> int:
        return sum(g.count for g in self.groups)


def run(
    actor: Any, query: Query, *, only: str = "", page: int = 1, per_page: int = PER_SOURCE
) -> Results:
    """Search every source (or only the one keyed `only`), within `actor`'s scope. Sources with no
    result are left out, so nothing tells the actor that a record they may not see exists."""
    groups, read_actions = [], []
    for src in sources():
        if only and src.key != only:
            continue
        qs = src.find(actor, query)
        if qs is None:
            continue
        if src.read_action and src.read_action not in read_actions:
            read_actions.append(src.read_action)
        count = qs.count()
        if not count:
            continue
        pages = max(1, -(-count // per_page))
        current = min(max(page, 1), pages)
        start = (current - 1) * per_page
        hits = [src.hit(obj) for obj in qs[start : start + per_page]]
        groups.append(Group(src, count, hits, current, per_page))
    return Results(groups, read_actions)


def validate(raw: str) -> Query:
    """For callers other than the page (the API): a Query or a ValidationError."""
    parsed = parse(raw)
    if parsed.query is None:
        raise ValidationError(parsed.error)
    return parsed.query
