"""What the laboratory adds to the case file: a panel of the case's requests (scoped)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from dalil.cases.contributions import register_panel
from dalil.ui.panels import Panel

from . import selectors, services


def panel(request: HttpRequest, case: Any) -> dict[str, Any] | None:
    requests = selectors.requests_of_case(request.user, case)
    return {
        "lab_requests": list(requests[:20]),
        "count": requests.count(),
        "may_request": services.may_request(request.user, case),
    }


def register() -> None:
    register_panel(Panel("labs", "labs/_case_panel.html", panel, order=46))
