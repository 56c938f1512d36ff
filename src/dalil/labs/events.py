from django.utils.translation import gettext_lazy as _

from dalil.audit.registry import register

register("labs.section_opened", _("Laboratory section put in service"))
register("labs.request_submitted", _("Laboratory request sent"))
register("labs.request_accepted", _("Laboratory request accepted"))
register("labs.request_returned", _("Laboratory request sent back"))
register("labs.item_received", _("Item received at the laboratory"))
