"""A `Job` per background run, and its log lines (see docs/jobs.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dalil.accounts.models import Unit


class Job(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    FINISHED = (Status.SUCCEEDED, Status.FAILED, Status.CANCELLED)

    kind = models.CharField(_("kind"), max_length=80)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="jobs",
        verbose_name=_("owner"),
    )
    # The owner's unit when the job was started: holders of jobs.job.view_all see the jobs of their units.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    arguments = models.JSONField(_("arguments"), default=dict, blank=True)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    # A message id (English source text, translated when shown) and its parameters.
    error = models.CharField(_("error"), max_length=500, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    retry_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="retries",
        verbose_name=_("retry of"),
    )
    task_id = models.CharField(max_length=64, blank=True)
    # "host:pid" of the worker process that claimed the job: lets the worker's supervisor tell a
    # job whose process died (killed, power cut) from one that is still working.
    worker = models.CharField(max_length=120, blank=True)
    log_lines = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"]), models.Index(fields=["status"])]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def label(self) -> str:
        from .registry import label

        return label(self.kind)

    @property
    def finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        if not self.total:
            return 0
        return max(0, min(100, (self.done * 100) // self.total))

    @property
    def error_message(self) -> str:
        """The user's message, in the reader's language."""
        if not self.error:
            return ""
        text = gettext(self.error)
        try:
            return text % self.error_params if self.error_params else text
        except (KeyError, ValueError, TypeError):
            return text


class JobLogLine(models.Model):
    """One line of a job's log. Appended, never edited; capped per job (see runner.MAX_LOG_LINES)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="lines")
    n = models.PositiveIntegerField()
    ts = models.DateTimeField(auto_now_add=True)
    text = models.TextField()
    # Tracebacks and other technical detail: shown only to holders of jobs.job.view_all.
    admin_only = models.BooleanField(default=False)

    class Meta:
        ordering = ["job", "n"]
        constraints = [
            models.UniqueConstraint(fields=["job", "n"], name="jobs_logline_job_n_unique")
        ]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.n}"
