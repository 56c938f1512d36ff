"""The store's desk (EV-4): items checked in and out by scanning their labels, one after another.

Each scan is one ordinary custody transfer through `services`, with the same checks, the same
ledger entry and the same two people: checking in confirms the receipt of an item being handed to
this location (or a place inside it); checking out hands an item kept here to a named person, who
then confirms it from their own session. A scan that cannot be done says why and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import access
from dalil.accounts.models import User

from . import services
from .inventory import may_audit, subtree
from .models import CustodyEvent, Item, StorageLocation
from .selectors import item_list

# Who may work the desk is who keeps the location's stores (the custodians): as for an audit.
may_work = may_audit


def scanned_item(actor: Any, code: str) -> Item:
    number = services.scanned_code(code)
    if not number:
        raise ValidationError({"code": _("Scan or type an item number.")})
    item = item_list(actor).filter(number=number).first()
    if item is None:
        raise ValidationError({"code": _("No item you may see has this number.")})
    return item


def check_in(*, actor: Any, location: StorageLocation, code: str) -> Item:
    """Confirm the receipt of the scanned item, being handed to this location, seal intact (a
    broken seal is stated on the item's own page)."""
    item = scanned_item(actor, code)
    if item.state != Item.State.IN_TRANSIT or item.transit_to_location_id not in subtree(location):
        raise ValidationError(
            {
                "code": _("%(number)s is not being handed to this location: nothing to receive.")
                % {"number": item.number}
            }
        )
    return services.transfer_confirm(actor=actor, item=item, version=item.version)


def check_out(
    *, actor: Any, location: StorageLocation, code: str, to_user: User | None, purpose: str
) -> Item:
    """Hand the scanned item, kept in this location, to `to_user`; it is in transit until they
    confirm its receipt."""
    if to_user is None:
        raise ValidationError({"to_user": _("Choose who takes the items.")})
    item = scanned_item(actor, code)
    if item.holder_location_id not in subtree(location):
        raise ValidationError(
            {"code": _("%(number)s is not kept in this location.") % {"number": item.number}}
        )
    return services.transfer_release(
        actor=actor, item=item, version=item.version, to_user=to_user, purpose=purpose
    )


def receivers(location: StorageLocation, limit: int = 300) -> QuerySet[User]:
    """Who items may be checked out to: active users of the location's unit and the units below
    (the service checks, item by item, that the person may see it)."""
    people = User.objects.filter(
        is_active=True, locked_at__isnull=True, unit__path__startswith=location.unit.path
    ).order_by("full_name", "pk")
    first = list(people.values_list("pk", flat=True)[:limit])
    return people.filter(pk__in=first).select_related("unit")  # unsliced: a form may filter it


def todays_work(actor: Any, location: StorageLocation) -> QuerySet[CustodyEvent]:
    """What the reader checked in and out at this location today (local day), newest first."""
    if not isinstance(actor, User):
        return CustodyEvent.objects.none()
    places = subtree(location)
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    events = CustodyEvent.objects.filter(
        Q(kind=CustodyEvent.Kind.RECEIVED, to_location__in=places)
        | Q(kind=CustodyEvent.Kind.RELEASED, from_location__in=places),
        recorded_by=actor,
        created_at__gte=start,
    ).select_related("item", "to_user", "to_location", "from_location")
    return access.scope(actor, "view", events).order_by("-pk")
