"""What the global search finds among laboratory requests: the request number."""

from django.urls import reverse

from dalil import search

from .models import LabRequest

search.register(
    LabRequest,
    fields=["number"],
    label=lambda r: f"{r.number} — {r.lab}",
    url=lambda r: reverse("labs:detail", args=[r.number]),
    code=lambda r: r.number,
    detail=lambda r: r.case.number,
    order=38,
    select_related=("case", "lab"),
)
