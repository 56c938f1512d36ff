from django.utils.translation import gettext_lazy as _

from .door import (
    Anywhere,
    AtTop,
    Member,
    Policy,
    UnitGrant,
    register_permission,
    register_policy,
)
from .models import Assignment, BreakGlass, Role, RolePermission

ROLE_VIEW = register_permission(
    "access.role.view", _("See roles and their permissions"), administrative=True
)
ROLE_MANAGE = register_permission(
    "access.role.manage", _("Create and change roles"), administrative=True
)
ASSIGN = register_permission(
    "access.assignment.manage", _("Grant and withdraw roles in a unit"), administrative=True
)
APPROVE = register_permission(
    "access.grant.approve", _("Approve another person's request to grant content permissions")
)
BREAK_GLASS = register_permission("access.break_glass", _("Open a record by break-glass"))
CLEARANCE = register_permission("access.clearance.manage", _("Grant compartment clearances"))
EXPLAIN = register_permission("access.explain", _("See why a user can see a record (auditors)"))

# Roles are ministry-wide definitions, so whoever may see roles anywhere sees them all.
register_policy(Policy(Role, {"view": [Anywhere(ROLE_VIEW)], "manage": [Anywhere(ROLE_MANAGE)]}))
register_policy(
    Policy(
        Assignment,
        {
            "view": [UnitGrant(ASSIGN, "unit__path"), UnitGrant(APPROVE, "unit__path")],
            "manage": [UnitGrant(ASSIGN, "unit__path")],
            # A grant at a unit is approved by a holder of the approving right there (a
            # commander of the unit, the ministry's security officer); the service adds
            # "never the requester, never the grantee".
            "approve": [UnitGrant(APPROVE, "unit__path")],
        },
    )
)
# A role is ministry-wide: widening it is approved at the top of the organisation.
register_policy(
    Policy(
        RolePermission,
        {
            "view": [Anywhere(ROLE_VIEW), AtTop(APPROVE)],
            "manage": [Anywhere(ROLE_MANAGE)],
            "approve": [AtTop(APPROVE)],
        },
    )
)
register_policy(
    Policy(BreakGlass, {"view": [Anywhere(EXPLAIN), Member("user", label=_("holder"))]})
)
