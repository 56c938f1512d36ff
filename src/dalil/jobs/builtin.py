"""Job kinds that ship with Dalil."""

from __future__ import annotations

import time
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .registry import job_type, periodic
from .runner import JobFailed


@job_type("jobs.demo", _("Count to 20 (demonstration)"), startable=True)
def count(job: Any, n: int = 20, pause: float = 0.2) -> dict[str, int]:
    """Counts to `n`, pausing between steps: shows the progress bar and cancelling at work."""
    n = max(1, min(int(n), 1000))
    pause = max(0.0, min(float(pause), 2.0))
    job.progress(0, n)
    for i in range(1, n + 1):
        job.check_cancelled()
        time.sleep(pause)
        job.progress(i, n)
    job.log(f"Counted to {n}.")
    return {"counted": n}


@job_type(
    "audit.verify_ledger",
    _("Verify the ledger"),
    permissions=("audit.ledger.verify",),
    startable=True,
)
def verify_ledger(job: Any) -> dict[str, int]:
    """Recompute the whole hash chain and check the signed checkpoints, reporting every 10,000 entries."""
    from dalil.audit import integrity
    from dalil.audit.models import Entry

    total = Entry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    job.progress(0, total)

    def walked(n: int) -> None:
        job.progress(min(n, total), total)
        job.check_cancelled()

    report = integrity.verify(progress=walked, every=10_000)
    job.log(f"{report.entries} entries and {report.checkpoints} signed checkpoints checked.")
    if not report.ok:
        for problem in report.problems[:50]:
            job.log(problem)
        raise JobFailed(
            gettext_noop(
                "The ledger does NOT verify. The first problem is at entry %(seq)s; see the log."
            ),
            seq=report.first_bad_seq or 0,
        )
    return {"entries": report.entries, "checkpoints": report.checkpoints}


# --- What `dalil worker` does on every pass ----------------------------------------------------
@periodic("audit.checkpoint")
def sign_checkpoint_if_due() -> str:
    """Sign a ledger checkpoint when the last one is 15 minutes old (the ledger decides)."""
    from dalil.audit.integrity import checkpoint_if_due

    cp = checkpoint_if_due()
    return f"checkpoint signed at entry {cp.seq}" if cp else ""


@periodic("jobs.abandoned")
def fail_abandoned_jobs() -> str:
    """Fail the running jobs whose worker died, so their owners can retry them."""
    from .runner import fail_abandoned

    abandoned = fail_abandoned()
    return f"{abandoned} abandoned jobs marked failed" if abandoned else ""
