"""The registry of job kinds: `@job_type("code", label)` registers a function `(job, **kwargs)`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise


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
