"""`Authorization: Bearer <token>` for API clients; the browser session (with CSRF) for the docs."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from . import services


def _not_verified() -> bool:
    return False


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).decode("latin-1")
        if not header:
            return None
        scheme, _sep, secret = header.partition(" ")
        if scheme.lower() != "bearer":
            return None
        secret = secret.strip()
        if not secret or " " in secret:
            raise exceptions.AuthenticationFailed(_("Send exactly one token after “Bearer”."))
        found = services.token_user(secret)
        if found is None:
            raise exceptions.AuthenticationFailed(
                _("This API token is not valid: it is unknown, expired or revoked.")
            )
        user, token = found
        # a token is not a second factor; whatever needs a verified session refuses it.
        user.is_verified = _not_verified
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'
