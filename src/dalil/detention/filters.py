"""Filters of the detainee register (django-filter; see dalil.ui.lists). The list is always sorted
by the nearest deadline (the register's purpose); the filters narrow it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dalil.accounts.models import Unit
from dalil.ui.lists import ListFilterSet, YesNoWidget

from .models import Detainee

STATE_CHOICES = [
    ("current", _("Held now")),
    ("released", _("Released")),
    ("all", _("All")),
]


class RegisterFilter(ListFilterSet):
    q = django_filters.CharFilter(
        label=_("Register or case number"), method="search", max_length=80
    )
    state = django_filters.ChoiceFilter(
        label=_("Detainees"), choices=STATE_CHOICES, method="in_state", empty_label=None
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit of the case"),
        queryset=Unit.objects.none(),
        method="in_unit",
        empty_label=_("Any unit"),
    )
    breached = django_filters.BooleanFilter(
        label=_("A limit was passed"),
        method="is_breached",
        widget=YesNoWidget(),
    )
    due_within = django_filters.NumberFilter(
        label=_("Next deadline within (days)"), method="within_days", min_value=0, max_value=365
    )

    class Meta:
        model = Detainee
        fields: list[str] = []

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer_units(actor)
        self.now = timezone.now()

    @property
    def qs(self) -> QuerySet[Detainee]:
        qs = super().qs
        state = self.form.cleaned_data.get("state") if self.is_bound else None
        if not state:  # the register opens on the detainees held now
            qs = qs.filter(released_at__isnull=True)
        return qs

    def search(self, qs: QuerySet[Detainee], name: str, value: str) -> QuerySet[Detainee]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(number__icontains=value) | Q(case__number__icontains=value))

    def in_state(self, qs: QuerySet[Detainee], name: str, value: str) -> QuerySet[Detainee]:
        if value == "released":
            return qs.filter(released_at__isnull=False)
        if value == "all":
            return qs
        return qs.filter(released_at__isnull=True)

    def in_unit(self, qs: QuerySet[Detainee], name: str, value: Unit | None) -> QuerySet[Detainee]:
        return qs.filter(case__unit__path__startswith=value.path) if value else qs

    def is_breached(
        self, qs: QuerySet[Detainee], name: str, value: bool | None
    ) -> QuerySet[Detainee]:
        """A limit passed at the last write, or a deadline that has passed since (the stored next
        deadline is then in the past)."""
        if value is None:
            return qs
        passed = Q(breached=True) | Q(released_at__isnull=True, next_deadline_at__lte=self.now)
        return qs.filter(passed) if value else qs.exclude(passed)

    def within_days(self, qs: QuerySet[Detainee], name: str, value: Any) -> QuerySet[Detainee]:
        """Held now, with a deadline within so many days (one already passed counts too)."""
        if value is None:
            return qs
        horizon = self.now + dt.timedelta(days=float(value))
        return qs.filter(released_at__isnull=True, next_deadline_at__lte=horizon)
