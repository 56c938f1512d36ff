"""Permission-matrix declaration for the jobs pages (tests/permission_matrix.py).

Every signed-in user has a jobs page and may start the demonstration job. A job is seen by its owner
and by holders of jobs.job.view_all over the owner's unit (system administrators, at MOI); only its
owner cancels or retries it. Object classes: "self" (a job the requesting user started), "own" (a job
of another user of BGD-KARADA), "other" (a job of a BGD-MANSOUR user).
"""

from __future__ import annotations

from typing import Any

from dalil.access.roles import ROLES

EVERYONE = frozenset(ROLES)
VIEW_ALL = {"system_admin"}


def _job(owner: Any, status: str = "queued") -> Any:
    from dalil.jobs.models import Job

    return Job.objects.create(kind="jobs.demo", owner=owner, unit=owner.unit, status=status)


def _job_with_file(owner: Any) -> Any:
    """A finished job that left its owner a file (as the long custody report does)."""
    from django.core.files.base import ContentFile
    from django.db import transaction

    from dalil.core import vault
    from dalil.jobs.models import Job
    from dalil.jobs.registry import JOB_FILE

    with transaction.atomic():
        stored = vault.store_upload(
            actor=owner,
            unit=owner.unit,
            upload=ContentFile(b"%PDF-1.4 matrix", name="report.pdf"),
            attached_to=JOB_FILE,
        )
    return Job.objects.create(
        kind="jobs.demo",
        owner=owner,
        unit=owner.unit,
        status="succeeded",
        result={"file": stored.pk},
    )


def build(world: Any) -> None:
    karada = world.make_user("matrix.jobs.karada", unit="BGD-KARADA", role="investigator")
    mansour = world.make_user("matrix.jobs.mansour", unit="BGD-MANSOUR", role="investigator")
    for key, owner in [("job.own", karada), ("job.other", mansour)]:
        world.objects[key] = _job(owner, "failed")
        world.objects[f"{key}.file"] = _job_with_file(owner)


def _self(status: str) -> Any:
    return lambda w, me: {"pk": _job(me, status).pk}


def _of(key: str) -> Any:
    return lambda w, me: {"pk": w.objects[key].pk}


def _objects(status: str) -> dict[str, Any]:
    return {"self": _self(status), "own": _of("job.own"), "other": _of("job.other")}


MATRIX: list[dict[str, Any]] = [
    {"route": "jobs:list", "methods": ("GET",), "allowed": EVERYONE},
    {
        "route": "jobs:start",
        "methods": ("POST",),
        "allowed": EVERYONE,
        "data": lambda w, me: {"kind": "jobs.demo"},
    },
    {
        "route": "jobs:detail",
        "methods": ("GET",),
        "objects": _objects("running"),
        "allowed": {"self": EVERYONE, "own": VIEW_ALL, "other": VIEW_ALL},
    },
    {
        "route": "jobs:progress",
        "methods": ("GET",),
        "objects": _objects("running"),
        "allowed": {"self": EVERYONE, "own": VIEW_ALL, "other": VIEW_ALL},
    },
    {
        "route": "jobs:cancel",
        "methods": ("POST",),
        "objects": _objects("queued"),
        "allowed": {"self": EVERYONE, "own": set(), "other": set()},
    },
    {
        "route": "jobs:retry",
        "methods": ("POST",),
        "objects": _objects("failed"),
        "allowed": {"self": EVERYONE, "own": set(), "other": set()},
    },
    {
        # The file a job left: its owner's alone, even for those who see every job of a unit.
        "route": "jobs:file",
        "methods": ("GET",),
        "objects": {
            "self": lambda w, me: {"pk": _job_with_file(me).pk},
            "own": _of("job.own.file"),
            "other": _of("job.other.file"),
        },
        "allowed": {"self": EVERYONE, "own": set(), "other": set()},
    },
]
