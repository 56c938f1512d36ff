"""Who may see and change persons and entities.

An entity is opened by the unit that recorded it (and the units above, with a subtree grant), and
`view` also opens the entities that appear in a case the reader may see — except as an informant:
a confidential source is never revealed through a case (docs/adr/0010-entities.md). That rule is
added by `dalil.cases.policies`: cases know their parties, parties know no case.
"""

from django.utils.translation import gettext_lazy as _

from dalil.access import Policy, UnitGrant, register_permission, register_policy

from .models import ENTITY_MODELS, Link

ENTITY_VIEW = register_permission("parties.entity.view", _("See persons and entities"))
ENTITY_MANAGE = register_permission(
    "parties.entity.manage", _("Record and change persons and entities")
)

for _model in ENTITY_MODELS.values():
    register_policy(
        Policy(
            _model,
            {
                "view": [UnitGrant(ENTITY_VIEW, "unit__path")],
                "manage": [UnitGrant(ENTITY_MANAGE, "unit__path")],
            },
        )
    )
register_policy(
    Policy(
        Link,
        {
            "view": [UnitGrant(ENTITY_VIEW, "unit__path")],
            "manage": [UnitGrant(ENTITY_MANAGE, "unit__path")],
        },
    )
)
