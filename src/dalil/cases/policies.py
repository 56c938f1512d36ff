"""Who may see and manage a case (IN-1). A compartmented case also needs the clearance, whatever
opens it; break-glass opens `view` only."""

from typing import Any

from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _

from dalil.access import Member, Policy, UnitGrant, register_permission, register_policy
from dalil.access.door import Rule
from dalil.audit import selectors as audit_selectors

from .models import Case, CaseMember, CaseParty, Offence

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
# Members and offences are seen through their case.
register_policy(
    Policy(
        CaseMember,
        {
            "view": [
                UnitGrant(CASE_VIEW, "case__unit__path"),
                Member("case__members__user", label=_("a member of the case")),
            ]
        },
        compartment_field="case__compartment",
    )
)
register_policy(
    Policy(
        Offence,
        {
            "view": [
                UnitGrant(CASE_VIEW, "case__unit__path"),
                Member("case__members__user", label=_("a member of the case")),
            ]
        },
        compartment_field="case__compartment",
    )
)
INFORMANTS = "informants"  # the compartment that opens confidential sources


def sees_informants(actor: Any) -> bool:
    from dalil.access.door import grants_of

    return INFORMANTS in grants_of(actor).compartments


def _informants_need_clearance(actor: Any) -> Q:
    """A confidential source's part in a case is opened only to those cleared for informants,
    whoever may see the case: on the page, in the API, by number, in the ledger extract."""
    return Q() if sees_informants(actor) else ~Q(role=CaseParty.Role.INFORMANT)


register_policy(
    Policy(
        CaseParty,
        {
            "view": [
                UnitGrant(CASE_VIEW, "case__unit__path"),
                Member("case__members__user", label=_("a member of the case")),
            ]
        },
        compartment_field="case__compartment",
        restrict=_informants_need_clearance,
    )
)


# The ledger viewer hides entries about a compartmented case from auditors without the clearance.
audit_selectors.hide_targets(
    "cases.case",
    lambda held: Case.objects.filter(compartment__isnull=False).exclude(compartment__code__in=held),
)


class CaseBreakGlass(Rule):
    """Open the rows of a case the reader has opened by break-glass (until the grant expires):
    break-glass on a case opens the file, not only its cover page."""

    def __init__(self, case_field: str) -> None:
        self.case_field = case_field

    def _active(self, actor: Any) -> Any:
        from dalil.access.models import BreakGlass

        return BreakGlass.objects.filter(
            user_id=actor.pk, target_type="cases.case", expires_at__gt=timezone.now()
        )

    def q(self, actor: Any) -> Q:
        if not getattr(actor, "is_authenticated", False) or not actor.is_active:
            return Q(pk__in=[])
        ids = [int(t) for t in self._active(actor).values_list("target_id", flat=True)]
        return Q(**{f"{self.case_field}__in": ids})

    def reasons(self, actor: Any, obj: Model) -> list[str]:
        qs = type(obj)._default_manager.filter(pk=obj.pk).filter(self.q(actor))
        return [_gettext("break-glass access to the case")] if qs.exists() else []


def through_case(model: type[Model], prefix: str = "case__") -> Policy:
    """The policy of a record that hangs on a case (a task, a request to the judge, a detainee):
    whoever may see the case sees it — unit grant, membership, break-glass on the case — and a
    compartmented case's records need its clearance. Writes are the case's "work" action,
    checked by the services on the case itself. The ledger viewer hides the entries about the
    records of a compartmented case from auditors without its clearance."""
    audit_selectors.hide_targets(
        model._meta.label_lower,
        lambda held: model._default_manager.filter(
            **{f"{prefix}compartment__isnull": False}
        ).exclude(**{f"{prefix}compartment__code__in": held}),
    )
    return register_policy(
        Policy(
            model,
            {
                "view": [
                    UnitGrant(CASE_VIEW, f"{prefix}unit__path"),
                    Member(f"{prefix}members__user", label=_("a member of the case")),
                    CaseBreakGlass(prefix.removesuffix("__")),
                ]
            },
            compartment_field=f"{prefix}compartment",
        )
    )
