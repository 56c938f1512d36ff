"""Navigation entries by permission. Each app adds its pages with `register()`.

Two menus: "main" (the navigation bar) and "user" (the menu under the user's name: their own
preferences, password, API tokens). `set_menu()` moves an entry another app registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from dalil import access

MENUS = ("main", "user")


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    permissions: tuple[str, ...]  # any of them shows the entry; empty: every signed-in user
    order: int = 100
    menu: str = "main"
    # How many things wait for this user there (unread alerts, overdue tasks); shown as a badge.
    count: Callable[[Any], int] | None = None


_ITEMS: list[NavItem] = []


def register(
    url_name: str,
    label: str | Promise,
    *permissions: str,
    order: int = 100,
    menu: str = "main",
    count: Callable[[Any], int] | None = None,
) -> None:
    if menu not in MENUS:
        raise ValueError(f"unknown menu {menu!r}")
    _ITEMS.append(NavItem(url_name, label, tuple(permissions), order, menu, count))


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
            out.append({"url": url, "label": item.label, "name": item.url_name, "count": count})
    return out
