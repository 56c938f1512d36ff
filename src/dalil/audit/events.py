from django.utils.translation import gettext_lazy as _

from .registry import register

CHECKPOINT_SIGNED = register("audit.checkpoint_signed", _("Ledger checkpoint signed"))
LEDGER_VIEWED = register("audit.ledger_viewed", _("Ledger viewed"), sensitive_read=True)
LEDGER_EXPORTED = register("audit.ledger_exported", _("Ledger exported"))
LEDGER_VERIFIED = register("audit.ledger_verified", _("Ledger verified"))
PRIVILEGES_APPLIED = register(
    "audit.privileges_applied", _("Database privileges of the application role applied")
)
ALERT_RAISED = register("audit.alert_raised", _("Alert to auditors raised"))
ALERT_ACKNOWLEDGED = register("audit.alert_acknowledged", _("Alert to auditors acknowledged"))
