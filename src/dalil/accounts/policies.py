from django.utils.translation import gettext_lazy as _

from dalil.access import Member, Policy, UnitGrant, register_permission, register_policy

from .models import Unit, User

# Administration opens no case content: these grants need no second person (ADR 0014).
UNIT_VIEW = register_permission("accounts.unit.view", _("See units"), administrative=True)
UNIT_MANAGE = register_permission(
    "accounts.unit.manage", _("Create and change units"), administrative=True
)
USER_VIEW = register_permission("accounts.user.view", _("See users of a unit"), administrative=True)
USER_MANAGE = register_permission(
    "accounts.user.manage",
    _("Create users, release locks, reset second factors"),
    administrative=True,
)

register_policy(
    Policy(
        Unit,
        {
            "view": [UnitGrant(UNIT_VIEW, "path"), UnitGrant(UNIT_MANAGE, "path")],
            "manage": [UnitGrant(UNIT_MANAGE, "path")],
            # Adding a user or a child unit is an action on the unit they will belong to.
            "add_user": [UnitGrant(USER_MANAGE, "path")],
            "add_unit": [UnitGrant(UNIT_MANAGE, "path")],
            "assign": [UnitGrant("access.assignment.manage", "path")],
            "upload_file": [UnitGrant("core.file.upload", "path")],
        },
        break_glass=("view",),
    )
)
register_policy(
    Policy(
        User,
        {
            "view": [
                UnitGrant(USER_VIEW, "unit__path"),
                UnitGrant(USER_MANAGE, "unit__path"),
                Member("pk", label=_("the user")),
            ],
            "manage": [UnitGrant(USER_MANAGE, "unit__path")],
        },
        break_glass=("view",),
    )
)
