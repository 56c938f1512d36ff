"""What the global search finds among scenes: the scene number, its description and address."""

from django.urls import reverse

from dalil import search

from .models import Scene

search.register(
    Scene,
    fields=["number", "title", "address"],
    label=lambda s: f"{s.number} — {s.title}",
    url=lambda s: reverse("scenes:detail", args=[s.number]),
    code=lambda s: s.number,
    detail=lambda s: s.case.number,
    order=37,
    select_related=("case",),
)
