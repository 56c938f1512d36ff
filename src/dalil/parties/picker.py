"""Choosing a person or entity by typing part of its name or number (search as you type).

A form field (`EntityField`) submits "type:number"; its widget is a search box that asks
`parties:pick` for matches (htmx) and lists them as radio buttons. Matches come from the global
search's index where the type is indexed (so "Ahmed" finds أحمد) and from the folded search key
otherwise, always through `access.scope`: nobody is offered a record they may not see. The field
checks only the shape of the value; the view opens the record through the door
(`services.entity_of`), so a forged number answers as "no such record".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dalil import access
from dalil.core.text import fold
from dalil.search import query as search_query
from dalil.search.registry import searchable_for

from .models import ENTITY_MODELS, ENTITY_TYPE_CHOICES

PER_KIND = 8


@dataclass(frozen=True)
class Choice:
    value: str  # "type:number"
    label: str
    kind_label: str
    checked: bool = False


def _matches(actor: Any, kind: str, text: str) -> QuerySet:
    model = ENTITY_MODELS[kind]
    parsed = search_query.parse(text)
    if parsed.query is None:
        return model._default_manager.none()
    try:
        return search_query.find_indexed(searchable_for(model), actor, parsed.query)
    except LookupError:  # not in the global index: its own folded key
        qs = model._default_manager.all()
        for word in parsed.query.words:
            qs = qs.filter(search_key__contains=word)
        return access.scope(actor, "view", qs)


def _kind_of(obj: Any) -> str:
    return next((k for k, model in ENTITY_MODELS.items() if isinstance(obj, model)), "")


def find(actor: Any, text: str, kinds: list[str]) -> list[Choice]:
    labels = dict(ENTITY_TYPE_CHOICES)
    out: list[Choice] = []
    if len(fold(text)) < 2:
        return out
    for kind in kinds:
        for obj in _matches(actor, kind, text).order_by("pk")[:PER_KIND]:
            out.append(Choice(f"{kind}:{obj.pk}", str(obj), str(labels[kind])))
    return out


def chosen(actor: Any, value: str, kinds: list[str]) -> list[Choice]:
    """The already chosen record, shown checked when a form comes back with an error."""
    kind, _sep, pk = (value or "").partition(":")
    if kind not in kinds or not (pk.isascii() and pk.isdigit()):
        return []
    obj = access.scope(actor, "view", ENTITY_MODELS[kind]._default_manager.filter(pk=pk)).first()
    if obj is None:
        return []
    return [Choice(value, str(obj), str(dict(ENTITY_TYPE_CHOICES)[kind]), checked=True)]


class EntityPicker(forms.Widget):
    template_name = "parties/widgets/entity_picker.html"

    def __init__(self, kinds: list[str], attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.kinds = kinds
        self.actor: Any = None
        self.suggestions: list[Choice] = []

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        picked_now = chosen(self.actor, str(value or ""), self.kinds) if self.actor else []
        taken = {c.value for c in picked_now}
        context["widget"].update(
            {
                "pick_url": reverse("parties:pick"),
                "kinds": ",".join(self.kinds),
                "results": picked_now + [c for c in self.suggestions if c.value not in taken],
            }
        )
        return context

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name)


class EntityField(forms.Field):
    """A person or entity of one of `kinds`, chosen by search; cleans to (type, number)."""

    default_error_messages = {
        "required": _("Search for the record, then choose it from the list."),
        "invalid": _("Search for the record, then choose it from the list."),
    }

    def __init__(self, *, kinds: list[str], **kwargs: Any) -> None:
        self.kinds = kinds
        kwargs.setdefault("widget", EntityPicker(kinds))
        kwargs.setdefault(
            "help_text", _("Type two letters or more of a name, number or plate, then choose.")
        )
        super().__init__(**kwargs)

    def bind(self, actor: Any, suggestions: Iterable[Any] = ()) -> None:
        """Open the widget to `actor`; `suggestions` (records the actor may see, e.g. the persons
        already in the case) are offered before anything is typed."""
        assert isinstance(self.widget, EntityPicker)
        self.widget.actor = actor
        labels = dict(ENTITY_TYPE_CHOICES)
        self.widget.suggestions = [
            Choice(f"{kind}:{obj.pk}", str(obj), str(labels[kind]))
            for obj in suggestions
            for kind in [_kind_of(obj)]
            if kind in self.kinds
        ]

    def to_python(self, value: Any) -> tuple[str, int] | None:
        if value in self.empty_values:
            return None
        kind, _sep, pk = str(value).partition(":")
        if kind not in self.kinds or not (pk.isascii() and pk.isdigit()) or not 0 < int(pk) < 2**63:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return kind, int(pk)


def picked(actor: Any, value: tuple[str, int], field: str) -> Any:
    """The record an `EntityField` named, opened through the door; a missing or forbidden one is
    the same refusal on the form (never a 404 page for a typo, never a hint that it exists)."""
    from .services import entity_of

    try:
        return entity_of(actor, *value)
    except Http404:  # includes access.Denied
        raise ValidationError({field: _("No such record, or you may not see it.")}) from None
