from django.utils.translation import gettext_lazy as _

from dalil.access import register_permission

LEDGER_VIEW = register_permission("audit.ledger.view", _("Read the ledger (auditors)"))
LEDGER_VERIFY = register_permission("audit.ledger.verify", _("Verify and export the ledger"))
