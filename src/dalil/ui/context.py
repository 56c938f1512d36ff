from typing import Any

from django.http import HttpRequest

from . import nav


def navigation(request: HttpRequest) -> dict[str, Any]:
    if not request.user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": nav.items_for(request.user)}
