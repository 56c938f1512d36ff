"""The django-tasks task behind every job (run by `db_worker`, which `dalil serve` starts)."""

from __future__ import annotations

from django_tasks import task

from . import runner


@task()
def run_job(job_id: int) -> str | None:
    return runner.run(job_id)
