"""Who may see and change persons and entities.

For now an entity is opened by the unit that recorded it (and the units above, with a subtree
grant). Once case participation exists, `view` also opens the entities that appear in a case the
reader may see (docs/adr/0010-entities.md).
"""

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from dalil.access import Policy, UnitGrant, register_permission, register_policy

from .models import ENTITY_MODELS, Link

ENTITY_VIEW = register_permission("parties.entity.view", _("See persons and entities"))
ENTITY_MANAGE = register_permission(
    "parties.entity.manage", _("Record and change persons and entities")
)

_models: list[type[Model]] = [*ENTITY_MODELS.values(), Link]
for _model in _models:
    register_policy(
        Policy(
            _model,
            {
                "view": [UnitGrant(ENTITY_VIEW, "unit__path")],
                "manage": [UnitGrant(ENTITY_MANAGE, "unit__path")],
            },
        )
    )
