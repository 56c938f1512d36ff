"""OpenAPI: every operation documents its problem responses; the bearer scheme is described."""

from __future__ import annotations

from typing import Any, Literal

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as BaseAutoSchema

from .problems import PROBLEM_JSON

ERRORS = {
    "400": "Invalid request (validation problem, with `errors` per field)",
    "401": "Missing, unknown, expired or revoked credentials",
    "403": "Refused (CSRF failure of a session request; a token may not create tokens)",
    "404": "Not found, or outside your scope (the two look the same)",
    "415": "The body is not JSON",
}


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(
        self, direction: Literal["request", "response"] = "response"
    ) -> dict[str, Any]:
        from .serializers import ProblemSerializer

        responses = super()._get_response_bodies(direction)
        ref = self.resolve_serializer(ProblemSerializer, "response").ref
        codes = ["400", "401", "404"]
        if self.method not in ("GET", "HEAD", "OPTIONS"):
            codes += ["403", "415"]
        for code in codes:
            responses.setdefault(
                code, {"content": {PROBLEM_JSON: {"schema": ref}}, "description": ERRORS[code]}
            )
        return dict(sorted(responses.items()))


class BearerScheme(OpenApiAuthenticationExtension):
    target_class = "dalil.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from the page “My API tokens”.",
        }
