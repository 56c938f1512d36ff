"""Navigation entries by permission. Each app adds its pages with `register()`.

Two menus: "main" (the navigation bar) and "user" (the menu under the user's name: their own
preferences, password, API tokens). `set_menu()` moves an entry another app registered.

Entries of the main menu may belong to a group ("work", "investigations", "admin"): the bar shows a
group as one drop-down (with the sum of its badges) when the user sees two entries of it or more,
and as a plain link when only one, so the bar stays on one line at 1366 px for every role.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dalil import access

MENUS = ("main", "user")
GROUPS: dict[str, str | Promise] = {
    "work": _("My work"),
    "investigations": _("Investigations"),
    "admin": _("Administration"),
}


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    permissions: tuple[str, ...]  # any of them shows the entry; empty: every signed-in user
    order: int = 100
    menu: str = "main"
    # How many things wait for this user there (unread alerts, overdue tasks); shown as a badge.
    count: Callable[[Any], int] | None = None
    group: str = ""


_ITEMS: list[NavItem] = []


def register(
    url_name: str,
    label: str | Promise,
    *permissions: str,
    order: int = 100,
    menu: str = "main",
    count: Callable[[Any], int] | None = None,
    group: str = "",
) -> None:
    if menu not in MENUS:
        raise ValueError(f"unknown menu {menu!r}")
    if group and (group not in GROUPS or menu != "main"):
        raise ValueError(f"unknown group {group!r} (groups are for the main menu)")
    _ITEMS.append(NavItem(url_name, label, tuple(permissions), order, menu, count, group))


def set_menu(url_name: str, menu: str) -> None:
    """Show an entry (registered by another app) in another menu; unknown names are ignored."""
    if menu not in MENUS:
        raise ValueError(f"unknown menu {menu!r}")
    for i, item in enumerate(_ITEMS):
        if item.url_name == url_name:
            _ITEMS[i] = replace(item, menu=menu)


def items_for(user: Any, menu: str = "main") -> list[dict[str, Any]]:
    out = []
    for item in sorted(_ITEMS, key=lambda i: i.order):
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


def bar_for(user: Any, current: str = "") -> list[dict[str, Any]]:
    """The navigation bar: the main menu's entries in order, a group of two or more folded into
    one drop-down placed where its first entry is. `current` (the view name) marks the active
    entry and its group."""
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
