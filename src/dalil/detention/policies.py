"""Who may see the detainee register (IN-6).

A detainee and everything recorded about them are seen through their case
(`cases.policies.through_case`): holders of cases.case.view over the case's unit, the case's
members and break-glass on the case, with the case's compartment if it has one. Writing needs the
case's "work" action (checked by the services on the case itself).

An integrity referral lives in the internal-affairs compartment: only holders of
detention.referral.view (internal-affairs staff, ministry-wide) who also hold the compartment's
clearance may see it; for everybody else it does not exist (404, not listed, not found).
An alert is seen by the user it is addressed to, and only while they may still see its case: one
moved to another unit, or taken off the case, no longer reads about its detainees.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dalil.access import Anywhere, Member, Policy, register_permission, register_policy
from dalil.audit import visibility
from dalil.cases.policies import seen_cases, through_case

from .models import (
    AlertRecipient,
    CourtPermission,
    Detainee,
    DetentionOrder,
    IntakeInjury,
    IntegrityReferral,
    Statement,
    Transfer,
)

REFERRAL_VIEW = register_permission(
    "detention.referral.view",
    _("See integrity referrals of detainees (internal affairs, with the clearance)"),
)
IA_COMPARTMENT = "internal_affairs"
PENALTY_MANAGE = register_permission(
    "detention.penalty.manage",
    _("Correct the penalty scale the quarter of Art. 109 is computed from (legal adviser)"),
)
LEGAL_QUESTIONS = register_permission(
    "detention.legal_question.receive",
    _("Receive the register's disputed points of law (legal adviser of the unit)"),
)

# A detainee hangs on its case, the rest on the detainee's case (with break-glass on the case).
through_case(Detainee)
for _model in (DetentionOrder, CourtPermission, Transfer, IntakeInjury, Statement):
    through_case(_model, "detainee__case__")

register_policy(
    Policy(IntegrityReferral, {"view": [Anywhere(REFERRAL_VIEW)]}, compartment_field="compartment")
)

register_policy(
    Policy(
        AlertRecipient,
        {"view": [Member("user", label=_("the user it is addressed to"))]},
        compartment_field="alert__detainee__case__compartment",
        restrict=lambda actor: Q(alert__detainee__case__in=seen_cases(actor).values("pk")),
    )
)

# The ledger hides from readers without the clearance the entries about these records' files
# and alerts, with the records themselves (`dalil.audit.visibility`). A referred statement's
# document and injury photos also follow the referral: internal affairs opening them is IA's.
visibility.follows("detention.alert", Detainee, "alerts")
visibility.follows("core.storedfile", IntakeInjury, "photo")
visibility.follows("core.storedfile", Statement, "document")
visibility.follows("core.storedfile", IntegrityReferral, "injuries__photo")
visibility.follows("core.storedfile", IntegrityReferral, "statement__document")
