from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dalil.accounts.models import Unit, localized_name
from dalil.core.text import validate_identifier


class Role(models.Model):
    """A named bundle of permission codes (see `dalil.access.permissions`)."""

    code = models.CharField(_("code"), max_length=60, unique=True, validators=[validate_identifier])
    name_ar = models.CharField(_("name (Arabic)"), max_length=150)
    name_ckb = models.CharField(_("name (Sorani)"), max_length=150, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return localized_name(self)


class Approval(models.Model):
    """A grant that opens content waits for a second person (ADR 0014): until `approved_at` is
    set it opens nothing. Grants by the operator's command line are approved when made."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def pending(self) -> bool:
        return self.approved_at is None


class RolePermission(Approval):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="permissions")
    code = models.CharField(_("permission"), max_length=80)
    requested_at = models.DateTimeField(_("requested at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["role", "code"], name="role_permission_unique")
        ]
        verbose_name = _("role permission")

    def __str__(self) -> str:
        return f"{self.role.code}:{self.code}"


class Assignment(Approval):
    """A user holds a role at a unit, and (by default) over every unit below it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("user"),
    )
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("role")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("unit")
    )
    include_subtree = models.BooleanField(_("includes units below"), default=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "unit"], name="assignment_unique")
        ]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self) -> str:
        return f"{self.user} — {self.role} @ {self.unit}"


class Compartment(models.Model):
    """A set of records that unit membership never opens (internal affairs, informants)."""

    code = models.CharField(_("code"), max_length=60, unique=True, validators=[validate_identifier])
    name_ar = models.CharField(_("name (Arabic)"), max_length=150)
    name_ckb = models.CharField(_("name (Sorani)"), max_length=150, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("compartment")

    def __str__(self) -> str:
        return localized_name(self)


class Clearance(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="clearances",
        verbose_name=_("user"),
    )
    compartment = models.ForeignKey(
        Compartment, on_delete=models.PROTECT, verbose_name=_("compartment")
    )
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "compartment"], name="clearance_unique")
        ]
        verbose_name = _("compartment clearance")

    def __str__(self) -> str:
        return f"{self.user} ∈ {self.compartment}"


class BreakGlass(models.Model):
    """Emergency, time-limited access to one record, with a stated reason. Never edited."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="break_glass",
        verbose_name=_("user"),
    )
    target_type = models.CharField(_("record type"), max_length=80)
    target_id = models.CharField(_("record id"), max_length=64)
    target_label = models.CharField(_("record"), max_length=200)
    reason = models.TextField(_("reason"))
    started_at = models.DateTimeField(_("started"))
    expires_at = models.DateTimeField(_("expires"))

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["user", "target_type", "expires_at"], name="breakglass_idx")
        ]
        verbose_name = _("break-glass access")
        verbose_name_plural = _("break-glass accesses")

    def __str__(self) -> str:
        return f"{self.user} → {self.target_type} #{self.target_id}"
