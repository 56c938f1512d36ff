"""One error shape for the whole API: RFC 9457 problem details (application/problem+json).

    {"type": "urn:dalil:problem:validation", "title": "...", "status": 400, "detail": "...",
     "instance": "/api/v1/units/", "errors": {"field": ["message", ...]}}

Titles and details are translated in the request's language. A refused object (the door's
`Denied`) is answered exactly like a missing one (404) and put on the ledger, as in the UI.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from dalil import audit
from dalil.access import Denied

PROBLEM_JSON = "application/problem+json"


def _kinds() -> dict[int, tuple[str, str]]:
    return {
        400: ("validation", _("Your request is not valid.")),
        401: ("unauthenticated", _("Authentication is required.")),
        403: ("forbidden", _("This request is not allowed.")),
        404: ("not-found", _("Not found.")),
        405: ("method-not-allowed", _("This method is not allowed here.")),
        406: ("not-acceptable", _("This response format is not available.")),
        415: ("unsupported-media-type", _("Send the request body as JSON.")),
        429: ("throttled", _("Too many requests.")),
    }


def problem(
    status_code: int, detail: str, *, instance: str = "", errors: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    slug, title = _kinds().get(status_code, ("error", _("The request failed.")))
    body: dict[str, Any] = {
        "type": f"urn:dalil:problem:{slug}",
        "title": title,
        "status": status_code,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = errors
    return body


def _flatten(data: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error structure as {"field": [...], "field.sub": [...], "0.field": [...]}."""
    out: dict[str, list[str]] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(data, list) and data and all(not isinstance(x, dict | list) for x in data):
        out[prefix or "non_field_errors"] = [str(x) for x in data]
    elif isinstance(data, list):
        for i, value in enumerate(data):
            for k, v in _flatten(value, f"{prefix}.{i}" if prefix else str(i)).items():
                out.setdefault(k, []).extend(v)
    else:
        out[prefix or "non_field_errors"] = [str(data)]
    return out


def _convert(exc: Exception) -> Exception:
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(
                {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
            )
        return exceptions.ValidationError({"non_field_errors": [str(m) for m in exc.messages]})
    return exc


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    request = context.get("request")
    path = request.path if request is not None else ""
    if isinstance(exc, Denied):
        user = getattr(request, "user", None)
        audit.record_now(
            actor=user if getattr(user, "is_authenticated", False) else None,
            action="access.denied",
            target=exc.obj,
            payload={"action": exc.action, "path": path[:300]},
        )
    exc = _convert(exc)
    if not isinstance(exc, exceptions.APIException):
        return None  # a programming error: Django's 500
    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
    code = exc.status_code
    errors = None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        detail = _("Correct the fields listed in “errors”.")
    elif isinstance(exc, exceptions.NotFound):
        detail = _("Not found.")  # the same words for a missing and a refused object
    elif isinstance(exc, exceptions.NotAuthenticated):
        detail = _("Send an API token in the header “Authorization: Bearer <token>”.")
    elif isinstance(exc, exceptions.AuthenticationFailed):
        detail = str(exc.detail)
    elif isinstance(exc, exceptions.MethodNotAllowed):
        detail = _("The method %(method)s is not allowed here.") % {
            "method": request.method if request else ""
        }
    elif isinstance(exc, exceptions.UnsupportedMediaType):
        detail = _("The body must be JSON (Content-Type: application/json).")
    else:
        detail = str(exc.detail) if isinstance(exc.detail, str) else _kinds().get(code, ("", ""))[1]
    set_rollback()
    return Response(
        problem(code, detail, instance=path, errors=errors),
        status=code,
        headers=headers,
        content_type=PROBLEM_JSON,
    )


def problem_response(request: HttpRequest, code: int, detail: str) -> JsonResponse:
    """A problem answered outside DRF (by middleware)."""
    return JsonResponse(
        problem(code, detail, instance=request.path), status=code, content_type=PROBLEM_JSON
    )


__all__ = ["PROBLEM_JSON", "exception_handler", "problem", "problem_response", "status"]
