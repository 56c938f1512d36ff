"""Who sees a laboratory request: whoever may see its case (the investigators, on every path), and
the staff of the laboratory it was sent to (labs.work.view at the laboratory's unit), who see the
request and its items but not the rest of the case. A compartmented case's requests need its
clearance, for the laboratory's staff too (ADR 0027).

Writing, checked by the services: a request is sent by whoever works on the case, about items they
hold; the laboratory's receiving staff (labs.request.receive) accept it or send it back."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dalil import access
from dalil.access import (
    Anywhere,
    Policy,
    UnitGrant,
    add_rule,
    register_permission,
    register_policy,
)
from dalil.access.door import Rule
from dalil.accounts.models import Unit
from dalil.cases.policies import CASE_VIEW, ThroughCase
from dalil.evidence.models import Item, StorageLocation

from .models import LabItem, LabRequest, RequestedExam, Section

INTAKE = "INTAKE"  # the code of a laboratory's intake store (a storage location of its unit)

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
register_policy(
    Policy(
        LabItem,
        {"view": [ThroughCase("request__case"), UnitGrant(LAB_WORK, "lab__path")]},
        compartment_field="request__case__compartment",
    )
)
# The laboratory's staff see the items named in the requests sent to them, and so their chain of
# custody (which follows the item): they receive them, examine them and hand them back.
add_rule(Item, "view", UnitGrant(LAB_WORK, "lab_exams__request__lab__path"))


class LabIntakes(Rule):
    """A laboratory's intake store is where investigators send items: whoever may send a request
    (cases.case.view anywhere) sees the intake stores of the laboratories, and nothing else of
    their stores."""

    def q(self, actor: Any) -> Q:
        if not access.has_permission(actor, CASE_VIEW):
            return Q(pk__in=[])
        return Q(code=INTAKE, unit__kind=Unit.Kind.LAB)

    def reasons(self, actor: Any, obj: Model) -> list[str]:
        opened = StorageLocation.objects.filter(self.q(actor), pk=obj.pk).exists()
        return [gettext("a laboratory's intake store")] if opened else []


add_rule(StorageLocation, "view", LabIntakes())
