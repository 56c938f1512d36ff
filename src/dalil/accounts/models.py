from __future__ import annotations

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from dalil.core.text import validate_identifier


class Governorate(models.Model):
    """Iraq's 18 governorates (ISO 3166-2:IQ). Reference data from a migration."""

    code = models.CharField(_("ISO 3166-2 code"), max_length=6, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=100)
    name_ckb = models.CharField(_("name (Sorani)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    kurdistan_region = models.BooleanField(_("Kurdistan Region"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("governorate")
        verbose_name_plural = _("governorates")

    def __str__(self) -> str:
        return localized_name(self)


def localized_name(obj: Governorate | Unit | object) -> str:
    lang = (get_language() or "ar").split("-")[0]
    return str(getattr(obj, f"name_{lang}", "") or getattr(obj, "name_ar", "") or obj)


class Unit(models.Model):
    """A node of the organisation tree. `path` is the chain of codes from the root ("/MOI/CID/"),
    so a subtree is one indexed prefix query."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        DIRECTORATE = "directorate", _("Directorate or agency")
        GOVERNORATE = "governorate", _("Governorate command")
        STATION = "station", _("Police station")
        LAB = "lab", _("Forensic laboratory")
        ACADEMY = "academy", _("Training academy")
        IA_OFFICE = "ia_office", _("Internal-affairs office")
        UNIT = "unit", _("Unit")

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[validate_identifier],
        help_text=_("Short Latin code, unique in the ministry, e.g. BGD-KARADA."),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200)
    name_ckb = models.CharField(_("name (Sorani)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    governorate = models.ForeignKey(
        Governorate, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("governorate")
    )
    path = models.CharField(_("path"), max_length=1000, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return localized_name(self)

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username=(username or "").lower())


class User(AbstractBaseUser):
    """A person who signs in. No superuser flag exists: every right comes from a role."""

    class Language(models.TextChoices):
        ARABIC = "ar", "العربية"
        SORANI = "ckb", "کوردی"
        ENGLISH = "en", "English"

    username = models.CharField(
        _("user name"),
        max_length=150,
        unique=True,
        validators=[validate_identifier],
        help_text=_("Latin letters, digits, dot, dash or underscore."),
    )
    full_name = models.CharField(_("full name (Arabic)"), max_length=200)
    full_name_latin = models.CharField(_("full name (Latin)"), max_length=200, blank=True)
    badge_number = models.CharField(_("badge number"), max_length=40, blank=True)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="users", verbose_name=_("unit")
    )

    class Digits(models.TextChoices):
        ARABIC_INDIC = "arab", _("Arabic-Indic digits (٠١٢٣)")
        LATIN = "latn", _("Latin digits (0123)")

    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default="ar")
    digits = models.CharField(
        _("digits"),
        max_length=4,
        choices=Digits.choices,
        default=Digits.LATIN,
        help_text=_(
            "How numbers, dates and times are written for you. Codes and hashes stay Latin."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})"

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class LoginFailure(models.Model):
    """A failed sign-in step (or a refused enrolment code), counted for the waits of
    `dalil.accounts.throttle`. The client appears only as `client_key`, a keyed hash (HMAC with the
    SECRET_KEY) of its address: enough to count, never the address (ADR "lockout")."""

    class Step(models.TextChoices):
        PASSWORD = "password", _("password")
        CODE = "code", _("second-factor code")
        ENROLMENT = "enrolment", _("enrolment code")

    username = models.CharField(max_length=150, db_index=True)
    ts = models.DateTimeField(default=timezone.now, db_index=True)
    client_key = models.CharField(max_length=64, blank=True, db_index=True)
    step = models.CharField(max_length=10, choices=Step.choices, default=Step.PASSWORD)
    entry_seq = models.BigIntegerField(null=True, blank=True)  # its ledger entry, for alerts

    class Meta:
        verbose_name = _("failed sign-in")
        indexes = [
            models.Index(fields=["username", "client_key", "ts"], name="acc_failure_key_idx")
        ]

    def __str__(self) -> str:
        return f"{self.username} @ {self.ts:%Y-%m-%d %H:%M:%S}"


class Enrolment(models.Model):
    """A one-time enrolment code: its holder sets the account's password and second factor.

    Only a SHA-256 of the code is stored (the code carries 140 random bits, so the digest cannot
    be turned back into it). Usable once, until `expires_at`, and only while it is the account's
    newest: issuing another supersedes it."""

    user = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("user")
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("issued"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("replaced"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("enrolment code")
        verbose_name_plural = _("enrolment codes")

    def __str__(self) -> str:
        return f"enrolment {self.pk} ({self.user_id})"

    def refusal(self, now: dt.datetime) -> str:
        """Why it cannot be used now ("" when it can): for the ledger, never for the page."""
        if self.used_at is not None:
            return "used"
        if self.superseded_at is not None:
            return "superseded"
        if self.expires_at <= now:
            return "expired"
        return ""
