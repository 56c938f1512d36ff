"""`{% load dalil %}`: numbers and moments in the user's digits; see dalil.ui.formatting.

    {% num page.paginator.count %}          12,345 or ١٢٬٣٤٥
    {% when entry.ts %}                     <time datetime="…">25/11/2026 14:30</time> (Baghdad time)
    {% when entry.ts "seconds" %}           … 14:30:05;  kinds: datetime, date, time, long, longdate, seconds
    {% num n as shown %}                    into a variable (for blocktranslate)
    {{ value|digits:style }}                any text's digits (not for codes: those stay Latin)

The digit style comes from the context (`digits`, set by dalil.ui.context for the signed-in user).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html

from dalil.ui import formatting

register = template.Library()


def _style(context: template.Context) -> str:
    style = context.get("digits", formatting.LATIN)
    return style if style in formatting.STYLES else formatting.LATIN


@register.simple_tag(takes_context=True)
def num(context: template.Context, value: Any, decimals: int | None = None) -> str:
    return formatting.number(value, _style(context), decimals)


@register.simple_tag(takes_context=True)
def when(context: template.Context, value: Any, kind: str = "datetime") -> str:
    text = formatting.moment(value, _style(context), kind)
    if not text:
        return "—"
    return format_html('<time datetime="{}">{}</time>', formatting.iso(value), text)


@register.filter
def digits(value: Any, style: str = formatting.LATIN) -> str:
    return formatting.digits("" if value is None else str(value), style)


def _query_without(request: Any, *drop: str) -> Any:
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    return query


@register.simple_tag(takes_context=True)
def list_query(context: template.Context) -> str:
    """ "?<every GET parameter but page>&" (or "?"), to append page=N to."""
    request = context.get("request")
    if request is None:
        return "?"
    encoded = _query_without(request, "page").urlencode()
    return f"?{encoded}&" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_th(context: template.Context, field: str, label: Any) -> str:
    """A column header that sorts the list by `field` (again: the other way round). The link keeps
    the filters, starts at page 1, and inside a list table htmx swaps only the table."""
    request = context.get("request")
    current = request.GET.get("sort", "") if request is not None else ""
    if current == field:
        state, target, mark = "ascending", f"-{field}", "▲"
    elif current == f"-{field}":
        state, target, mark = "descending", field, "▼"
    else:
        state, target, mark = "none", field, ""
    query = _query_without(request, "page", "sort") if request is not None else None
    if query is not None:
        query["sort"] = target
        url = "?" + query.urlencode()
    else:
        url = f"?sort={target}"
    return format_html(
        '<th scope="col" class="sortable" aria-sort="{}"><a href="{}" hx-get="{}">{}'
        '<span class="sort-mark" aria-hidden="true">{}</span></a></th>',
        state,
        url,
        url,
        label,
        mark,
    )
