"""Who may see and manage a case (IN-1). A compartmented case also needs the clearance, whatever
opens it; break-glass opens `view` only. Every record that hangs on a case (here and in casework,
judicial, detention) is seen through it, by one helper: `through_case`."""

from collections.abc import Callable
from typing import Any

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dalil import access
from dalil.access import Member, Policy, UnitGrant, register_permission, register_policy
from dalil.access.door import Rule
from dalil.audit import visibility
from dalil.parties import policies as _parties_policies  # noqa: F401 (registered first)
from dalil.parties.models import ENTITY_MODELS

from .models import PARTY_TYPE_CHOICES, Case, CaseMember, CaseParty, Offence

CASE_VIEW = register_permission("cases.case.view", _("See the cases of a unit"))
CASE_CREATE = register_permission("cases.case.create", _("Open cases in a unit"))
CASE_MANAGE = register_permission(
    "cases.case.manage", _("Change, move through the workflow and staff the cases of a unit")
)

register_policy(
    Policy(
        Case,
        {
            "view": [
                UnitGrant(CASE_VIEW, "unit__path"),
                Member("members__user", label=_("a member")),
            ],
            "manage": [
                Member("lead", label=_("the lead investigator")),
                UnitGrant(CASE_MANAGE, "unit__path"),
            ],
            # Day-to-day work on the file (offences, parties, tasks, journal, documents,
            # detainees): the lead, the case's investigators, and those who manage the unit's
            # cases. Analysts and observers read; staffing and the workflow stay with "manage".
            "work": [
                Member("lead", label=_("the lead investigator")),
                Member(
                    "members__user",
                    label=_("an investigator of the case"),
                    where={"members__role__in": ["lead", "investigator"]},
                ),
                UnitGrant(CASE_MANAGE, "unit__path"),
            ],
        },
        compartment_field="compartment",
        break_glass=("view",),
    )
)
INFORMANTS = "informants"  # the compartment that opens confidential sources


def sees_informants(actor: Any) -> bool:
    from dalil.access.door import grants_of

    return INFORMANTS in grants_of(actor).compartments


def seen_cases(actor: Any) -> QuerySet[Case]:
    """The cases `actor` may see: every record that hangs on a case is seen through this."""
    return access.scope(actor, "view", Case.objects.all())


class ThroughCase(Rule):
    """Open the records of the cases the actor may see: whatever opens the case (a unit grant,
    membership, break-glass on the case) opens what hangs on it, and nothing else does."""

    def __init__(self, case_field: str) -> None:
        self.case_field = case_field  # lookup from the record to its case, e.g. "detainee__case"

    def q(self, actor: Any) -> Q:
        return Q(**{f"{self.case_field}__in": seen_cases(actor).values("pk")})

    def reasons(self, actor: Any, obj: Model) -> list[str]:
        case_id = (
            type(obj)
            ._default_manager.filter(pk=obj.pk)
            .values_list(self.case_field, flat=True)
            .first()
        )
        case = Case.objects.filter(pk=case_id).first() if case_id is not None else None
        if case is None or not access.can(actor, "view", case):
            return []
        return [
            gettext("through its case: %(reason)s") % {"reason": reason}
            for rule in access.door.POLICIES[Case].rules("view")
            for reason in rule.reasons(actor, case)
        ]


def through_case(
    model: type[Model], prefix: str = "case__", clearance: Callable[[Any], Q] | None = None
) -> Policy:
    """THE policy of a record that hangs on a case (an offence, a member, a party, a task, a
    request to the judge, a detainee and what is recorded about them): whoever may see the case
    sees it — unit grant, membership, break-glass on the case (`ThroughCase`) — and a
    compartmented case's records need its clearance, on every path (the ledger included:
    `dalil.audit.visibility` reads `compartment_field`). Writes are the case's "work" action,
    checked by the services on the case itself."""
    return register_policy(
        Policy(
            model,
            {"view": [ThroughCase(prefix.removesuffix("__"))]},
            compartment_field=f"{prefix}compartment",
            clearance=clearance,
        )
    )


def _informants_need_clearance(actor: Any) -> Q:
    """A confidential source's part in a case is opened only to those cleared for informants,
    whoever may see the case: on the page, in the API, by number, in the ledger extract."""
    return Q() if sees_informants(actor) else ~Q(role=CaseParty.Role.INFORMANT)


through_case(CaseMember)
through_case(Offence)
through_case(CaseParty, clearance=_informants_need_clearance)
# A payload that names a party's role names an informant: only for readers cleared for them
# (`cases.party_added`, `cases.party_removed`, the persons of a request to the judge).
visibility.payload_needs('"role":"informant"', INFORMANTS)


# --- The persons and entities of a case ----------------------------------------------------------
class InVisibleCase(Rule):
    """Open the entities of one type that take part in a case the reader may see, in any role but
    informant. Added to the parties' policies from here: cases know their parties, parties know
    no case."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def _parties(self, actor: Any) -> Any:
        return CaseParty.objects.filter(
            entity_type=self.kind, case__in=seen_cases(actor).values("pk")
        ).exclude(role=CaseParty.Role.INFORMANT)

    def q(self, actor: Any) -> Q:
        return Q(pk__in=self._parties(actor).values("entity_id"))

    def reasons(self, actor: Any, obj: Model) -> list[str]:
        # The case by its id only: whoever asks why may not see the case (or its compartment).
        rows = self._parties(actor).filter(entity_id=obj.pk).values_list("case_id", flat=True)
        return [
            gettext("takes part in case #%(id)s, which this user may see") % {"id": case_id}
            for case_id in rows[:5]
        ]


for _kind, _label in PARTY_TYPE_CHOICES:
    access.add_rule(ENTITY_MODELS[_kind], "view", InVisibleCase(_kind))
