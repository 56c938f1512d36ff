from django.utils.translation import gettext_lazy as _

from dalil.audit.registry import register

register("parties.person_created", _("Person recorded"))
register("parties.person_changed", _("Person changed"))
register("parties.alias_added", _("Alias added to a person"))
register("parties.document_added", _("Identity document added to a person"))
register("parties.organisation_created", _("Organisation recorded"))
register("parties.organisation_changed", _("Organisation changed"))
register("parties.phone_created", _("Phone number recorded"))
register("parties.phone_changed", _("Phone number changed"))
register("parties.vehicle_created", _("Vehicle recorded"))
register("parties.vehicle_changed", _("Vehicle changed"))
register("parties.account_created", _("Bank account recorded"))
register("parties.account_changed", _("Bank account changed"))
register("parties.address_created", _("Address recorded"))
register("parties.address_changed", _("Address changed"))
register("parties.link_created", _("Link between entities recorded"))
