"""Filters and sort orders of the case list (django-filter; see dalil.ui.lists)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dalil.accounts.models import Unit
from dalil.ui.lists import ListFilterSet, SortFilter

from .models import Case, IccsCategory


class CaseFilter(ListFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Case.Status.choices, empty_label=_("Any status")
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), queryset=Unit.objects.none(), method="in_unit", empty_label=_("Any unit")
    )
    section = django_filters.ModelChoiceFilter(
        label=_("ICCS section"),
        queryset=IccsCategory.objects.filter(level=1),
        to_field_name="code",
        method="in_section",
        empty_label=_("Any offence"),
    )
    sort = SortFilter(
        fields=(
            ("number", "number"),
            ("title", "title"),
            ("status", "status"),
            ("unit__path", "unit"),
            ("opened_at", "opened"),
        ),
    )

    class Meta:
        model = Case
        fields: list[str] = []

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer_units(actor)

    def search(self, qs: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(number__icontains=value) | Q(title__icontains=value))

    def in_unit(self, qs: QuerySet[Case], name: str, value: Unit | None) -> QuerySet[Case]:
        return qs.filter(unit__path__startswith=value.path) if value else qs

    def in_section(
        self, qs: QuerySet[Case], name: str, value: IccsCategory | None
    ) -> QuerySet[Case]:
        return (
            qs.filter(offences__category__code__startswith=value.code).distinct() if value else qs
        )
