from django.utils.translation import gettext_lazy as _

from dalil.access import Member, Policy, UnitGrant, register_permission, register_policy

from .models import Job

VIEW_ALL = register_permission("jobs.job.view_all", _("See every background job of a unit"))

register_policy(
    Policy(
        Job,
        {
            "view": [Member("owner", _("owner")), UnitGrant(VIEW_ALL, "unit__path")],
            # Only the person who started a job cancels or retries it.
            "cancel": [Member("owner", _("owner"))],
            "retry": [Member("owner", _("owner"))],
            # A file a job made (a long report) was made with its owner's rights: theirs alone.
            "download": [Member("owner", _("owner"))],
        },
    )
)
