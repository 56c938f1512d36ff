"""The alerts of the detainee register as a background job (dalil.jobs), and the worker's
periodic call (`raise_if_due`, from `manage.py worker`)."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dalil.jobs.registry import job_type

logger = logging.getLogger(__name__)
DEFAULT_EVERY_SECONDS = 10 * 60
_last_run: float | None = None


@job_type(
    "detention.alerts",
    _("Raise the detention alerts"),
    permissions=("cases.case.manage",),
    startable=True,
)
def raise_alerts(job: Any) -> dict[str, int]:
    """Raise every alert of the detainee register not raised yet (limits near or passed)."""
    from . import services

    with job.atomic():
        raised = services.alerts_raise()
    job.log(f"{len(raised)} alerts raised.")
    return {"raised": len(raised)}


def raise_if_due(now: float | None = None) -> int | None:
    """Raise the alerts at most every DALIL_DETENTION_ALERT_EVERY_SECONDS (10 minutes) per worker
    process. Returns how many were raised, or None when it was not time yet. Never raises: the
    worker's other duties (ledger checkpoints) must go on."""
    global _last_run
    every = float(getattr(settings, "DALIL_DETENTION_ALERT_EVERY_SECONDS", DEFAULT_EVERY_SECONDS))
    moment = time.monotonic() if now is None else now
    if _last_run is not None and moment - _last_run < every:
        return None
    _last_run = moment
    from . import services

    try:
        return len(services.alerts_raise())
    except Exception:
        logger.exception("detention alerts failed")
        return None
