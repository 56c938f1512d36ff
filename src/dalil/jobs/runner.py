"""Running one job: the handle a job function receives, and the worker-side life cycle.

The transaction rule (docs/jobs.md): progress and log lines are written in autocommit, outside any
transaction, so the /jobs/ page sees them at once; the job's own writes go inside `job.atomic()`,
either once at the end (compute first, then write) or in batches that are each complete on their
own; a service the job calls (as `job.actor`, the user who started it) commits in its own
durable transaction, outside `job.atomic()`. Any other write is refused, so a failing or
cancelled job leaves nothing half done. Inside `job.atomic()` progress and log lines are kept back and written after the block ends.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import socket
import traceback
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from dalil import audit
from dalil.audit.ledger import System, source

from . import registry
from .models import Job, JobLogLine

MAX_LOG_LINES = 1000
MAX_LINE_CHARS = 2000
MAX_TRACEBACK_CHARS = 12_000
MAX_RESULT_BYTES = 16_000
WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER", "TRUNCATE")

GENERIC_ERROR = gettext_noop(
    "The job failed and changed nothing. An administrator can read the technical details in the job's log."
)
OUTSIDE_ATOMIC_ERROR = gettext_noop(
    "The job tried to change data outside a protected step and was stopped; nothing was changed."
)


class JobCancelled(Exception):
    """Raised by `job.check_cancelled()` when the owner asked to cancel."""


class JobFailed(Exception):
    """Raise with a message id (mark it with gettext_noop) to fail with a message for the user."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


class WriteOutsideAtomic(RuntimeError):
    pass


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def system_actor(job: Job) -> System:
    return System(f"job:{job.pk}:{job.kind}")


def _clean(text: str, limit: int = MAX_LINE_CHARS) -> str:
    """One log line: printable, bounded. (Templates escape it when they show it.)"""
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else "\ufffd" for ch in str(text))
    return text[:limit]


def _traceback() -> str:
    """The traceback for administrators; when too long, its end (where the error is) is kept."""
    text = traceback.format_exc()
    return text if len(text) <= MAX_TRACEBACK_CHARS else "…" + text[-MAX_TRACEBACK_CHARS + 1 :]


class JobHandle:
    """What a job function gets as `job`: progress(), log(), check_cancelled(), atomic()."""

    def __init__(self, job: Job) -> None:
        self.model = job
        self.pk = job.pk
        self.kind = job.kind
        self.arguments = dict(job.arguments)
        # The user who started the job: every service the job calls checks *their* rights. (The
        # job's own life cycle is ledgered as `system_actor(job)`, which passes no door.)
        self.actor = job.owner
        self._depth = 0
        self._framework = 0
        self._pending: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []
        self._lines = job.log_lines

    # --- reporting -----------------------------------------------------------------------------
    def progress(self, done: int, total: int | None = None) -> None:
        if self._depth:
            self._pending.append(("progress", (done, total), {}))
            return
        fields: dict[str, Any] = {"done": max(0, int(done)), "updated_at": timezone.now()}
        if total is not None:
            fields["total"] = max(0, int(total))
        with self._own_write():
            Job.objects.filter(pk=self.pk).update(**fields)

    def log(self, text: str, *, admin_only: bool = False, _limit: int = MAX_LINE_CHARS) -> None:
        if self._depth:
            self._pending.append(("log", (text,), {"admin_only": admin_only, "_limit": _limit}))
            return
        if self._lines > MAX_LOG_LINES:
            return
        self._lines += 1
        if self._lines > MAX_LOG_LINES:
            text, admin_only = "… (log truncated)", False
        with self._own_write():
            JobLogLine.objects.create(
                job_id=self.pk, n=self._lines, text=_clean(text, _limit), admin_only=admin_only
            )
            Job.objects.filter(pk=self.pk).update(log_lines=self._lines)

    def check_cancelled(self) -> None:
        """Call between steps: stops the job (raising JobCancelled) once the owner cancelled."""
        if Job.objects.filter(pk=self.pk, cancel_requested=True).exists():
            raise JobCancelled()

    # --- writing the job's own work ------------------------------------------------------------
    @contextlib.contextmanager
    def atomic(self) -> Iterator[None]:
        """All of the job's writes go in here: they commit together or not at all."""
        self._depth += 1
        try:
            with transaction.atomic():
                yield
        finally:
            self._depth -= 1
            if not self._depth:
                self._flush()

    def _flush(self) -> None:
        pending, self._pending = self._pending, []
        for what, args, kwargs in pending:
            getattr(self, what)(*args, **kwargs)

    @contextlib.contextmanager
    def _own_write(self) -> Iterator[None]:
        self._framework += 1
        try:
            yield
        finally:
            self._framework -= 1

    def _guard(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        # A service called by the job decides in its own durable transaction (ARCHITECTURE rule
        # 7), complete on its own: that is a protected step too.
        in_service = any(block.durable for block in context["connection"].atomic_blocks)
        if not (self._depth or self._framework or in_service):
            verb = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
            if verb in WRITE_VERBS:
                raise WriteOutsideAtomic(f"job {self.kind} wrote outside job.atomic(): {sql[:80]}")
        return execute(sql, params, many, context)


# --- The life cycle, run by the worker ----------------------------------------------------------
def _finish(job: Job, status: str, action: str, payload: dict[str, Any], **fields: Any) -> None:
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now(), **fields)
        audit.record(actor=system_actor(job), action=action, target=job, payload=payload)


def _small(result: Any) -> dict[str, Any]:
    if result is None:
        return {}
    value = result if isinstance(result, dict) else {"value": result}
    text = json.dumps(value, ensure_ascii=False, default=str)
    if len(text.encode()) > MAX_RESULT_BYTES:
        return {"truncated": True}
    return json.loads(text)


def run(job_id: int) -> str | None:
    """Run job `job_id` if it is still queued. Returns the final status (None: nothing to do)."""
    now = timezone.now()
    with transaction.atomic():
        claimed = Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started_at=now, updated_at=now, worker=worker_id()
        )
    if not claimed:
        return None
    job = Job.objects.get(pk=job_id)
    handle = JobHandle(job)
    with source(f"task:{job.kind}"):
        try:
            jt = registry.get(job.kind)
            with connection.execute_wrapper(handle._guard):
                value = jt.function(handle, **job.arguments)
        except JobCancelled:
            handle.log("Cancelled by the owner; stopped between steps.")
            _finish(job, Job.Status.CANCELLED, "jobs.job_stopped", {"done": _done(job)})
            return Job.Status.CANCELLED
        except JobFailed as exc:
            handle.log(str(exc))
            _finish(
                job,
                Job.Status.FAILED,
                "jobs.job_failed",
                {"error": exc.message},
                error=exc.message[:500],
                error_params=exc.params,
            )
            return Job.Status.FAILED
        except BaseException as exc:
            handle.log(_traceback(), admin_only=True, _limit=MAX_TRACEBACK_CHARS)
            message = OUTSIDE_ATOMIC_ERROR if isinstance(exc, WriteOutsideAtomic) else GENERIC_ERROR
            _finish(
                job,
                Job.Status.FAILED,
                "jobs.job_failed",
                {"error": message, "exception": type(exc).__name__},
                error=message,
            )
            if not isinstance(exc, Exception):
                raise
            return Job.Status.FAILED
        result = _small(value)
        total = Job.objects.filter(pk=job.pk).values_list("total", flat=True).first() or 0
        _finish(
            job,
            Job.Status.SUCCEEDED,
            "jobs.job_succeeded",
            {"result": result},
            result=result,
            done=max(total, _done(job)),
        )
        return Job.Status.SUCCEEDED


def _done(job: Job) -> int:
    return Job.objects.filter(pk=job.pk).values_list("done", flat=True).first() or 0


# --- Jobs whose worker died -----------------------------------------------------------------------
ABANDONED_ERROR = gettext_noop(
    "The worker stopped while this job was running (it was killed or the server restarted). "
    "Nothing the job had not finished was kept: start it again with Retry."
)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _abandoned(job: Job, stale_before: dt.datetime, host: str) -> bool:
    worker_host, _sep, pid = job.worker.rpartition(":")
    if worker_host == host and pid.isdigit() and not _process_alive(int(pid)):
        return True  # its process is gone from this machine
    return job.updated_at < stale_before  # another machine's, or silent for too long


def fail_abandoned(stale_after: dt.timedelta | None = None) -> int:
    """Mark as failed the running jobs whose worker process is gone (on this machine) or that
    have reported nothing for `stale_after` (DALIL_JOB_STALE_MINUTES, 60 by default). A job's
    own work is inside `job.atomic()`, so a dead worker left nothing half-written; the owner
    can retry. One ledger entry per job."""
    if stale_after is None:
        stale_after = dt.timedelta(minutes=settings.DALIL_JOB_STALE_MINUTES)
    stale_before = timezone.now() - stale_after
    host = socket.gethostname()
    failed = 0
    for job in Job.objects.filter(status=Job.Status.RUNNING).exclude(worker=worker_id()):
        if not _abandoned(job, stale_before, host):
            continue
        with transaction.atomic():
            taken = Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).update(
                status=Job.Status.FAILED, finished_at=timezone.now(), error=ABANDONED_ERROR
            )
            if taken:
                audit.record(
                    actor=System("system:worker"),
                    action="jobs.job_abandoned",
                    target=job,
                    payload={"worker": job.worker, "last_report": job.updated_at.isoformat()},
                )
                failed += 1
    return failed
