from django.utils.translation import gettext_lazy as _

from dalil.audit.registry import register

register("detention.arrest_recorded", _("Arrest recorded in the detainee register"))
register("detention.order_recorded", _("Detention order recorded"))
register(
    "detention.court_permission_recorded",
    _("Permission of the criminal court to detain beyond six months recorded"),
)
register("detention.hold_extended", _("The 24 hours before a judge extended once by the judge"))
register("detention.appearance_recorded", _("Appearance before the investigative judge recorded"))
register("detention.transferred", _("Detainee transferred"))
register("detention.penalty_scale_changed", _("Penalty scale of the detention clock corrected"))
register("detention.clocks_refreshed", _("Stored clocks of the detainees held recomputed"))
register("detention.released", _("Detainee released"))
register("detention.injury_recorded", _("Intake injury record made"))
register("detention.statement_recorded", _("Statement of a detainee recorded"))
register("detention.referral_created", _("Integrity referral made to internal affairs"))
register("detention.referral_opened", _("Integrity referral opened"), sensitive_read=True)
register("detention.alert_raised", _("Detention alert raised"))
register("detention.alert_read", _("Detention alert marked as read"))
