"""Global search (CO-11). Apps register what is findable in their `searchables.py`; writing
services call `search.index(obj)` / `search.unindex(obj)` inside their transaction."""

from __future__ import annotations

from typing import Any

from .registry import Hit, Query, Source, register, register_source

__all__ = ["Hit", "Query", "Source", "index", "register", "register_source", "unindex"]


def index(obj: Any) -> None:
    from .indexing import index as _index

    _index(obj)


def unindex(obj: Any) -> None:
    from .indexing import unindex as _unindex

    _unindex(obj)
