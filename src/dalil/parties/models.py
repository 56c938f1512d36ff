"""Persons and entities (IN-3): who and what an investigation is about, each recorded once.

Every entity belongs to the unit that recorded it (its `unit`, which the access policy reads) and
carries `search_key`, the folded form of its main text, used to spot duplicates.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dalil.accounts.models import Governorate, Unit


class Entity(models.Model):
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    search_key = models.CharField(_("search key"), max_length=400, db_index=True, editable=False)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    TYPE = ""

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        if self.TYPE == "person":
            return reverse("parties:person_detail", args=[self.pk])
        return reverse("parties:entity_detail", args=[self.TYPE, self.pk])


class Person(Entity):
    TYPE = "person"

    class Sex(models.TextChoices):
        MALE = "m", _("Male")
        FEMALE = "f", _("Female")
        UNKNOWN = "u", _("Unknown")

    given_name_ar = models.CharField(_("given name (Arabic)"), max_length=60)
    father_name_ar = models.CharField(_("father's name (Arabic)"), max_length=60, blank=True)
    grandfather_name_ar = models.CharField(
        _("grandfather's name (Arabic)"), max_length=60, blank=True
    )
    family_name_ar = models.CharField(_("family or tribe (Arabic)"), max_length=80, blank=True)
    given_name_latin = models.CharField(_("given name (Latin)"), max_length=60, blank=True)
    father_name_latin = models.CharField(_("father's name (Latin)"), max_length=60, blank=True)
    grandfather_name_latin = models.CharField(
        _("grandfather's name (Latin)"), max_length=60, blank=True
    )
    family_name_latin = models.CharField(_("family or tribe (Latin)"), max_length=80, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    # Explicit bounds: clearer errors, and an API schema that is the same on every database.
    birth_year = models.PositiveSmallIntegerField(
        _("year of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    birth_month = models.PositiveSmallIntegerField(
        _("month of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    birth_day = models.PositiveSmallIntegerField(
        _("day of birth"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )
    nationality = models.CharField(_("nationality"), max_length=2, default="IQ")
    notes = models.TextField(_("notes"), blank=True, max_length=2000)

    AR_PARTS = ("given_name_ar", "father_name_ar", "grandfather_name_ar", "family_name_ar")
    LATIN_PARTS = (
        "given_name_latin",
        "father_name_latin",
        "grandfather_name_latin",
        "family_name_latin",
    )

    class Meta:
        ordering = ["search_key", "pk"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        indexes = [models.Index(fields=["search_key", "birth_year"])]

    def __str__(self) -> str:
        return self.name_ar

    @property
    def name_ar(self) -> str:
        return " ".join(p for p in (getattr(self, f) for f in self.AR_PARTS) if p)

    @property
    def name_latin(self) -> str:
        return " ".join(p for p in (getattr(self, f) for f in self.LATIN_PARTS) if p)

    @property
    def birth_display(self) -> str:
        if not self.birth_year:
            return ""
        parts = [f"{self.birth_year:04d}"]
        if self.birth_month:
            parts.append(f"{self.birth_month:02d}")
            if self.birth_day:
                parts.append(f"{self.birth_day:02d}")
        return "-".join(parts)


class PersonAlias(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("alias"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [models.UniqueConstraint(fields=["person", "name"], name="person_alias_once")]

    def __str__(self) -> str:
        return self.name


class IdentityDocument(models.Model):
    class Kind(models.TextChoices):
        NATIONAL_CARD = "national_card", _("Unified national card")
        CIVIL_ID = "civil_id", _("Civil status identity card")
        NATIONALITY_CERT = "nationality_cert", _("Nationality certificate")
        PASSPORT = "passport", _("Passport")
        RESIDENCE_CARD = "residence_card", _("Residence card")
        RATION_CARD = "ration_card", _("Ration card")
        DRIVING_LICENCE = "driving_licence", _("Driving licence")
        OTHER = "other", _("Other document")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document type"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=40)
    issuing_country = models.CharField(_("issuing country"), max_length=2, default="IQ")
    issuing_authority = models.CharField(_("issuing authority"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "number", "issuing_country"], name="parties_document_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Organisation(Entity):
    TYPE = "organisation"

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        SHOP = "shop", _("Shop or office")
        NGO = "ngo", _("Association or NGO")
        GOVERNMENT = "government", _("Government body")
        GROUP = "group", _("Group or network")
        OTHER = "other", _("Other")

    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_latin = models.CharField(_("name (Latin)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMPANY)
    registration_number = models.CharField(_("registration number"), max_length=60, blank=True)

    class Meta:
        ordering = ["search_key", "pk"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name_ar


class Phone(Entity):
    TYPE = "phone"

    number = models.CharField(_("number (E.164)"), max_length=20, unique=True)
    national = models.CharField(_("national format"), max_length=30, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")

    def __str__(self) -> str:
        return self.number


class Vehicle(Entity):
    TYPE = "vehicle"

    plate = models.CharField(_("plate (as written)"), max_length=40)
    plate_key = models.CharField(_("plate key"), max_length=40, db_index=True, editable=False)
    make = models.CharField(_("make"), max_length=60, blank=True)
    model = models.CharField(_("model"), max_length=60, blank=True)
    colour = models.CharField(_("colour"), max_length=40, blank=True)
    vin = models.CharField(_("VIN"), max_length=17, blank=True)

    class Meta:
        ordering = ["plate_key", "pk"]
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")

    def __str__(self) -> str:
        return self.plate


class BankAccount(Entity):
    TYPE = "account"

    iban = models.CharField(_("IBAN"), max_length=34, unique=True)
    bank_name = models.CharField(_("bank"), max_length=120, blank=True)
    holder_name = models.CharField(_("account holder"), max_length=200, blank=True)

    class Meta:
        ordering = ["iban"]
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")

    def __str__(self) -> str:
        return self.iban


class Address(Entity):
    TYPE = "address"

    governorate = models.ForeignKey(
        Governorate, on_delete=models.PROTECT, related_name="+", verbose_name=_("governorate")
    )
    district = models.CharField(_("district"), max_length=100, blank=True)
    text = models.CharField(_("address"), max_length=300)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        ordering = ["governorate__code", "search_key", "pk"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return f"{self.text}, {self.district}" if self.district else self.text


ENTITY_MODELS: dict[str, type[Entity]] = {
    m.TYPE: m for m in (Person, Organisation, Phone, Vehicle, BankAccount, Address)
}
ENTITY_TYPE_CHOICES = [
    ("person", _("Person")),
    ("organisation", _("Organisation")),
    ("phone", _("Phone number")),
    ("vehicle", _("Vehicle")),
    ("account", _("Bank account")),
    ("address", _("Address")),
]


class Link(models.Model):
    """A typed, graded statement that two entities are related, with where it comes from."""

    class Type(models.TextChoices):
        FAMILY = "family", _("family")
        ASSOCIATE = "associate", _("associate")
        EMPLOYEE_OF = "employee_of", _("employee of")
        MEMBER_OF = "member_of", _("member of")
        OWNS = "owns", _("owns")
        USES_PHONE = "uses_phone", _("uses phone")
        HOLDS_ACCOUNT = "holds_account", _("holds account")
        LIVES_AT = "lives_at", _("lives at")
        WORKS_AT = "works_at", _("works at")
        CALLED = "called", _("called")
        PAID = "paid", _("paid money to")
        SEEN_WITH = "seen_with", _("seen with")

    class Reliability(models.TextChoices):
        A = "A", _("A — completely reliable")
        B = "B", _("B — usually reliable")
        C = "C", _("C — fairly reliable")
        D = "D", _("D — not usually reliable")
        E = "E", _("E — unreliable")
        F = "F", _("F — reliability cannot be judged")

    class Credibility(models.TextChoices):
        C1 = "1", _("1 — confirmed by other sources")
        C2 = "2", _("2 — probably true")
        C3 = "3", _("3 — possibly true")
        C4 = "4", _("4 — doubtful")
        C5 = "5", _("5 — improbable")
        C6 = "6", _("6 — truth cannot be judged")

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    from_type = models.CharField(_("from (type)"), max_length=20, choices=ENTITY_TYPE_CHOICES)
    from_id = models.PositiveBigIntegerField(_("from (number)"))
    to_type = models.CharField(_("to (type)"), max_length=20, choices=ENTITY_TYPE_CHOICES)
    to_id = models.PositiveBigIntegerField(_("to (number)"))
    link_type = models.CharField(_("link"), max_length=20, choices=Type.choices)
    source = models.CharField(_("source"), max_length=300)
    reliability = models.CharField(
        _("source reliability"), max_length=1, choices=Reliability.choices
    )
    credibility = models.CharField(
        _("information credibility"), max_length=1, choices=Credibility.choices
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("link")
        verbose_name_plural = _("links")
        indexes = [
            models.Index(fields=["from_type", "from_id"]),
            models.Index(fields=["to_type", "to_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.from_type}:{self.from_id} {self.link_type} {self.to_type}:{self.to_id}"

    @property
    def grading(self) -> str:
        return f"{self.reliability}{self.credibility}"
