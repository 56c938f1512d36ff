"""What the global search finds in the evidence register: item and seal numbers, descriptions."""

from django.urls import reverse

from dalil import search

from .models import Item

search.register(
    Item,
    fields=["number", "seal_number", "description"],
    label=lambda i: f"{i.number} — {i.description[:80]}",
    url=lambda i: reverse("evidence:item_detail", args=[i.number]),
    code=lambda i: i.number,
    detail=lambda i: i.case.number,
    order=38,
    select_related=("case",),
)
