from django.utils.translation import gettext_lazy as _

from dalil.audit.registry import register

register("cases.case_opened", _("Case opened"))
register("cases.case_updated", _("Case changed"))
register("cases.status_changed", _("Case status changed"))
register("cases.member_added", _("Member added to a case"))
register("cases.member_removed", _("Member removed from a case"))
register("cases.offence_added", _("Offence added to a case"))
register("cases.offence_removed", _("Offence removed from a case"))
register("cases.offence_recoded", _("Offence moved to a corrected ICCS code"))
register("cases.party_added", _("Person or entity added to a case"))
register("cases.party_removed", _("Person or entity removed from a case"))
