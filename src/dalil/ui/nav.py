"""Navigation entries by permission. Each app adds its pages with `register()`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise

from dalil import access


@dataclass(frozen=True)
class NavItem:
    url_name: str
    label: str | Promise
    permissions: tuple[str, ...]  # any of them shows the entry; empty: every signed-in user
    order: int = 100


_ITEMS: list[NavItem] = []


def register(url_name: str, label: str | Promise, *permissions: str, order: int = 100) -> None:
    _ITEMS.append(NavItem(url_name, label, tuple(permissions), order))


def items_for(user: Any) -> list[dict[str, Any]]:
    out = []
    for item in sorted(_ITEMS, key=lambda i: i.order):
        if not item.permissions or any(access.has_permission(user, p) for p in item.permissions):
            out.append({"url": reverse(item.url_name), "label": item.label, "name": item.url_name})
    return out
