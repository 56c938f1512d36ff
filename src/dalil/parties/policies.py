"""Who may see and change persons and entities.

An entity is opened by the unit that recorded it (and the units above, with a subtree grant), and
`view` also opens the entities that appear in a case the reader may see — except as an informant:
a confidential source is never revealed through a case (docs/adr/0010-entities.md).
"""

from typing import Any

from django.db.models import Model, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dalil.access import Policy, UnitGrant, register_permission, register_policy
from dalil.access.door import Rule

from .models import ENTITY_MODELS, Link

ENTITY_VIEW = register_permission("parties.entity.view", _("See persons and entities"))
ENTITY_MANAGE = register_permission(
    "parties.entity.manage", _("Record and change persons and entities")
)


class InVisibleCase(Rule):
    """Open the entities of one type that take part in a case the reader may see, in any role but
    informant."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def _parties(self, actor: Any) -> Any:
        from dalil.cases.models import CaseParty
        from dalil.cases.policies import seen_cases

        cases = seen_cases(actor).values("pk")
        return CaseParty.objects.filter(entity_type=self.kind, case__in=cases).exclude(
            role=CaseParty.Role.INFORMANT
        )

    def q(self, actor: Any) -> Q:
        return Q(pk__in=self._parties(actor).values("entity_id"))

    def reasons(self, actor: Any, obj: Model) -> list[str]:
        # The case by its id only: whoever asks why may not see the case (or its compartment).
        rows = self._parties(actor).filter(entity_id=obj.pk).values_list("case_id", flat=True)
        return [
            gettext("takes part in case #%(id)s, which this user may see") % {"id": case_id}
            for case_id in rows[:5]
        ]


# Entity types that can take part in a case (cases.models.PARTY_TYPE_CHOICES); addresses cannot.
_IN_CASES = {"person", "organisation", "phone", "vehicle", "account"}

for _kind, _model in ENTITY_MODELS.items():
    _view: list[Rule] = [UnitGrant(ENTITY_VIEW, "unit__path")]
    if _kind in _IN_CASES:
        _view.append(InVisibleCase(_kind))
    register_policy(
        Policy(_model, {"view": _view, "manage": [UnitGrant(ENTITY_MANAGE, "unit__path")]})
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
