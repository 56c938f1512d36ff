"""Who may see and manage a case (IN-1). A compartmented case also needs the clearance, whatever
opens it; break-glass opens `view` only."""

from django.utils.translation import gettext_lazy as _

from dalil.access import Member, Policy, UnitGrant, register_permission, register_policy
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
    )
)


# The ledger viewer hides entries about a compartmented case from auditors without the clearance.
audit_selectors.hide_targets(
    "cases.case",
    lambda held: Case.objects.filter(compartment__isnull=False).exclude(compartment__code__in=held),
)
