"""Filters and sort orders of the units and users lists (django-filter; see dalil.ui.lists)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dalil.ui.lists import ListFilterSet, SortFilter

from .models import Governorate, Unit, User


class UnitFilter(ListFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Unit.Kind.choices, empty_label=_("Any kind")
    )
    governorate = django_filters.ModelChoiceFilter(
        label=_("Governorate"), queryset=Governorate.objects.all(), empty_label=_("Any governorate")
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=(("active", _("Active")), ("inactive", _("Inactive"))),
        method="in_state",
        empty_label=_("Any state"),
    )
    sort = SortFilter(
        fields=(
            ("path", "tree"),
            ("code", "code"),
            ("name_{lang}", "name"),
            ("kind", "kind"),
            ("governorate__code", "governorate"),
        ),
    )

    class Meta:
        model = Unit
        fields: list[str] = []

    def search(self, qs: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(code__icontains=value)
            | Q(name_ar__icontains=value)
            | Q(name_en__icontains=value)
            | Q(name_ckb__icontains=value)
        )

    def in_state(self, qs: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        return qs.filter(is_active=(value == "active")) if value in ("active", "inactive") else qs


class UserFilter(ListFilterSet):
    STATES = (("active", _("Active")), ("inactive", _("Inactive")), ("locked", _("Locked")))

    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), queryset=Unit.objects.none(), method="in_unit", empty_label=_("Any unit")
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=STATES, method="in_state", empty_label=_("Any state")
    )
    sort = SortFilter(
        fields=(
            ("username", "username"),
            ("full_name", "name"),
            ("unit__path", "unit"),
            ("date_joined", "joined"),
        ),
    )

    class Meta:
        model = User
        fields: list[str] = []

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer_units(actor)

    def search(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(username__icontains=value)
            | Q(full_name__icontains=value)
            | Q(full_name_latin__icontains=value)
            | Q(badge_number__icontains=value)
        )

    def in_unit(self, qs: QuerySet[User], name: str, value: Unit | None) -> QuerySet[User]:
        return qs.filter(unit=value) if value else qs

    def in_state(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        if value == "locked":
            return qs.filter(locked_at__isnull=False)
        if value == "inactive":
            return qs.filter(is_active=False)
        if value == "active":
            return qs.filter(is_active=True, locked_at__isnull=True)
        return qs
