"""What the global search finds in cases: number and title (indexed by the services)."""

from django.urls import reverse

from dalil import search

from .models import Case

search.register(
    Case,
    fields=["number", "title"],
    label=lambda c: c.title,
    url=lambda c: reverse("cases:detail", args=[c.number]),
    code=lambda c: c.number,
    detail=lambda c: str(c.get_status_display()),
    order=30,
    select_related=("unit",),
)
