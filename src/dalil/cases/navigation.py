"""Where the pages that hang on a case lead: the case page, the breadcrumbs back to it, and the
way back when a closed case is asked for new work. Shared by every app with pages under a case."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import Case

Crumb = tuple[str, str | None]


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.number])


def case_crumbs(case: Case, *tail: Crumb) -> list[Crumb]:
    """Cases › number › tail. Without a tail the case page itself is the current page (no link)."""
    return [
        (_("Cases"), reverse("cases:list")),
        (case.number, case_url(case) if tail else None),
        *tail,
    ]


def closed_redirect(
    request: HttpRequest, case: Case, back: str, message: str
) -> HttpResponse | None:
    """A closed case takes no new work: say so and go back to `back` instead of showing a form
    (None when the case is open). The service refuses as well; this spares an empty form."""
    if case.status == Case.Status.CLOSED:
        messages.error(request, message)
        return redirect(back)
    return None
