from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from dalil import audit

from .door import Denied


class DeniedMiddleware:
    """Put every refused object access on the ledger, after the refused work rolled back.

    The response is Django's ordinary 404, identical to a missing object's.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, Denied):
            obj = exception.obj
            audit.record_now(
                actor=request.user if request.user.is_authenticated else None,
                action="access.denied",
                target=obj if obj is not None else None,
                payload={"action": exception.action, "path": request.path[:300]},
            )
        return None
