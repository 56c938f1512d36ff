"""Filters and sort orders of the task lists (django-filter; see dalil.ui.lists)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dalil.accounts.models import User
from dalil.ui.lists import ListFilterSet, SortFilter

from .models import Task

YES = [("1", _("Overdue only"))]


def _overdue() -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=_("Overdue"), choices=YES, empty_label=_("All"), method="only_overdue"
    )


def _priority() -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=_("Priority"), choices=Task.Priority.choices, empty_label=_("Any priority")
    )


class _OverdueFilterSet(ListFilterSet):
    def only_overdue(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """`overdue` is annotated by the selectors (open and due before today, Baghdad time)."""
        return qs.filter(overdue=True) if value == "1" else qs


class TaskFilter(_OverdueFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), field_name="title", lookup_expr="icontains", max_length=100
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Task.Status.choices, empty_label=_("Any status")
    )
    assignee = django_filters.ModelChoiceFilter(
        label=_("Assigned to"), queryset=User.objects.none(), empty_label=_("Anybody")
    )
    priority = _priority()
    overdue = _overdue()
    sort = SortFilter(
        fields=(
            ("title", "title"),
            ("status_rank", "status"),
            ("priority_rank", "priority"),
            ("due_on", "due"),
            ("assignee__full_name", "assignee"),
            ("created_at", "created"),
        ),
    )

    class Meta:
        model = Task
        fields: list[str] = []

    def __init__(self, *args: Any, assignees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the people who hold tasks in this case (and whom the reader may thus see here).
        self.filters["assignee"].queryset = assignees  # type: ignore[attr-defined]
        self.form.fields["assignee"].queryset = assignees  # type: ignore[attr-defined]


class MyTaskFilter(_OverdueFilterSet):
    priority = _priority()
    overdue = _overdue()

    class Meta:
        model = Task
        fields: list[str] = []
