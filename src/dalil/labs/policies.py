"""Who sees a laboratory request: whoever may see its case (the investigators, on every path), and
the staff of the laboratory it was sent to (labs.work.view at the laboratory's unit), who see the
request and its items but not the rest of the case. A compartmented case's requests need its
clearance, for the laboratory's staff too (ADR 0027).

Writing, checked by the services: a request is sent by whoever works on the case, about items they
hold; the laboratory's receiving staff (labs.request.receive) accept it or send it back."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dalil.access import Anywhere, Policy, UnitGrant, register_permission, register_policy
from dalil.cases.policies import CASE_VIEW, ThroughCase

from .models import LabRequest, RequestedExam, Section

LAB_WORK = register_permission(
    "labs.work.view", _("See the requests sent to a laboratory and the items they name")
)
LAB_RECEIVE = register_permission(
    "labs.request.receive", _("Accept or send back the requests sent to a laboratory")
)

register_policy(
    Policy(
        LabRequest,
        {"view": [ThroughCase("case"), UnitGrant(LAB_WORK, "lab__path")]},
        compartment_field="case__compartment",
    )
)
register_policy(
    Policy(
        RequestedExam,
        {"view": [ThroughCase("request__case"), UnitGrant(LAB_WORK, "request__lab__path")]},
        compartment_field="request__case__compartment",
    )
)
# The sections of the laboratories are reference data: who may send or receive a request sees them.
register_policy(Policy(Section, {"view": [Anywhere(CASE_VIEW), Anywhere(LAB_WORK)]}))
