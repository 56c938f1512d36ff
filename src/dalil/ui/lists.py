"""List pages: filters beside the table (django-filter), sort by a column header, the count,
pagination that keeps the filters, and htmx swapping only the table.

A list view builds its FilterSet and calls `render_list()`. The template defines the table as a
partial (django-template-partials) named "table" and includes "ui/list_table_head.html" pieces:

    {% load partials dalil %}
    {% partialdef table inline %}<div id="list-table" ...> ... {% sort_th "code" _("Code") %} ...
    {% endpartialdef %}

A normal request gets the whole page; an htmx request (filter change, sort click, next page) gets
only the table, and the browser's address follows (hx-push-url), so reloading or sharing the
address shows the same list. Without JavaScript the same links and the filter form work as plain
page loads.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

SORT_PARAM = "sort"
PER_PAGE = 50


class SortFilter(django_filters.OrderingFilter):
    """OrderingFilter whose field names may hold "{lang}" (name_{lang} sorts by the name in the
    reader's language); the primary key always breaks ties so that pages never overlap."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Sort by"))
        kwargs.setdefault("widget", forms.HiddenInput)
        super().__init__(*args, **kwargs)

    def get_ordering_value(self, param: str) -> str:
        value = super().get_ordering_value(param)
        lang = (get_language() or "ar").split("-")[0]
        return value.replace("{lang}", lang if lang in ("ar", "ckb", "en") else "ar")

    def filter(self, qs: Any, value: Any) -> Any:
        qs = super().filter(qs, value)
        if value and qs.query.order_by:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


class YesNoWidget(django_filters.widgets.BooleanWidget):
    """A yes/no filter whose empty choice reads "All" (django-filter's says "Unknown")."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.choices = (("", _("All")), ("true", _("Yes")), ("false", _("No")))


class ListFilterSet(django_filters.FilterSet):
    """Bootstrap classes on every filter field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else "form-control form-control-sm"
            )
            field.widget.attrs.setdefault("class", css)

    def offer_units(self, actor: Any, name: str = "unit") -> None:
        """Offer in the `name` filter only the units the reader may see: a list of other units'
        names would leak them."""
        from dalil import access
        from dalil.accounts.models import Unit

        units = access.scope(actor, "view", Unit.objects.all())
        self.filters[name].queryset = units  # type: ignore[attr-defined]
        self.form.fields[name].queryset = units  # type: ignore[attr-defined]


def render_list(
    request: HttpRequest,
    template: str,
    filterset: django_filters.FilterSet,
    context: dict[str, Any] | None = None,
    per_page: int = PER_PAGE,
    rows: Any = None,
) -> HttpResponse:
    """The whole page, or only its "table" partial for an htmx request. `rows` may turn a page of
    the queryset into what the table shows (e.g. ledger entries with their labels)."""
    page = Paginator(filterset.qs, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    ctx = {
        "filter": filterset,
        "page": page,
        "rows": rows(list(page)) if rows else page,
        "query": query.urlencode(),
        "sort": request.GET.get(SORT_PARAM, ""),
        "htmx_list": True,
        **(context or {}),
    }
    htmx = getattr(request, "htmx", None)
    partial = (
        htmx is not None and bool(htmx) and not htmx.boosted and not htmx.history_restore_request
    )
    response = render(request, f"{template}#table" if partial else template, ctx)
    patch_vary_headers(response, ["HX-Request"])
    return response
