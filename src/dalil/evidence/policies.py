"""Who may see evidence (EV-1, EV-3, EV-4).

An item is seen through its case (`through_case`'s rule: unit grant, membership, break-glass on the
case), by the custodians and commanders of its unit (evidence.item.view), and by the person who
holds it or to whom it is being handed (a lab examiner in another unit answers for what they hold).
An item of a compartmented case needs the compartment's clearance on every path, whoever holds it.
Its custody events follow the item. Storage locations are seen by whoever sees the unit's cases or
evidence: their names are not secret, and a hand-over needs them.

Writing: recording an item is case work (the case's "work" action); a hand-over is the holder's
(or, for an item kept in a store, the unit's custodians': evidence.custody.manage); a receipt is
the receiver's (or, into a store, its custodians'). A disposition is asked for by whoever works on
the case or keeps the unit's stores, approved by a supervisor of the item's unit
(evidence.disposition.approve) who did not ask for it, and carried out by the item's holder.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dalil import access
from dalil.access import Member, Policy, UnitGrant, register_permission, register_policy
from dalil.access.door import Rule
from dalil.cases.policies import CASE_VIEW, ThroughCase

from .models import (
    AuditScan,
    CustodyEvent,
    DigitalFile,
    Disposition,
    FileVerification,
    InventoryAudit,
    Item,
    StorageLocation,
)

ITEM_VIEW = register_permission(
    "evidence.item.view", _("See the evidence items and stores of a unit")
)
CUSTODY_MANAGE = register_permission(
    "evidence.custody.manage",
    _("Keep evidence in a unit's stores: receive, release, and set up storage locations"),
)
DISPOSITION_APPROVE = register_permission(
    "evidence.disposition.approve",
    _("Approve or reject what becomes of a unit's evidence items (return, destruction)"),
)

register_policy(
    Policy(
        Item,
        {
            "view": [
                ThroughCase("case"),
                UnitGrant(ITEM_VIEW, "unit__path"),
                Member("holder_user", label=_("the person who holds it")),
                Member("transit_to_user", label=_("the person it is being handed to")),
            ]
        },
        compartment_field="case__compartment",
    )
)


class ThroughItem(Rule):
    """A record about an item (a custody event, a disposition, a digital file and its checks) is
    seen by whoever may see its item; `field` leads from the record to the item."""

    def __init__(self, field: str = "item") -> None:
        self.field = field

    def q(self, actor: Any) -> Q:
        seen = access.scope(actor, "view", Item.objects.all()).values("pk")
        return Q(**{f"{self.field}__in": seen})

    def reasons(self, actor: Any, obj: Model) -> list[str]:
        item_id = type(obj)._default_manager.filter(pk=obj.pk).values_list(self.field, flat=True)
        item = Item.objects.filter(pk__in=item_id).first()
        if item is None or not access.can(actor, "view", item):
            return []
        return [gettext("through its item %(number)s") % {"number": item.number}]


register_policy(
    Policy(CustodyEvent, {"view": [ThroughItem()]}, compartment_field="item__case__compartment")
)
register_policy(
    Policy(Disposition, {"view": [ThroughItem()]}, compartment_field="item__case__compartment")
)
register_policy(
    Policy(DigitalFile, {"view": [ThroughItem()]}, compartment_field="item__case__compartment")
)
register_policy(
    Policy(
        FileVerification,
        {"view": [ThroughItem("file__item")]},
        compartment_field="file__item__case__compartment",
    )
)

register_policy(
    Policy(
        StorageLocation,
        {
            "view": [
                UnitGrant(ITEM_VIEW, "unit__path"),
                UnitGrant(CUSTODY_MANAGE, "unit__path"),
                UnitGrant(CASE_VIEW, "unit__path"),
            ],
        },
    )
)

# An inventory audit and its scans are the stores' business: their custodians and whoever sees the
# unit's register (a commander), not every reader of the unit's cases.
register_policy(
    Policy(
        InventoryAudit,
        {
            "view": [
                UnitGrant(ITEM_VIEW, "location__unit__path"),
                UnitGrant(CUSTODY_MANAGE, "location__unit__path"),
            ]
        },
    )
)
# A scan names an item: one of a compartmented case needs the clearance, like the item itself.
register_policy(
    Policy(
        AuditScan,
        {
            "view": [
                UnitGrant(ITEM_VIEW, "audit__location__unit__path"),
                UnitGrant(CUSTODY_MANAGE, "audit__location__unit__path"),
            ]
        },
        compartment_field="item__case__compartment",
    )
)
