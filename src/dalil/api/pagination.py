from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request


class Pagination(PageNumberPagination):
    """`page` and `page_size` (default 50, at most 200). A page size out of range is refused with
    a 400 problem, never silently clamped."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        message = _("Choose a page size between 1 and %(max)d.") % {"max": self.max_page_size}
        if not raw.isascii() or not raw.isdigit():
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        size = int(raw)
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError({self.page_size_query_param: [message]})
        return size

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        params = super().get_schema_operation_parameters(view)
        for p in params:
            if p["name"] == self.page_size_query_param:
                p["schema"].update(
                    {"minimum": 1, "maximum": self.max_page_size, "default": self.page_size}
                )
            elif p["name"] == self.page_query_param:
                p["schema"].update({"minimum": 1})
        return params
