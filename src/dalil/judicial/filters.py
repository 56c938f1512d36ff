"""Filters of the requests list and the deadlines page (django-filter; see dalil.ui.lists)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from dalil import access
from dalil.accounts.models import Unit
from dalil.ui.lists import ListFilterSet, SortFilter

from .models import Deadline, JudicialRequest


class _UnitScoped(ListFilterSet):
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit"), queryset=Unit.objects.none(), method="in_unit", empty_label=_("Any unit")
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = access.scope(actor, "view", Unit.objects.all())
        self.filters["unit"].queryset = units  # type: ignore[attr-defined]
        self.form.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def in_unit(self, qs: QuerySet[Any], name: str, value: Unit | None) -> QuerySet[Any]:
        return qs.filter(case__unit__path__startswith=value.path) if value else qs


class RequestFilter(_UnitScoped):
    q = django_filters.CharFilter(label=_("Search"), method="search", max_length=100)
    kind = django_filters.ChoiceFilter(
        label=_("Kind of request"),
        choices=JudicialRequest.Kind.choices,
        empty_label=_("Any kind"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=JudicialRequest.Status.choices, empty_label=_("Any status")
    )
    sort = SortFilter(
        fields=(
            ("number", "number"),
            ("kind", "kind"),
            ("status", "status"),
            ("case__unit__path", "unit"),
            ("submitted_at", "submitted"),
        ),
    )

    class Meta:
        model = JudicialRequest
        fields: list[str] = []

    def search(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(number__icontains=value) | Q(court__icontains=value) | Q(case__title__icontains=value)
        )


STATE_CHOICES = [
    ("open", _("Open")),
    ("overdue", _("Overdue")),
    ("done", _("Done")),
    ("superseded", _("Superseded by a correction")),
    ("all", _("All")),
]


class DeadlineFilter(_UnitScoped):
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=STATE_CHOICES, method="in_state", empty_label=None
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of deadline"), choices=Deadline.Kind.choices, empty_label=_("Any kind")
    )

    class Meta:
        model = Deadline
        fields: list[str] = []

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        # Open deadlines unless the reader asks for others: the page is a to-do list.
        if data is None or not data.get("state"):
            data = data.copy() if data is not None else {}
            data["state"] = "open"
        super().__init__(data, *args, **kwargs)

    def in_state(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        from django.utils import timezone

        if value == "overdue":
            return qs.filter(state=Deadline.State.OPEN, due_at__lt=timezone.now())
        if value in Deadline.State.values:
            return qs.filter(state=value)
        return qs
