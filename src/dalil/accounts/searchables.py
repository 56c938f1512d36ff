"""What the global search finds in accounts: units and users (indexed by the services)."""

from django.urls import reverse

from dalil import search

from .models import Unit, User

search.register(
    Unit,
    fields=["code", "name_ar", "name_ckb", "name_en"],
    label=str,
    url=lambda u: reverse("admin:unit_detail", args=[u.code]),
    code=lambda u: u.code,
    detail=lambda u: str(u.get_kind_display()),
    order=10,
)
search.register(
    User,
    fields=["full_name", "full_name_latin", "username", "badge_number"],
    label=lambda u: u.full_name,
    url=lambda u: reverse("admin:user_detail", args=[u.username]),
    code=lambda u: u.username,
    detail=lambda u: str(u.unit),
    order=20,
    select_related=("unit",),
)
