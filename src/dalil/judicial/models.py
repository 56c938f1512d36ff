"""The investigative judge (IN-5): requests to the judge, the judge's decisions, and the deadlines
that follow from them.

Under the Iraqi Code of Criminal Procedure the investigation is led by the investigative judge:
the police ask (a warrant, an extension of detention, a travel ban, referral to court…) and the
judge orders. A request is numbered per case ("<case number>-R-003"); a decision is never edited:
a correction is a new decision that names the one it corrects.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dalil.cases.models import Case, CaseParty

DUE_SOON = dt.timedelta(hours=48)


class JudicialRequest(models.Model):
    class Kind(models.TextChoices):
        ARREST_WARRANT = "arrest_warrant", _("Arrest warrant")
        SEARCH_WARRANT = "search_warrant", _("Search warrant")
        DETENTION_EXTENSION = "detention_extension", _("Extension of detention")
        TRAVEL_BAN = "travel_ban", _("Travel ban")
        RELEASE = "release", _("Release")
        REFERRAL = "referral_to_court", _("Referral to court")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted, awaiting the judge")
        DECIDED = "decided", _("Decided")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Outcome(models.TextChoices):
        GRANTED = "granted", _("Granted")
        PARTLY_GRANTED = "partly_granted", _("Partly granted")
        REFUSED = "refused", _("Refused")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="judicial_requests", verbose_name=_("case")
    )
    number = models.CharField(_("request number"), max_length=100, unique=True, editable=False)
    serial = models.PositiveIntegerField(_("serial"), editable=False)
    kind = models.CharField(_("kind of request"), max_length=30, choices=Kind.choices)
    persons = models.ManyToManyField(
        CaseParty, blank=True, related_name="judicial_requests", verbose_name=_("persons concerned")
    )
    grounds = models.TextField(_("grounds"))
    court = models.CharField(_("court or investigative judge addressed"), max_length=250)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # The outcome of the decision in force (the latest correction), for lists and filters.
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    created_at = models.DateTimeField(_("drafted"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("request to the judge")
        verbose_name_plural = _("requests to the judge")
        constraints = [
            models.UniqueConstraint(fields=["case", "serial"], name="judicial_request_case_serial")
        ]
        indexes = [models.Index(fields=["status", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("judicial:request_detail", args=[self.number])

    @property
    def pending(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Decision(models.Model):
    """What the judge ordered on a submitted request. Never changed once recorded: a correction is
    a new decision whose `corrects` names this one (which is then superseded)."""

    Outcome = JudicialRequest.Outcome

    request = models.ForeignKey(
        JudicialRequest,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("request"),
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="judicial_decisions", verbose_name=_("case")
    )
    order_number = models.CharField(_("order or decision number"), max_length=100)
    decided_on = models.DateField(_("date of the decision"))
    judge_name = models.CharField(_("judge"), max_length=200)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    text = models.TextField(_("text or summary of the order"))
    scan = models.ForeignKey(
        "core.StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("scanned order"),
    )
    corrects = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrected_by",
        verbose_name=_("corrects decision"),
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("decision of the judge")
        verbose_name_plural = _("decisions of the judge")

    def __str__(self) -> str:
        return f"{self.order_number} ({self.get_outcome_display()})"

    def get_absolute_url(self) -> str:
        return reverse("judicial:request_detail", args=[self.request.number])

    @property
    def superseded(self) -> bool:
        return hasattr(self, "corrected_by")


class Deadline(models.Model):
    """A date the judge's order sets: a warrant valid until, a travel ban until, return to the
    judge by, a hearing. Shown on the case and on the judicial deadlines page."""

    class Kind(models.TextChoices):
        WARRANT_VALID_UNTIL = "warrant_valid_until", _("Warrant valid until")
        DETENTION_UNTIL = "detention_until", _("Detention authorised until")
        TRAVEL_BAN_UNTIL = "travel_ban_until", _("Travel ban until")
        RETURN_TO_JUDGE = "return_to_judge", _("Return to the judge by")
        HEARING = "hearing", _("Court hearing")
        OTHER = "other", _("Other deadline")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        SUPERSEDED = "superseded", _("Superseded by a correction")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="judicial_deadlines", verbose_name=_("case")
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="deadlines", verbose_name=_("decision")
    )
    kind = models.CharField(_("kind of deadline"), max_length=30, choices=Kind.choices)
    due_at = models.DateTimeField(_("due"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.OPEN)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by"),
    )

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("judicial deadline")
        verbose_name_plural = _("judicial deadlines")
        indexes = [models.Index(fields=["state", "due_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.due_at):%Y-%m-%d}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_at < timezone.now()

    @property
    def due_soon(self) -> bool:
        """Open and due within DUE_SOON (shown with a warning before it is overdue)."""
        now = timezone.now()
        return self.is_open and now <= self.due_at < now + DUE_SOON
