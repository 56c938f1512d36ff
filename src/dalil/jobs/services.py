"""Starting, cancelling and retrying jobs. Each call is one transaction with one ledger entry."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import access, audit

from . import registry
from .models import Job

MAX_ARGUMENT_BYTES = 4_000


def _check_arguments(kwargs: dict[str, Any]) -> dict[str, Any]:
    try:
        text = json.dumps(kwargs, ensure_ascii=False)
    except (TypeError, ValueError):
        raise ValidationError(_("The job's settings could not be saved.")) from None
    if len(text.encode()) > MAX_ARGUMENT_BYTES:
        raise ValidationError(_("The job's settings are too large."))
    return json.loads(text)


def _create(
    *, actor: Any, kind: str, arguments: dict[str, Any], retry_of: Job | None = None
) -> Job:
    from .tasks import run_job

    job = Job.objects.create(
        kind=kind, owner=actor, unit=actor.unit, arguments=arguments, retry_of=retry_of
    )
    # The task row is written in this same transaction: the worker cannot see the job before it exists.
    job.task_id = str(run_job.enqueue(job.pk).id)[:64]
    job.save(update_fields=["task_id"])
    return job


def enqueue(*, actor: Any, kind: str, **kwargs: Any) -> Job:
    """Queue a job of `kind` with `kwargs` for `actor`; the worker runs it."""
    try:
        jt = registry.get(kind)
    except LookupError:
        raise ValidationError(_("There is no such job.")) from None
    if not registry.may_start(actor, jt):
        raise access.Denied(actor, f"jobs.start:{kind}", None)
    arguments = _check_arguments(kwargs)
    with transaction.atomic():
        job = _create(actor=actor, kind=kind, arguments=arguments)
        audit.record(
            actor=actor,
            action="jobs.job_started",
            target=job,
            payload={"kind": kind, "arguments": arguments},
        )
    return job


def cancel(*, actor: Any, job: Job) -> Job:
    """A queued job is cancelled at once; a running one stops at its next step."""
    access.require(actor, "cancel", job)
    with transaction.atomic():
        current = Job.objects.select_for_update().get(pk=job.pk)
        was = current.status
        if was == Job.Status.QUEUED:
            current.status = Job.Status.CANCELLED
            current.finished_at = timezone.now()
            current.cancel_requested = True
            current.save(update_fields=["status", "finished_at", "cancel_requested", "updated_at"])
        elif was == Job.Status.RUNNING:
            if current.cancel_requested:
                raise ValidationError(
                    _("Cancelling was already requested; the job stops at its next step.")
                )
            current.cancel_requested = True
            current.save(update_fields=["cancel_requested", "updated_at"])
        else:
            raise ValidationError(_("This job has already finished; there is nothing to cancel."))
        audit.record(actor=actor, action="jobs.job_cancelled", target=current, payload={"was": was})
    return current


def retry(*, actor: Any, job: Job) -> Job:
    """A failed job runs again as a new job with the same kind and arguments."""
    access.require(actor, "retry", job)
    if job.status != Job.Status.FAILED:
        raise ValidationError(_("Only a failed job can be retried."))
    try:
        jt = registry.get(job.kind)
    except LookupError:
        raise ValidationError(_("There is no such job.")) from None
    if not registry.may_start(actor, jt):
        raise access.Denied(actor, f"jobs.start:{job.kind}", None)
    with transaction.atomic():
        new = _create(actor=actor, kind=job.kind, arguments=dict(job.arguments), retry_of=job)
        audit.record(
            actor=actor,
            action="jobs.job_retried",
            target=new,
            payload={"kind": job.kind, "retry_of": job.pk},
        )
    return new
