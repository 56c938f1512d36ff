"""The alerts of the detainee register as a background job (dalil.jobs), and as a periodic duty
of `dalil worker`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from dalil.jobs.registry import job_type, periodic

DEFAULT_EVERY_SECONDS = 10 * 60


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


def _every() -> float:
    return float(getattr(settings, "DALIL_DETENTION_ALERT_EVERY_SECONDS", DEFAULT_EVERY_SECONDS))


@periodic("detention.alerts", every=_every)
def raise_due_alerts() -> str:
    """The worker's call: the alerts not raised yet, at most every
    DALIL_DETENTION_ALERT_EVERY_SECONDS (10 minutes) per worker process."""
    from . import services

    raised = len(services.alerts_raise())
    return f"{raised} detention alerts raised" if raised else ""
