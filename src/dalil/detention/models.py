"""The detainee register (PRODUCT.md IN-6): who is held, in which case, since when, on whose order,
where, with what injuries at intake, what they said, and when they were released.

Every instant is stored in UTC and shown in Baghdad time; the legal clock is computed by
`dalil.detention.clock` (docs/adr/0011-detention-clock.md), never here. `Detainee.next_deadline_at`
is a copy of the clock's nearest limit kept by the services, so the register sorts in SQL.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dalil.accounts.models import Governorate, Unit

from . import clock


class Detainee(models.Model):
    """One arrest of one person in one case, from the arrest to the release. A new detention after
    a release is a new record, and its clock counts the earlier periods of the same case
    (Art. 109(ج): `selectors.arrest_of`)."""

    class Penalty(models.TextChoices):
        # The years the quarter is computed from are data (`PenaltyScale`), with their sources.
        YEARS = "years", _("Imprisonment for a number of years")
        LIFE = "life", _("Life imprisonment")
        AGGRAVATED_LIFE = "aggravated_life", _("Aggravated life imprisonment")
        ACTUAL_LIFE = "actual_life", _("Imprisonment for the rest of life")
        DEATH = "death", _("Death penalty")

    class ReleaseBasis(models.TextChoices):
        JUDGE_ORDER = "judge_order", _("Release order of the judge")
        BAIL = "bail", _("Release on bail or pledge")
        ACQUITTAL = "acquittal", _("Acquittal")
        CHARGES_DROPPED = "charges_dropped", _("Charges dropped")
        SENTENCE_ENDED = "sentence_ended", _("End of sentence")
        OTHER = "other", _("Other")

    number = models.CharField(_("register number"), max_length=80, unique=True, editable=False)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="detainees", verbose_name=_("case")
    )
    person = models.ForeignKey(
        "parties.Person",
        on_delete=models.PROTECT,
        related_name="detentions",
        verbose_name=_("person"),
    )
    arrested_at = models.DateTimeField(_("arrest time"))
    arrest_place = models.CharField(_("place of arrest"), max_length=300)
    arrest_governorate = models.ForeignKey(
        Governorate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("governorate of arrest"),
    )
    arresting_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("arresting unit")
    )
    registered_at = models.DateTimeField(_("registration time"))
    registered_late = models.BooleanField(_("registered more than 24 hours after the arrest"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    # The charge that drives the cap (Art. 109 CPC): the case's offence and its maximum penalty.
    offence = models.ForeignKey(
        "cases.Offence",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("offence (ICCS)"),
    )
    penalty = models.CharField(
        _("maximum penalty"), max_length=20, choices=Penalty.choices, default=Penalty.YEARS
    )
    penalty_years = models.PositiveSmallIntegerField(
        _("maximum penalty in years"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    # The 24-hour rules (Constitution Art. 19(13); CPC Art. 123): the judge's one extension of the
    # 24 hours before a judge, the appearance before the investigative judge and the questioning.
    hold_extended_at = models.DateTimeField(_("24 hours extended at"), null=True, blank=True)
    hold_extended_by = models.CharField(
        _("24 hours extended by (judge)"), max_length=200, blank=True
    )
    presented_at = models.DateTimeField(_("brought before the judge"), null=True, blank=True)
    questioned_at = models.DateTimeField(_("questioned by the judge"), null=True, blank=True)
    place_of_detention = models.CharField(_("place of detention"), max_length=300)
    place_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit holding the detainee"),
    )
    released_at = models.DateTimeField(_("release time"), null=True, blank=True)
    release_basis = models.CharField(
        _("legal basis of the release"), max_length=20, choices=ReleaseBasis.choices, blank=True
    )
    release_basis_other = models.CharField(_("other basis"), max_length=300, blank=True)
    release_note = models.TextField(_("note on the release"), blank=True, max_length=2000)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("release recorded by"),
    )
    # Kept by the services: the nearest pending limit, or the instant an ongoing breach began
    # (None once released), and whether any limit was passed as of the last write.
    next_deadline_at = models.DateTimeField(_("next deadline"), null=True, blank=True)
    breached = models.BooleanField(_("a limit was passed"), default=False)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["next_deadline_at", "pk"]
        verbose_name = _("detainee")
        verbose_name_plural = _("detainees")
        indexes = [models.Index(fields=["released_at", "next_deadline_at"], name="detainee_due")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(penalty="years") & Q(penalty_years__isnull=False))
                | (~Q(penalty="years") & Q(penalty_years__isnull=True)),
                name="detainee_penalty_years",
            ),
            # A person is held at most once in a case at a time (the arrest service checks it
            # with the case row locked; this is the last line of defence).
            models.UniqueConstraint(
                fields=["case", "person"],
                condition=Q(released_at__isnull=True),
                name="detainee_held_once_per_case",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_released(self) -> bool:
        return self.released_at is not None

    @property
    def clock_offence(self) -> clock.Offence:
        if self.penalty == self.Penalty.YEARS:
            return clock.Offence(int(self.penalty_years or 0))
        if self.penalty == self.Penalty.DEATH:
            return clock.Offence(clock.DEATH)
        # Life in its forms: the years the quarter is taken from, as the penalty scale says.
        from .penalties import scale_years

        return clock.Offence(scale_years(self.penalty) or clock.LIFE_IMPRISONMENT_YEARS)

    @property
    def penalty_display(self) -> str:
        if self.penalty == self.Penalty.YEARS:
            return str(_("%(n)s years") % {"n": self.penalty_years})
        return str(self.get_penalty_display())

    @property
    def release_basis_display(self) -> str:
        if self.release_basis == self.ReleaseBasis.OTHER and self.release_basis_other:
            return f"{self.get_release_basis_display()}: {self.release_basis_other}"
        return str(self.get_release_basis_display())


class PenaltyScale(models.Model):
    """The maximum penalties the quarter of Art. 109(ج) is computed from, as data with the text
    each comes from (issue #10), so a lawyer corrects them on the penalties page without code.
    `years`: the years the quarter is taken from (for imprisonment for a number of years, the
    most that may be typed); empty for the death penalty, which has no quarter."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=150)
    name_ckb = models.CharField(_("name (Sorani)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150)
    years = models.PositiveSmallIntegerField(
        _("years"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    source = models.CharField(_("source"), max_length=300)
    note = models.CharField(_("note"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("maximum penalty")
        verbose_name_plural = _("maximum penalties")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        lang = (get_language() or "ar").split("-")[0]
        return {"en": self.name_en, "ckb": self.name_ckb}.get(lang, self.name_ar)


class DetentionOrder(models.Model):
    """A judge's detention order (أمر التوقيف) or extension (تمديد التوقيف): at most 15 days."""

    KIND_CHOICES = [
        (clock.OrderKind.DETENTION.value, _("Detention order")),
        (clock.OrderKind.EXTENSION.value, _("Extension of detention")),
    ]

    detainee = models.ForeignKey(
        Detainee, on_delete=models.PROTECT, related_name="orders", verbose_name=_("detainee")
    )
    kind = models.CharField(_("kind of order"), max_length=10, choices=KIND_CHOICES)
    starts_at = models.DateTimeField(_("start"))
    days = models.PositiveSmallIntegerField(
        _("days"), validators=[MinValueValidator(1), MaxValueValidator(clock.MAX_ORDER_DAYS)]
    )
    ends_at = models.DateTimeField(_("end"))
    # As long as a judge's decision's number and a request's court, which an order may copy.
    order_number = models.CharField(_("order number"), max_length=100)
    judge_name = models.CharField(_("judge"), max_length=200)
    court = models.CharField(_("court"), max_length=250)
    issued_on = models.DateField(_("date issued"))
    # Whether the order reached beyond six months under a permission of the criminal court
    # (`CourtPermission`, which holds the period); kept for the register's table.
    court_permission = models.BooleanField(
        _("with the criminal court's permission beyond six months"), default=False
    )
    # The judge's decision, recorded in the judicial workflow, that this order carries out.
    decision = models.ForeignKey(
        "judicial.Decision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="detention_orders",
        verbose_name=_("decision of the judge"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["detainee", "starts_at"]
        verbose_name = _("detention order")
        verbose_name_plural = _("detention orders")
        constraints = [
            models.UniqueConstraint(fields=["detainee", "starts_at"], name="detention_order_once")
        ]

    def __str__(self) -> str:
        return f"{self.order_number} ({self.days})"

    @property
    def as_clock(self) -> clock.Order:
        return clock.Order(self.starts_at, self.days, clock.OrderKind(self.kind))


class CourtPermission(models.Model):
    """The criminal court's permission to keep the detainee beyond six months, for a period
    (Art. 109(ج) CPC: «مدة مناسبة», within one quarter of the maximum penalty). No order may end
    after `permitted_until`; a later permission extends the period."""

    detainee = models.ForeignKey(
        Detainee,
        on_delete=models.PROTECT,
        related_name="court_permissions",
        verbose_name=_("detainee"),
    )
    court = models.CharField(_("court"), max_length=250)
    decision_number = models.CharField(_("number of the decision"), max_length=100)
    decided_on = models.DateField(_("date of the decision"))
    permitted_until = models.DateTimeField(_("detention permitted until"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["detainee", "permitted_until"]
        verbose_name = _("permission of the criminal court")
        verbose_name_plural = _("permissions of the criminal court")
        constraints = [
            models.UniqueConstraint(
                fields=["detainee", "permitted_until"], name="court_permission_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} ({self.court})"

    @property
    def as_clock(self) -> clock.Permission:
        # A decision is dated, not timed: it counts from the start of its day in Baghdad.
        start = dt.datetime.combine(self.decided_on, dt.time(0), tzinfo=clock.BAGHDAD)
        return clock.Permission(self.permitted_until, granted_at=start)


class Transfer(models.Model):
    """The detainee moved from one place of detention to another."""

    detainee = models.ForeignKey(
        Detainee, on_delete=models.PROTECT, related_name="transfers", verbose_name=_("detainee")
    )
    moved_at = models.DateTimeField(_("time of the transfer"))
    from_place = models.CharField(_("from"), max_length=300)
    from_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit that held the detainee"),
    )
    to_place = models.CharField(_("to"), max_length=300)
    to_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit holding the detainee"),
    )
    reason = models.CharField(_("reason"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["detainee", "moved_at", "pk"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")

    def __str__(self) -> str:
        return f"{self.from_place} → {self.to_place}"


class IntakeInjury(models.Model):
    """What was seen on the detainee's body at intake (Mandela Rules 7–8): one injury per row, or
    one row saying that no injury was visible."""

    detainee = models.ForeignKey(
        Detainee, on_delete=models.PROTECT, related_name="injuries", verbose_name=_("detainee")
    )
    noted_at = models.DateTimeField(_("time of the examination"))
    noted_by = models.CharField(_("noted by"), max_length=200)
    none_visible = models.BooleanField(_("no injury visible"), default=False)
    description = models.TextField(_("description of the injury"), blank=True, max_length=2000)
    body_location = models.CharField(_("location on the body"), max_length=200, blank=True)
    photo = models.ForeignKey(
        "core.StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("photo"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["detainee", "noted_at", "pk"]
        verbose_name = _("intake injury record")
        verbose_name_plural = _("intake injury records")
        constraints = [
            models.CheckConstraint(
                condition=Q(none_visible=True, description="", body_location="")
                | (Q(none_visible=False) & ~Q(description="")),
                name="injury_none_or_described",
            )
        ]

    def __str__(self) -> str:
        return str(_("No injury visible")) if self.none_visible else self.body_location


class Statement(models.Model):
    class Kind(models.TextChoices):
        STATEMENT = "statement", _("Statement")
        CONFESSION = "confession", _("Confession")

    detainee = models.ForeignKey(
        Detainee, on_delete=models.PROTECT, related_name="statements", verbose_name=_("detainee")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    taken_at = models.DateTimeField(_("time taken"))
    taken_by = models.CharField(_("taken by"), max_length=200)
    summary = models.TextField(_("summary"), max_length=10000)
    document = models.ForeignKey(
        "core.StoredFile",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["detainee", "taken_at", "pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.detainee.number}"


class IntegrityReferral(models.Model):
    """A statement or confession taken from a detainee whose body showed injuries at intake, kept
    for internal affairs (IA-1, intake referrals). Inside the internal-affairs compartment: nobody
    else may even learn its details."""

    number = models.CharField(_("referral number"), max_length=40, unique=True, editable=False)
    compartment = models.ForeignKey(
        "access.Compartment",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("compartment"),
    )
    detainee = models.ForeignKey(
        Detainee, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("detainee")
    )
    statement = models.OneToOneField(
        Statement, on_delete=models.PROTECT, related_name="referral", verbose_name=_("statement")
    )
    injuries = models.ManyToManyField(
        IntakeInjury, through="ReferralInjury", related_name="+", verbose_name=_("injuries")
    )
    # Copied when the referral is made: internal affairs must know whom it is about, whatever
    # they may see of the case and the person records.
    detainee_name = models.CharField(_("detainee"), max_length=300)
    case_number = models.CharField(_("case"), max_length=80)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit of the case")
    )
    created_at = models.DateTimeField(_("referred"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("integrity referral")
        verbose_name_plural = _("integrity referrals")

    def __str__(self) -> str:
        return self.number


class ReferralInjury(models.Model):
    """An injury a referral names. The table Django made for the many-to-many field, declared so
    that its rows protect both sides (append-only: migration 0003)."""

    integrityreferral = models.ForeignKey(IntegrityReferral, on_delete=models.PROTECT)
    intakeinjury = models.ForeignKey(IntakeInjury, on_delete=models.PROTECT)

    class Meta:
        db_table = "detention_integrityreferral_injuries"
        unique_together = [("integrityreferral", "intakeinjury")]

    def __str__(self) -> str:
        return f"{self.integrityreferral_id}:{self.intakeinjury_id}"


class Alert(models.Model):
    """A limit of the clock that is near (due soon) or was passed (breached), raised once."""

    KIND_CHOICES = [
        (clock.Kind.REGISTRATION.value, _("Registration within 24 hours")),
        (clock.Kind.FIRST_ORDER.value, _("Judge's order within 24 hours")),
        (clock.Kind.QUESTIONING.value, _("Questioning by the judge within 24 hours")),
        (clock.Kind.ORDER_EXPIRY.value, _("End of the detention order")),
        (clock.Kind.SIX_MONTHS.value, _("Six months of detention")),
        (clock.Kind.COURT_PERIOD.value, _("End of the period the criminal court permitted")),
        (clock.Kind.QUARTER_CAP.value, _("One quarter of the maximum penalty")),
    ]
    LEVEL_CHOICES = [
        (clock.Level.DUE_SOON.value, _("Due soon")),
        (clock.Level.BREACHED.value, _("Breached")),
        (clock.Level.QUESTION.value, _("Question for the legal adviser")),
    ]

    detainee = models.ForeignKey(
        Detainee, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("detainee")
    )
    kind = models.CharField(_("limit"), max_length=20, choices=KIND_CHOICES)
    level = models.CharField(_("level"), max_length=10, choices=LEVEL_CHOICES)
    deadline_at = models.DateTimeField(_("deadline"))
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("detention alert")
        verbose_name_plural = _("detention alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["detainee", "kind", "deadline_at", "level"], name="detention_alert_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.detainee.number} {self.kind} {self.level}"

    @property
    def message(self) -> str:
        return clock.message(clock.Level(self.level), clock.Kind(self.kind), self.deadline_at)

    @property
    def is_breach(self) -> bool:
        return self.level == clock.Level.BREACHED


class AlertRecipient(models.Model):
    """Who an alert is addressed to (the case's lead investigator, the unit's commanders)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="recipients")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="detention_alerts",
        verbose_name=_("user"),
    )
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-alert__raised_at", "-pk"]
        verbose_name = _("alert recipient")
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="detention_alert_recipient")
        ]

    def __str__(self) -> str:
        return f"{self.alert} → {self.user}"
