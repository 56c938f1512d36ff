from django.utils.translation import gettext_lazy as _

from dalil.access import Member, Policy, register_policy

from .models import ApiToken

# A token is its owner's alone: nobody else lists or revokes it.
register_policy(
    Policy(
        ApiToken,
        {"view": [Member("user", label=_("owner"))], "revoke": [Member("user", label=_("owner"))]},
    )
)
