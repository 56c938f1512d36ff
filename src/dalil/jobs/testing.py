"""Helpers for tests: run django-tasks-db's real worker, once or in a background thread."""

from __future__ import annotations

import threading
from typing import Any
from unittest import mock

from django.db import connection, connections
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker


def _worker(*, batch: bool, interval: float, worker_id: str) -> Worker:
    return Worker(
        queue_names=["default"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def run_queued() -> None:
    """What `dalil db_worker --batch` does: run every queued task, then return.

    Inside a test's transaction (a non-transactional pytest-django test) the worker's habit of
    recycling database connections would close the test's connection, so it is switched off there.
    """
    worker = _worker(batch=True, interval=0, worker_id="test-batch")
    if not connection.in_atomic_block:
        worker.run()
        return
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        worker.run()


class WorkerThread:
    """`db_worker` in a thread, for tests that watch a job from the outside (transactional tests)."""

    def __init__(self, interval: float = 0.05) -> None:
        self.worker = _worker(batch=False, interval=interval, worker_id="test-thread")
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="dalil-test-worker", daemon=True)

    def _run(self) -> None:
        try:
            self.worker.run()
        except BaseException as exc:  # reported by stop()
            self.error = exc
        finally:
            connections.close_all()

    def __enter__(self) -> WorkerThread:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def stop(self) -> None:
        self.worker.running = False
        self.thread.join(timeout=30)
        if self.thread.is_alive():
            raise RuntimeError("the test worker did not stop")
        if self.error is not None:
            raise self.error
