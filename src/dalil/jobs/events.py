from django.utils.translation import gettext_lazy as _

from dalil.audit.registry import register

register("jobs.job_started", _("Background job started"))
register("jobs.job_succeeded", _("Background job succeeded"))
register("jobs.job_failed", _("Background job failed"))
register("jobs.job_cancelled", _("Background job cancelled"))
register("jobs.job_stopped", _("Background job stopped after a cancel request"))
register("jobs.job_retried", _("Background job retried"))
register("jobs.job_abandoned", _("Background job failed: its worker stopped"))
