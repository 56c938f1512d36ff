"""Filters and sort orders of the evidence register (django-filter; see dalil.ui.lists)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dalil.core.text import clean_identifier
from dalil.ui.lists import ListFilterSet, SortFilter

from .models import Category, Item


class ItemFilter(ListFilterSet):
    q = django_filters.CharFilter(label=_("Item or seal number"), method="by_number", max_length=60)
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=Item.State.choices, empty_label=_("Any state")
    )
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Category.choices, empty_label=_("Any category")
    )
    sort = SortFilter(
        fields=(
            ("number", "number"),
            ("collected_at", "collected"),
            ("case__number", "case"),
            ("state", "state"),
        ),
    )

    class Meta:
        model = Item
        fields: list[str] = []

    def by_number(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        try:
            code = clean_identifier(value).upper()
        except ValidationError:
            return qs.none()
        return qs.filter(Q(number__icontains=code) | Q(seal_number__icontains=code)) if code else qs
