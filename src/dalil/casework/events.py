from django.utils.translation import gettext_lazy as _

from dalil.audit.registry import register

register("casework.task_created", _("Task created"))
register("casework.task_changed", _("Task changed"))
register("casework.task_completed", _("Task done"))
register("casework.task_reopened", _("Task reopened"))
register("casework.task_cancelled", _("Task cancelled"))
register("casework.journal_written", _("Journal entry written"))
register("casework.journal_amended", _("Journal entry amended"))
register("casework.document_added", _("Document added to a case"))
register("casework.document_withdrawn", _("Document withdrawn from a case"))
