from django.utils.translation import gettext_lazy as _

from dalil.audit.registry import register

register("judicial.request_created", _("Request to the judge drafted"))
register("judicial.request_changed", _("Draft request to the judge changed"))
register("judicial.request_submitted", _("Request submitted to the judge"))
register("judicial.request_withdrawn", _("Request to the judge withdrawn"))
register("judicial.decision_recorded", _("Decision of the judge recorded"))
register("judicial.decision_corrected", _("Decision of the judge corrected"))
register("judicial.deadline_done", _("Judicial deadline marked done"))
