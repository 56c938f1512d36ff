"""The navigation drawn for one user: the entries the apps registered (`dalil.nav`) that
the user's permissions show, in order, with their badges."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from dalil import access
from dalil.nav import GROUPS, ITEMS


def items_for(user: Any, menu: str = "main") -> list[dict[str, Any]]:
    out = []
    for item in sorted(ITEMS, key=lambda i: i.order):
        if item.menu != menu:
            continue
        if not item.permissions or any(access.has_permission(user, p) for p in item.permissions):
            try:
                url = reverse(item.url_name)
            except NoReverseMatch:  # an app registered an entry for a route it no longer has
                continue
            count = item.count(user) if item.count else 0
            out.append(
                {
                    "url": url,
                    "label": item.label,
                    "name": item.url_name,
                    "count": count,
                    "group": item.group,
                }
            )
    return out


def items_for_request(request: HttpRequest, menu: str = "main") -> list[dict[str, Any]]:
    """`items_for(request.user, menu)`, worked out once per request (the bar and the home page's
    shortcuts both show the main menu, and its badges count rows); each caller gets its own
    copies of the entries."""
    cache = request.__dict__.setdefault("_dalil_nav", {})
    key = (request.user.pk, menu)  # a request that signs someone in or out asks anew
    if key not in cache:
        cache[key] = items_for(request.user, menu)
    return [dict(item) for item in cache[key]]


def bar_for(
    user: Any, current: str = "", items: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The navigation bar: the main menu's entries in order, a group of two or more folded into
    one drop-down placed where its first entry is. `current` (the view name) marks the active
    entry and its group. `items`: the main menu's entries when the caller has them already."""
    if items is None:
        items = items_for(user)
    members: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        item["active"] = item["name"] == current
        if item["group"]:
            members.setdefault(item["group"], []).append(item)
    bar: list[dict[str, Any]] = []
    for item in items:
        group = members.get(item["group"], [])
        if len(group) < 2:
            bar.append(item)
        elif item is group[0]:
            bar.append(
                {
                    "group": item["group"],
                    "label": GROUPS[item["group"]],
                    "entries": group,
                    "count": sum(i["count"] for i in group),
                    "active": any(i["active"] for i in group),
                }
            )
    return bar
