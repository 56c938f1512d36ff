"""The forensic laboratory (LB-1..LB-5). This part: the laboratory's sections and the requests a
case sends it (LB-1).

Intake (LB-2): an item is handed to the laboratory's intake store through the evidence services,
and its receipt there gives it the laboratory's own number (`LabItem`), in the same transaction.

A laboratory is a unit of kind "lab" (the demo's FOR-BGD-LAB); its sections are the examinations it
can do. A request names the case, the laboratory, the items of the case with the section asked to
examine each, a priority (anything but routine says why) and the questions the investigator needs
answered. The laboratory accepts it or sends it back with a reason (ADR 0027).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dalil.accounts.models import Unit
from dalil.cases.models import Case
from dalil.evidence.models import CustodyEvent, Item


class Section(models.Model):
    """An examination a laboratory can do (a section of the laboratory)."""

    class Kind(models.TextChoices):
        DNA = "dna", _("DNA and biology")
        PRINTS = "prints", _("Latent prints")
        FIREARMS = "firearms", _("Firearms and toolmarks")
        DRUGS = "drugs", _("Drugs and chemistry")
        DOCUMENTS = "documents", _("Questioned documents")
        DIGITAL = "digital", _("Digital evidence")

    lab = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="lab_sections",
        limit_choices_to={"kind": Unit.Kind.LAB},
        verbose_name=_("laboratory"),
    )
    kind = models.CharField(_("section"), max_length=20, choices=Kind.choices)
    is_active = models.BooleanField(_("in service"), default=True)

    class Meta:
        ordering = ["lab__code", "kind"]
        verbose_name = _("laboratory section")
        verbose_name_plural = _("laboratory sections")
        constraints = [
            models.UniqueConstraint(fields=["lab", "kind"], name="labs_one_section_kind")
        ]

    def __str__(self) -> str:
        return f"{self.lab.code} — {self.get_kind_display()}"


class LabRequest(models.Model):
    class Priority(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        URGENT = "urgent", _("Urgent")
        CRITICAL = "critical", _("Critical (a life or a detention limit depends on it)")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Sent to the laboratory")
        ACCEPTED = "accepted", _("Accepted by the laboratory")
        RETURNED = "returned", _("Sent back by the laboratory")

    number = models.CharField(_("request number"), max_length=40, unique=True)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="lab_requests", verbose_name=_("case")
    )
    lab = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="lab_requests",
        limit_choices_to={"kind": Unit.Kind.LAB},
        verbose_name=_("laboratory"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("sent"))
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.ROUTINE
    )
    priority_reason = models.CharField(_("reason for the priority"), max_length=500, blank=True)
    questions = models.TextField(_("questions to answer"))
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.SUBMITTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    return_reason = models.TextField(_("reason for sending it back"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("laboratory request")
        verbose_name_plural = _("laboratory requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(priority="routine") | ~Q(priority_reason=""),
                name="labs_priority_has_a_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state="returned") | ~Q(return_reason=""),
                name="labs_returned_has_a_reason",
            ),
            models.CheckConstraint(
                condition=Q(state="submitted") | Q(decided_at__isnull=False),
                name="labs_decision_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class RequestedExam(models.Model):
    """One item of the case, and the section asked to examine it."""

    request = models.ForeignKey(
        LabRequest, on_delete=models.PROTECT, related_name="exams", verbose_name=_("request")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="lab_exams", verbose_name=_("item")
    )
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="exams", verbose_name=_("section")
    )

    class Meta:
        ordering = ["item__number", "section__kind"]
        verbose_name = _("examination asked")
        verbose_name_plural = _("examinations asked")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "item", "section"], name="labs_one_exam_per_item_and_section"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item.number} — {self.section.get_kind_display()}"


class LabItem(models.Model):
    """An item received at the laboratory for a request, under the laboratory's own number
    (FOR-BGD-LAB-2026-000123: per laboratory and year, race-free), separate from the agency's item
    number. Written in the transaction of the custody receipt it names."""

    lab = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="lab_items", verbose_name=_("laboratory")
    )
    lab_number = models.CharField(_("laboratory number"), max_length=60, unique=True)
    request = models.ForeignKey(
        LabRequest, on_delete=models.PROTECT, related_name="lab_items", verbose_name=_("request")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="lab_entries", verbose_name=_("item")
    )
    receipt = models.OneToOneField(
        CustodyEvent, on_delete=models.PROTECT, related_name="+", verbose_name=_("receipt")
    )
    received_at = models.DateTimeField(_("received"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("received by"),
    )

    class Meta:
        ordering = ["lab_number"]
        verbose_name = _("item at the laboratory")
        verbose_name_plural = _("items at the laboratory")
        constraints = [
            models.UniqueConstraint(fields=["request", "item"], name="labs_item_received_once")
        ]

    def __str__(self) -> str:
        return self.lab_number
