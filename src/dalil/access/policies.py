from django.utils.translation import gettext_lazy as _

from .door import Anywhere, Member, Policy, UnitGrant, register_permission, register_policy
from .models import Assignment, BreakGlass, Role

ROLE_VIEW = register_permission("access.role.view", _("See roles and their permissions"))
ROLE_MANAGE = register_permission("access.role.manage", _("Create and change roles"))
ASSIGN = register_permission("access.assignment.manage", _("Grant and withdraw roles in a unit"))
BREAK_GLASS = register_permission("access.break_glass", _("Open a record by break-glass"))
CLEARANCE = register_permission("access.clearance.manage", _("Grant compartment clearances"))
EXPLAIN = register_permission("access.explain", _("See why a user can see a record (auditors)"))

# Roles are ministry-wide definitions, so whoever may see roles anywhere sees them all.
register_policy(Policy(Role, {"view": [Anywhere(ROLE_VIEW)], "manage": [Anywhere(ROLE_MANAGE)]}))
register_policy(
    Policy(
        Assignment,
        {"view": [UnitGrant(ASSIGN, "unit__path")], "manage": [UnitGrant(ASSIGN, "unit__path")]},
    )
)
register_policy(
    Policy(BreakGlass, {"view": [Anywhere(EXPLAIN), Member("user", label=_("holder"))]})
)
