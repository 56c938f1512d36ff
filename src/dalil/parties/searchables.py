"""What the global search finds among persons and entities (indexed by the services).

A person is found by every part of the name in both scripts and by any alias; the search's
transliteration key lets a Latin spelling ("Ahmed") find the Arabic name (أحمد)."""

from django.urls import reverse

from dalil import search

from .models import Organisation, Person, Phone, Vehicle


def _aliases(p: Person) -> str:
    return " ".join(p.aliases.values_list("name", flat=True))


def _url(kind: str):  # type: ignore[no-untyped-def]
    return lambda obj: reverse("parties:entity_detail", args=[kind, obj.pk])


search.register(
    Person,
    fields=[*Person.AR_PARTS, *Person.LATIN_PARTS, _aliases],
    label=lambda p: p.name_ar,
    url=lambda p: reverse("parties:person_detail", args=[p.pk]),
    code=lambda p: p.birth_display,
    detail=lambda p: p.name_latin,
    order=30,
)
search.register(
    Phone,
    fields=["number", "national", lambda ph: ph.national.replace(" ", ""), "note"],
    label=lambda ph: ph.number,
    url=_url("phone"),
    code=lambda ph: ph.number,
    detail=lambda ph: ph.national,
    order=31,
)
search.register(
    Vehicle,
    fields=["plate", "plate_key", "make", "model", "vin"],
    label=lambda ve: ve.plate,
    url=_url("vehicle"),
    code=lambda ve: ve.vin,
    detail=lambda ve: f"{ve.make} {ve.model} {ve.colour}".strip(),
    order=32,
)
search.register(
    Organisation,
    fields=["name_ar", "name_latin", "registration_number"],
    label=lambda o: o.name_ar,
    url=_url("organisation"),
    code=lambda o: o.registration_number,
    detail=lambda o: o.name_latin,
    order=33,
)
