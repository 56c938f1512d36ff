"""The registry of job kinds: `@job_type("code", label)` registers a function `(job, **kwargs)`;
and of the worker's periodic duties: `@periodic("code", every=seconds)`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobType:
    code: str
    label: str | Promise
    function: Callable[..., Any]
    # Who may start it: any of these permissions (empty: every signed-in user).
    permissions: tuple[str, ...] = ()
    # Offered as a "Start" button on /jobs/ (kinds that take no arguments).
    startable: bool = False


_TYPES: dict[str, JobType] = {}

# A job may leave a file for its owner: stored in the vault with this `StoredFile.attached_to`,
# its pk as the result's "file"; the job's page offers it to the owner alone.
JOB_FILE = "jobs.job"


def job_type(
    code: str, label: str | Promise, *, permissions: tuple[str, ...] = (), startable: bool = False
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register `function(job, **kwargs)` as the job kind `code` (`app.thing`)."""
    if "." not in code or not code.replace(".", "").replace("_", "").isalnum():
        raise ValueError(f"job kind {code!r} must look like 'app.thing'")

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        existing = _TYPES.get(code)
        if existing is not None and existing.function is not function:
            raise ValueError(f"job kind {code!r} is registered twice")
        _TYPES[code] = JobType(code, label, function, tuple(permissions), startable)
        return function

    return register


def get(code: str) -> JobType:
    try:
        return _TYPES[code]
    except KeyError:
        raise LookupError(f"unknown job kind {code!r}") from None


def all_types() -> list[JobType]:
    return sorted(_TYPES.values(), key=lambda t: t.code)


def label(code: str) -> str:
    jt = _TYPES.get(code)
    return str(jt.label) if jt else code


def may_start(actor: Any, jt: JobType) -> bool:
    from dalil import access

    if not getattr(actor, "is_authenticated", False):
        return False
    return not jt.permissions or any(access.has_permission(actor, p) for p in jt.permissions)


# --- Periodic duties ---------------------------------------------------------------------------
# What `dalil worker` does on each pass: apps register their duties here (in their AppConfig's
# modules), so the worker knows none of them and imports no app.


@dataclass
class Duty:
    code: str
    # Does the work; returns a line for the worker's output ("" when there was nothing to do).
    function: Callable[[], str]
    # Seconds between two runs in one worker process (0: every pass), read at each pass.
    every: Callable[[], float]
    last_run: float | None = None

    def run_if_due(self, now: float | None = None) -> str | None:
        """Run the duty if its interval has passed: its line, or None when it was not time yet
        or it failed (logged: a failing duty must not stop the others)."""
        moment = time.monotonic() if now is None else now
        if self.last_run is not None and moment - self.last_run < self.every():
            return None
        self.last_run = moment
        try:
            return self.function()
        except Exception:
            logger.exception("periodic duty %s failed", self.code)
            return None


_DUTIES: dict[str, Duty] = {}


def periodic(
    code: str, *, every: float | Callable[[], float] = 0.0
) -> Callable[[Callable[[], str]], Callable[[], str]]:
    """Register `function()` as a duty the worker runs at most every `every` seconds."""

    def register(function: Callable[[], str]) -> Callable[[], str]:
        existing = _DUTIES.get(code)
        if existing is not None and existing.function is not function:
            raise ValueError(f"periodic duty {code!r} is registered twice")
        interval = every if callable(every) else (lambda: float(every))
        _DUTIES[code] = Duty(code, function, interval)
        return function

    return register


def duties() -> list[Duty]:
    return [_DUTIES[code] for code in sorted(_DUTIES)]


def duty(code: str) -> Duty:
    return _DUTIES[code]
