"""The REST API's endpoints. Each app registers its viewsets at the end of its own `api.py`
(`routes.register("cases", CaseViewSet, "case")`); `dalil.api.urls` loads every Dalil app's
`api.py` and builds one router from what they registered, so the API app imports none of them."""

from __future__ import annotations

from typing import Any

ROUTES: dict[str, tuple[str, Any]] = {}  # basename -> (URL prefix, viewset)


def register(prefix: str, viewset: Any, basename: str) -> None:
    existing = ROUTES.get(basename)
    if existing is not None and existing != (prefix, viewset):
        raise ValueError(f"API route {basename!r} is registered twice")
    ROUTES[basename] = (prefix, viewset)
