from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Blob(models.Model):
    """A file's content in the vault, named by its SHA-256. Never overwritten or changed."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, primary_key=True)
    size = models.BigIntegerField(_("size in bytes"))
    created_at = models.DateTimeField(_("first stored"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored content")

    def __str__(self) -> str:
        return self.sha256


class StoredFile(models.Model):
    """An upload as a user sees it: the original name lives here, in the database only."""

    blob = models.ForeignKey(
        Blob, on_delete=models.PROTECT, related_name="files", verbose_name=_("content")
    )
    unit = models.ForeignKey("accounts.Unit", on_delete=models.PROTECT, verbose_name=_("unit"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name=_("uploaded by")
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    description = models.CharField(_("description"), max_length=500, blank=True)
    # The kind of record the file belongs to ("casework.document"); empty for a file uploaded to
    # the vault on its own. An attached file is reached only through its record (core.policies).
    attached_to = models.CharField(_("belongs to"), max_length=60, blank=True, db_index=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("file")
        verbose_name_plural = _("files")

    def __str__(self) -> str:
        return self.original_name


class Counter(models.Model):
    """The last number handed out per scope and year (document numbers, `dalil.core.numbering`).

    Only `numbering.next_number()` changes it, inside the caller's transaction, so a number is
    used exactly when the document that carries it is committed: no gaps, no duplicates.
    """

    scope = models.CharField(_("scope"), max_length=100)
    year = models.PositiveIntegerField(_("year"))
    value = models.PositiveBigIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")
        constraints = [
            models.UniqueConstraint(fields=["scope", "year"], name="core_counter_scope_year")
        ]

    def __str__(self) -> str:
        return f"{self.scope}-{self.year}: {self.value}"
