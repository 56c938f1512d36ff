"""Day-to-day work on a case file (IN-4): tasks, the journal and its versions, documents.

Every row hangs on a case and is seen through it (policies.py). Nothing here is ever deleted:
a task is cancelled, a journal entry is amended by a new version (the versions table is
append-only in the database), a document is withdrawn with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dalil.cases.models import Case


class Task(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    # Most urgent first when sorting by priority.
    PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("case")
    )
    title = models.CharField(_("title"), max_length=250)
    description = models.TextField(_("description"), blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_tasks",
        verbose_name=_("assigned to"),
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    closed_at = models.DateTimeField(_("done or cancelled"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done or cancelled by"),
    )
    close_note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["case", "pk"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["assignee", "status", "due_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        """Open and its due date (a Baghdad calendar day) has passed."""
        return (
            self.status == self.Status.OPEN
            and self.due_on is not None
            and self.due_on < timezone.localdate()
        )


class JournalEntry(models.Model):
    """One note of the case journal. Its text and time live in its versions; `version` is the
    number of the current one (amendments are optimistic: UPDATE … WHERE version = n)."""

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="journal", verbose_name=_("case")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    occurred_at = models.DateTimeField(_("time of the event"))
    # Bounded explicitly so the API schema is the same on SQLite and PostgreSQL.
    version = models.PositiveIntegerField(
        _("current version"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(2**31 - 1)],
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")

    def __str__(self) -> str:
        return f"#{self.pk}"


class JournalVersion(models.Model):
    """One text of a journal entry: number 1 is the original, each amendment appends the next
    with its reason. Append-only in the database (triggers refuse UPDATE and DELETE)."""

    entry = models.ForeignKey(
        JournalEntry,
        on_delete=models.PROTECT,
        related_name="versions",
        verbose_name=_("journal entry"),
    )
    number = models.PositiveIntegerField(
        _("version"), validators=[MinValueValidator(1), MaxValueValidator(2**31 - 1)]
    )
    text = models.TextField(_("text"))
    occurred_at = models.DateTimeField(_("time of the event"))
    reason = models.TextField(_("reason for the amendment"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["entry", "number"]
        verbose_name = _("journal version")
        verbose_name_plural = _("journal versions")
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="journal_version_once")
        ]

    def __str__(self) -> str:
        return f"#{self.entry_id} v{self.number}"


class Document(models.Model):
    """A file attached to a case. The content is in the vault (by SHA-256); the row records the
    ledger entry that added it, so the dossier can give both hashes to the court."""

    class Kind(models.TextChoices):
        REPORT = "report", _("Report")
        STATEMENT = "statement", _("Statement")
        PHOTO = "photo", _("Photo")
        ORDER = "order", _("Order")
        CORRESPONDENCE = "correspondence", _("Correspondence")
        OTHER = "other", _("Other")

    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="documents", verbose_name=_("case")
    )
    title = models.CharField(_("title"), max_length=250)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    dated_on = models.DateField(_("date of the document"), null=True, blank=True)
    stored = models.ForeignKey(
        "core.StoredFile", on_delete=models.PROTECT, related_name="+", verbose_name=_("file")
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    ledger_seq = models.BigIntegerField(_("ledger entry"), null=True, blank=True)
    ledger_hash = models.CharField(_("ledger entry hash"), max_length=64, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    withdrawal_reason = models.TextField(_("reason for the withdrawal"), blank=True)

    class Meta:
        ordering = ["case", "-added_at", "-pk"]
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")

    def __str__(self) -> str:
        return self.title

    @property
    def sha256(self) -> str:
        return str(self.stored.blob_id)

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None
