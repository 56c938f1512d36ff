from django.utils.translation import gettext_lazy as _

from dalil.access import Anywhere, Policy, register_permission, register_policy

from .models import Alert

LEDGER_VIEW = register_permission("audit.ledger.view", _("Read the ledger (auditors)"))
LEDGER_VERIFY = register_permission("audit.ledger.verify", _("Verify and export the ledger"))

ALERT_VIEW = register_permission("audit.alert.view", _("See and acknowledge alerts to auditors"))

register_policy(Policy(Alert, {"view": [Anywhere(ALERT_VIEW)], "manage": [Anywhere(ALERT_VIEW)]}))
