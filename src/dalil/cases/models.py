"""Case files (IN-1) and their offences coded with the UN ICCS (IN-2)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dalil.accounts.models import Governorate, Unit


class IccsCategory(models.Model):
    """One category of the International Classification of Crime for Statistical Purposes
    (UNODC, v1.0, March 2015). Reference data loaded by a migration (docs/adr/0009-iccs.md)."""

    code = models.CharField(_("ICCS code"), max_length=6, unique=True)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    label_en = models.CharField(_("label (English)"), max_length=250)
    label_ar = models.CharField(_("label (Arabic)"), max_length=250)
    source = models.CharField(_("checked against"), max_length=300, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ICCS category")
        verbose_name_plural = _("ICCS categories")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "ar").startswith("en") else self.label_ar


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UNDER_INVESTIGATION = "under_investigation", _("Under investigation")
        REFERRED_TO_JUDGE = "referred_to_judge", _("Referred to the investigative judge")
        REFERRED_TO_COURT = "referred_to_court", _("Referred to court")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("case number"), max_length=80, unique=True, editable=False)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="cases", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    serial = models.PositiveIntegerField(_("serial"), editable=False)
    title = models.CharField(_("title"), max_length=250)
    summary = models.TextField(_("summary"), blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cases_led",
        verbose_name=_("lead investigator"),
    )
    compartment = models.ForeignKey(
        "access.Compartment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("compartment"),
    )
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.OPEN
    )
    # Optimistic locking: every change is UPDATE … WHERE id=? AND version=?, then version + 1.
    version = models.PositiveIntegerField(
        _("version"), default=1, validators=[MinValueValidator(1), MaxValueValidator(2**31 - 1)]
    )
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "serial"], name="case_unit_year_serial")
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class CaseMember(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead investigator")
        INVESTIGATOR = "investigator", _("Investigator")
        ANALYST = "analyst", _("Analyst")
        OBSERVER = "observer", _("Observer")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="members", verbose_name=_("case")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="case_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(_("role in the case"), max_length=20, choices=Role.choices)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("case member")
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_member_once")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Offence(models.Model):
    class Stage(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        ATTEMPTED = "attempted", _("Attempted")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="offences", verbose_name=_("case")
    )
    category = models.ForeignKey(
        IccsCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("ICCS category")
    )
    article = models.CharField(_("article of national law"), max_length=300, blank=True)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    committed_on = models.DateField(_("date"), null=True, blank=True)
    governorate = models.ForeignKey(
        Governorate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("governorate"),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("offence")

    def __str__(self) -> str:
        return f"{self.category.code} ({self.get_stage_display()})"


PARTY_TYPE_CHOICES = [
    ("person", _("Person")),
    ("organisation", _("Organisation")),
    ("phone", _("Phone number")),
    ("vehicle", _("Vehicle")),
    ("account", _("Bank account")),
]


class CaseParty(models.Model):
    """A person or entity taking part in a case (IN-3), in one role. The entity is named by its
    type and number, as links between entities are, so "every case of this phone" is one indexed
    query (IN-7)."""

    class Role(models.TextChoices):
        SUSPECT = "suspect", _("Suspect")
        ACCUSED = "accused", _("Accused")
        VICTIM = "victim", _("Victim")
        WITNESS = "witness", _("Witness")
        INFORMANT = "informant", _("Informant")
        COMPLAINANT = "complainant", _("Complainant")
        OTHER = "other", _("Other")

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="parties", verbose_name=_("case")
    )
    entity_type = models.CharField(_("type"), max_length=20, choices=PARTY_TYPE_CHOICES)
    entity_id = models.PositiveBigIntegerField(_("record number"))
    role = models.CharField(_("role in the case"), max_length=20, choices=Role.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("party to a case")
        verbose_name_plural = _("parties to cases")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "entity_type", "entity_id", "role"], name="case_party_once"
            )
        ]
        indexes = [models.Index(fields=["entity_type", "entity_id"])]

    def __str__(self) -> str:
        return f"{self.entity_type}:{self.entity_id} ({self.get_role_display()})"
