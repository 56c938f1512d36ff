"""What the global search finds in cases: number and title (indexed by the services)."""

from dalil import search

from .models import Case
from .navigation import case_url

search.register(
    Case,
    fields=["number", "title"],
    label=lambda c: c.title,
    url=case_url,
    code=lambda c: c.number,
    detail=lambda c: str(c.get_status_display()),
    order=30,
    select_related=("unit",),
)
