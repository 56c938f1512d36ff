"""Filters and sort orders of the ledger page (django-filter; see dalil.ui.lists)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dalil.ui.lists import ListFilterSet, SortFilter

from . import registry
from .models import Entry

_MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class LedgerFilter(ListFilterSet):
    seq = django_filters.NumberFilter(label=_("Entry number"), field_name="seq", min_value=1)
    actor_name = django_filters.CharFilter(
        label=_("Who"), field_name="actor", lookup_expr="icontains", max_length=150
    )
    action = django_filters.ChoiceFilter(label=_("Action"), choices=[], empty_label=_("Any action"))
    target_type = django_filters.CharFilter(label=_("Record type"), max_length=80)
    target_id = django_filters.CharFilter(label=_("Record"), method="record", max_length=64)
    since = django_filters.DateTimeFilter(
        label=_("From"), field_name="ts", lookup_expr="gte", widget=_MOMENT
    )
    until = django_filters.DateTimeFilter(
        label=_("Until"), field_name="ts", lookup_expr="lt", widget=_MOMENT
    )
    sort = SortFilter(
        fields=(
            ("seq", "seq"),
            ("actor", "actor"),
            ("source", "source"),
            ("action", "action"),
            ("target_type", "record"),
        )
    )

    class Meta:
        model = Entry
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(a.code, f"{a.label} ({a.code})") for a in registry.all_actions()]
        self.form.fields["action"].choices = [("", _("Any action")), *choices]  # type: ignore[attr-defined]

    def record(self, qs: QuerySet[Entry], name: str, value: str) -> QuerySet[Entry]:
        return qs.filter(Q(target_id=value) | Q(target_label__icontains=value)) if value else qs

    def applied(self) -> dict[str, str]:
        """The filters in force, for the ledger's own `audit.ledger_viewed` entry."""
        data = (
            self.form.cleaned_data if self.is_bound and hasattr(self.form, "cleaned_data") else {}
        )
        return {k: str(v) for k, v in data.items() if k != "sort" and v not in (None, "", [])}
