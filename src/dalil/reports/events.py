from django.utils.translation import gettext_lazy as _

from dalil.audit.registry import register

register("reports.document_issued", _("Document issued (PDF)"))
