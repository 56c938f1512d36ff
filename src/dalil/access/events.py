from django.utils.translation import gettext_lazy as _

from dalil.audit.alerts import register_kind
from dalil.audit.registry import register

register("access.denied", _("Access refused"))
register("access.break_glass_opened", _("Break-glass access opened"))
register("access.explained", _("Access explained to an auditor"), sensitive_read=True)
register("access.role_created", _("Role created"))
register("access.role_changed", _("Role changed"))
register("access.assignment_granted", _("Role granted"))
register("access.assignment_revoked", _("Role withdrawn"))
register("access.clearance_granted", _("Compartment clearance granted"))
register("access.clearance_revoked", _("Compartment clearance withdrawn"))
register("access.assignment_requested", _("Role requested (waits for a second person)"))
register("access.grant_approved", _("Grant approved by a second person"))
register("access.grant_rejected", _("Grant request refused or withdrawn"))
register("access.escalation_refused", _("Attempt to widen one's own rights refused"))

register_kind(
    "access.wide_content_grant",
    _("A role that opens content was asked for at the ministry or over the units below"),
)
register_kind(
    "access.quick_approvals",
    _("The same two people keep approving each other's grants within minutes"),
)
register_kind("access.break_glass", _("A record was opened by break-glass"))
