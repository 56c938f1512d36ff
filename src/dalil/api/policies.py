from dalil.access import Member, Policy, register_policy

from .models import ApiToken

# A token is its owner's alone: nobody else lists or revokes it.
register_policy(
    Policy(
        ApiToken,
        {"view": [Member("user", label="owner")], "revoke": [Member("user", label="owner")]},
    )
)
