"""The navigation registry: each app adds its pages with `register()` in its `AppConfig.ready()`;
`dalil.ui.nav` draws them for a user. It imports no app and lives below them all, so that an app
names its pages without importing the ui (the ui imports the apps, never the reverse).

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

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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


ITEMS: list[NavItem] = []


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
    ITEMS.append(NavItem(url_name, label, tuple(permissions), order, menu, count, group))


def set_menu(url_name: str, menu: str) -> None:
    """Show an entry (registered by another app) in another menu; unknown names are ignored."""
    if menu not in MENUS:
        raise ValueError(f"unknown menu {menu!r}")
    for i, item in enumerate(ITEMS):
        if item.url_name == url_name:
            ITEMS[i] = replace(item, menu=menu)
