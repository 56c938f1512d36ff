from django.utils.translation import gettext_lazy as _

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
