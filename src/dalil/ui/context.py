from typing import Any

from django.http import HttpRequest

from . import formatting, nav


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The navigation for the signed-in user's roles, and their digit style for {% num %}/{% when %}."""
    if not request.user.is_authenticated:
        return {"nav_items": [], "user_menu_items": [], "digits": formatting.LATIN}
    return {
        "nav_items": nav.bar_for(
            request.user, _view_name(request), items=nav.items_for_request(request)
        ),
        "user_menu_items": nav.items_for_request(request, menu="user"),
        "digits": formatting.style_of(request.user),
    }
