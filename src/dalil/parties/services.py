"""Writes to persons and entities. Each decides inside its own durable transaction: the door, the
checks (with the row it changes locked), the write, one ledger entry and the search index. Bad
input raises a translated ValidationError and nothing is written. Every "at most one" (a phone
number, an IBAN, an alias, an identity document) is backed by a unique constraint; a concurrent
duplicate that slips past the check meets the constraint and gets the same message."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from dalil import access, audit, search
from dalil.accounts.models import Governorate, Unit
from dalil.core.records import apply_changes
from dalil.core.text import clean, fold

from . import validators as v
from .models import (
    ENTITY_MODELS,
    Address,
    BankAccount,
    Entity,
    IdentityDocument,
    Link,
    Organisation,
    Person,
    PersonAlias,
    Phone,
    Vehicle,
)

MANAGE = "parties.entity.manage"
PERSON_FIELDS = (
    *Person.AR_PARTS,
    *Person.LATIN_PARTS,
    "sex",
    "birth_year",
    "birth_month",
    "birth_day",
    "nationality",
    "notes",
)
FIELDS: dict[str, tuple[str, ...]] = {
    "person": PERSON_FIELDS,
    "organisation": ("name_ar", "name_latin", "kind", "registration_number"),
    "phone": ("number", "note"),
    "vehicle": ("plate", "make", "model", "colour", "vin"),
    "account": ("iban", "bank_name", "holder_name"),
    "address": ("governorate", "district", "text", "latitude", "longitude"),
}


class DuplicatePerson(ValidationError):
    """Raised by `person_create` when persons with the same name and birth year already exist
    (those the actor may see); pass `confirm_duplicate=True` to record the person anyway."""

    def __init__(self, candidates: list[Person]) -> None:
        super().__init__(
            _(
                "A person with this name and year of birth is already recorded. Check the list; "
                "if this is someone else, confirm to record them anyway."
            ),
            code="duplicate",
        )
        self.candidates = candidates


# --- Checks ------------------------------------------------------------------------------------------
def _require_unit(actor: Any, unit: Unit) -> None:
    """Recording an entity for `unit` needs the manage permission there."""
    if not access.is_operator(actor) and not access.holds_at(actor, MANAGE, unit):
        raise access.Denied(actor, "manage", unit)


_require = access.require_unless_operator


def _text(value: Any) -> str:
    return clean(value)


def _texts(fields: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    errors: dict[str, list[ValidationError]] = {}
    out = dict(fields)
    for name in names:
        if name in out and not isinstance(out[name], int | Decimal | Governorate | type(None)):
            try:
                out[name] = _text(out[name])
            except ValidationError as exc:
                errors[name] = [exc]
    if errors:
        raise ValidationError(errors)
    return out


def _wrap(field: str, check: Callable[[], Any]) -> Any:
    try:
        return check()
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from None


def _unknown(kind: str, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(FIELDS[kind])
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )


# --- Cleaning one type's fields (returns the values to store) ----------------------------------------
def _clean_person(f: dict[str, Any]) -> dict[str, Any]:
    f = _texts(f, PERSON_FIELDS)
    if not f.get("given_name_ar"):
        raise ValidationError({"given_name_ar": _("Enter the given name in Arabic.")})
    for name in ("birth_year", "birth_month", "birth_day"):
        f[name] = int(f[name]) if f.get(name) not in (None, "") else None
    try:
        v.check_partial_date(f["birth_year"], f["birth_month"], f["birth_day"])
    except ValidationError as exc:
        raise ValidationError({"birth_year": exc.messages}) from None
    f["nationality"] = _wrap("nationality", lambda: v.clean_country(f.get("nationality") or "IQ"))
    return f


def _person_key(f: dict[str, Any]) -> str:
    return fold(" ".join(f.get(p) or "" for p in Person.AR_PARTS))


def _clean(kind: str, f: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The stored values and the search key of an entity of `kind`."""
    if kind == "person":
        f = _clean_person(f)
        return f, _person_key(f)
    f = _texts(f, FIELDS[kind])
    if kind == "organisation":
        if not f.get("name_ar"):
            raise ValidationError({"name_ar": _("Enter the name in Arabic.")})
        return f, fold(f"{f['name_ar']} {f.get('name_latin', '')}")
    if kind == "phone":
        f["number"], f["national"] = _wrap("number", lambda: v.clean_phone(f.get("number", "")))
        return f, f["number"]
    if kind == "vehicle":
        if not f.get("plate"):
            raise ValidationError({"plate": _("Enter the plate as written.")})
        f["vin"] = _wrap("vin", lambda: v.clean_vin(f.get("vin", "")))
        f["plate_key"] = v.plate_key(f["plate"])
        if not f["plate_key"]:
            raise ValidationError({"plate": _("Enter the plate as written.")})
        return f, f["plate_key"]
    if kind == "account":
        f["iban"] = _wrap("iban", lambda: v.clean_iban(f.get("iban", "")))
        return f, f["iban"]
    if kind == "address":
        if not f.get("governorate"):
            raise ValidationError({"governorate": _("Choose the governorate.")})
        if not f.get("text"):
            raise ValidationError({"text": _("Enter the address.")})
        for name in ("latitude", "longitude"):
            value = f.get(name)
            if value in (None, ""):
                f[name] = None
                continue
            try:
                f[name] = Decimal(str(value)).quantize(Decimal("0.000001"))
            except InvalidOperation:
                raise ValidationError({name: _("Enter a number.")}) from None
        _wrap("latitude", lambda: v.check_coordinates(f["latitude"], f["longitude"]))
        return f, fold(f"{f['text']} {f.get('district', '')}")
    raise ValueError(kind)


UNIQUE = {"phone": "number", "account": "iban"}


def _already(field: str) -> ValidationError:
    return ValidationError({field: _("This is already recorded; link to the existing record.")})


def _unique(kind: str, f: dict[str, Any], exclude: int | None = None) -> None:
    field = UNIQUE.get(kind)
    if not field:
        return
    qs = ENTITY_MODELS[kind]._default_manager.filter(**{field: f[field]})
    if exclude:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        raise _already(field)


@contextmanager
def _once(refusal: ValidationError | None) -> Iterator[None]:
    """A write that a unique constraint backs: a duplicate committed meanwhile by another
    transaction (checked above, but not yet visible then) is refused with `refusal`."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        if refusal is None:
            raise
        raise refusal from None


# --- Persons -----------------------------------------------------------------------------------------
def possible_duplicates(actor: Any, name_key: str, birth_year: int | None) -> list[Person]:
    """Persons the actor may see with the same folded name and the same (or an unknown) birth year."""
    qs = Person.objects.filter(search_key=name_key)
    if birth_year:
        qs = qs.filter(Q(birth_year=birth_year) | Q(birth_year__isnull=True))
    if not access.is_operator(actor):
        qs = access.scope(actor, "view", qs)
    return list(qs.select_related("unit")[:20])


def person_create(
    *,
    actor: Any,
    unit: Unit,
    aliases: Iterable[str] = (),
    confirm_duplicate: bool = False,
    **fields: Any,
) -> Person:
    with transaction.atomic(durable=True):
        _require_unit(actor, unit)
        _unknown("person", fields)
        values, key = _clean("person", fields)
        names = [_text(a) for a in aliases if str(a).strip()]
        if not confirm_duplicate:
            candidates = possible_duplicates(actor, key, values.get("birth_year"))
            if candidates:
                raise DuplicatePerson(candidates)
        person = Person(unit=unit, search_key=key, **values)
        person.full_clean()
        person.save()
        for name in names:
            PersonAlias.objects.create(person=person, name=name[:120])
        search.index(person)
        audit.record(
            actor=actor,
            action="parties.person_created",
            target=person,
            payload={
                "unit": unit.code,
                "name": person.name_ar,
                "birth_year": person.birth_year,
                "aliases": names,
                "duplicate_confirmed": bool(confirm_duplicate),
            },
        )
    return person


def _locked(obj: Entity) -> Entity:
    """The entity's row, locked until the write's transaction ends."""
    return type(obj)._default_manager.select_for_update().get(pk=obj.pk)


def alias_add(*, actor: Any, person: Person, name: str) -> PersonAlias:
    with transaction.atomic(durable=True):
        _require(actor, "manage", person)
        _locked(person)
        name = _wrap("name", lambda: _text(name))
        if not name:
            raise ValidationError({"name": _("Enter the alias.")})
        if len(name) > 120:
            raise ValidationError({"name": _("This is too long.")})
        duplicate = ValidationError({"name": _("This alias is already recorded.")})
        if person.aliases.filter(name=name).exists():
            raise duplicate
        with _once(duplicate):
            alias = PersonAlias.objects.create(person=person, name=name)
        search.index(person)
        audit.record(
            actor=actor, action="parties.alias_added", target=person, payload={"alias": name}
        )
    return alias


def document_add(
    *,
    actor: Any,
    person: Person,
    kind: str,
    number: str,
    issuing_country: str = "IQ",
    issuing_authority: str = "",
) -> IdentityDocument:
    with transaction.atomic(durable=True):
        _require(actor, "manage", person)
        _locked(person)
        if kind not in IdentityDocument.Kind.values:
            raise ValidationError({"kind": _("Choose a document type.")})
        number = _wrap("number", lambda: v.clean_document_number(number))
        country = _wrap("issuing_country", lambda: v.clean_country(issuing_country))
        authority = _wrap("issuing_authority", lambda: _text(issuing_authority))
        duplicate = ValidationError(
            {"number": _("This document is already recorded for this person.")}
        )
        if IdentityDocument.objects.filter(
            person=person, kind=kind, number=number, issuing_country=country
        ).exists():
            raise duplicate
        doc = IdentityDocument(
            person=person,
            kind=kind,
            number=number,
            issuing_country=country,
            issuing_authority=authority,
        )
        doc.full_clean(validate_unique=False, validate_constraints=False)
        with _once(duplicate):
            doc.save()
        audit.record(
            actor=actor,
            action="parties.document_added",
            target=person,
            payload={"kind": kind, "number": number, "country": country},
        )
    return doc


# --- Every type --------------------------------------------------------------------------------------
_changes = apply_changes


def entity_create(*, actor: Any, entity_type: str, unit: Unit, **fields: Any) -> Entity:
    """Record an organisation, phone, vehicle, bank account or address (persons: person_create)."""
    kind = entity_type
    with transaction.atomic(durable=True):
        if kind not in ENTITY_MODELS or kind == "person":
            raise ValueError(f"unknown entity type {kind!r}")
        _require_unit(actor, unit)
        _unknown(kind, fields)
        values, key = _clean(kind, fields)
        _unique(kind, values)
        obj = ENTITY_MODELS[kind](unit=unit, search_key=key[:400], **values)
        obj.full_clean(validate_unique=False, validate_constraints=False)
        with _once(_already(UNIQUE[kind]) if kind in UNIQUE else None):
            obj.save()
        if type(obj) in _SEARCHED:
            search.index(obj)
        audit.record(
            actor=actor,
            action=f"parties.{kind}_created",
            target=obj,
            payload={"unit": unit.code, "key": key[:100]},
        )
    return obj


def entity_update(*, actor: Any, obj: Entity, **fields: Any) -> Entity:
    """Change an entity of any type (a person too); only what changed goes on the ledger."""
    with transaction.atomic(durable=True):
        _require(actor, "manage", obj)
        _locked(obj)
        kind = obj.TYPE
        _unknown(kind, fields)
        current = {f: getattr(obj, f) for f in FIELDS[kind]}
        values, key = _clean(kind, {**current, **fields})
        _unique(kind, values, exclude=obj.pk)
        diff = _changes(obj, values)
        obj.search_key = key[:400]
        if not diff:
            return obj
        obj.full_clean(validate_unique=False, validate_constraints=False)
        with _once(_already(UNIQUE[kind]) if kind in UNIQUE else None):
            obj.save()
        if type(obj) in _SEARCHED:
            search.index(obj)
        audit.record(
            actor=actor,
            action=f"parties.{kind}_changed",
            target=obj,
            payload={"changes": diff},
        )
    return obj


def person_update(*, actor: Any, person: Person, **fields: Any) -> Person:
    result = entity_update(actor=actor, obj=person, **fields)
    assert isinstance(result, Person)
    return result


_SEARCHED = (Person, Phone, Vehicle, Organisation)


# --- Links -------------------------------------------------------------------------------------------
def entity_of(actor: Any, kind: str, pk: Any, action: str = "view") -> Entity:
    """One entity of `kind` that the actor may `action` (404 otherwise)."""
    model = ENTITY_MODELS.get(kind)
    if model is None:
        raise ValidationError(_("Choose a type of entity."))
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise ValidationError({"to_id": _("Enter the number of the record.")}) from None
    if access.is_operator(actor):
        obj = model._default_manager.filter(pk=pk).first()
        if obj is None:
            raise ValidationError({"to_id": _("No such record.")})
        return obj
    return access.get_or_404(actor, action, model, pk=pk)


def link_create(
    *,
    actor: Any,
    source_entity: Entity,
    link_type: str,
    target: Entity,
    source: str,
    reliability: str,
    credibility: str,
    note: str = "",
) -> Link:
    """Link two entities. The actor manages the first and may see the second. The grading is the
    Admiralty scale: source reliability A–F and information credibility 1–6."""
    with transaction.atomic(durable=True):
        return _link_create(
            actor=actor,
            source_entity=source_entity,
            link_type=link_type,
            target=target,
            source=source,
            reliability=reliability,
            credibility=credibility,
            note=note,
        )


def _link_create(
    *,
    actor: Any,
    source_entity: Entity,
    link_type: str,
    target: Entity,
    source: str,
    reliability: str,
    credibility: str,
    note: str,
) -> Link:
    _require(actor, "manage", source_entity)
    _require(actor, "view", target)
    errors: dict[str, str] = {}
    if link_type not in Link.Type.values:
        errors["link_type"] = _("Choose a type of link.")
    if reliability not in Link.Reliability.values:
        errors["reliability"] = _("Grade the source from A (reliable) to F (cannot be judged).")
    if credibility not in Link.Credibility.values:
        errors["credibility"] = _(
            "Grade the information from 1 (confirmed) to 6 (cannot be judged)."
        )
    if source_entity.TYPE == target.TYPE and source_entity.pk == target.pk:
        errors["to_id"] = _("An entity cannot be linked to itself.")
    try:
        source = _text(source)
        note = _text(note)
    except ValidationError as exc:
        errors["source"] = exc.messages[0]
    if not source and "source" not in errors:
        errors["source"] = _("Say where this information comes from.")
    if errors:
        raise ValidationError(errors)
    link = Link(
        unit=source_entity.unit,
        from_type=source_entity.TYPE,
        from_id=source_entity.pk,
        to_type=target.TYPE,
        to_id=target.pk,
        link_type=link_type,
        source=source,
        reliability=reliability,
        credibility=credibility,
        note=note,
    )
    link.full_clean()
    link.save()
    audit.record(
        actor=actor,
        action="parties.link_created",
        target=source_entity,
        payload={
            "link": link.pk,
            "type": link_type,
            "to": f"{target.TYPE}:{target.pk}",
            "grading": link.grading,
        },
    )
    return link


__all__ = [
    "Address",
    "BankAccount",
    "DuplicatePerson",
    "Organisation",
    "Phone",
    "Vehicle",
    "alias_add",
    "document_add",
    "entity_create",
    "entity_update",
    "link_create",
    "person_create",
    "person_update",
]
