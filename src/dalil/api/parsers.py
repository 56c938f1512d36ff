"""The API's one body parser: JSON, and every body it cannot use answered as a 400 problem."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No request of this API nests deeper than a few levels; deeper bodies are refused before any
# code walks them (a 5,000-level body exhausted Python's recursion and answered 500).
MAX_DEPTH = 32


def _depth(data: Any) -> int:
    """How deeply `data` nests (iteratively: the check itself must not recurse)."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                break
            children = value.values() if isinstance(value, dict) else value
            stack.extend((child, level + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body that is not JSON (or not UTF-8), or that nests deeper than
    `MAX_DEPTH`, is a ParseError (400) with a translated message."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except (ParseError, RecursionError):
            raise ParseError(_("The request body is not valid JSON.")) from None
        if _depth(data) > MAX_DEPTH:
            raise ParseError(
                _("The request body nests deeper than %(n)d levels.") % {"n": MAX_DEPTH}
            )
        return data
