"""The entity list's filters: type, unit, text (django-filter; see dalil.ui.lists)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dalil import access
from dalil.accounts.models import Unit
from dalil.core.text import fold
from dalil.ui.lists import ListFilterSet, SortFilter

from .models import ENTITY_TYPE_CHOICES, Person


class EntityFilter(ListFilterSet):
    type = django_filters.ChoiceFilter(
        label=_("Type"), choices=ENTITY_TYPE_CHOICES, method="of_type", empty_label=None
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), queryset=Unit.objects.none(), method="in_unit", empty_label=_("Any unit")
    )
    q = django_filters.CharFilter(label=_("Text"), method="search", max_length=100)
    sort = SortFilter(
        fields=(("search_key", "name"), ("unit__path", "unit"), ("created_at", "recorded"))
    )

    class Meta:
        model = Person
        fields: list[str] = []

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = access.scope(actor, "view", Unit.objects.all())
        self.filters["unit"].queryset = units  # type: ignore[attr-defined]
        self.form.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def of_type(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs  # the view picked the model from this value

    def in_unit(self, qs: QuerySet, name: str, value: Unit | None) -> QuerySet:
        return qs.filter(unit=value) if value else qs

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return qs
        q = Q(search_key__contains=fold(value))
        if qs.model is Person:
            for f in Person.LATIN_PARTS:
                q |= Q(**{f"{f}__icontains": value})
            q |= Q(aliases__name__icontains=value)
        return qs.filter(q).distinct()
