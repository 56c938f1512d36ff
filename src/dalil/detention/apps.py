from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Legal records never changed once written (migrations 0003 and 0006).
APPEND_ONLY = [
    "detention_detentionorder",
    "detention_courtpermission",
    "detention_transfer",
    "detention_intakeinjury",
    "detention_statement",
    "detention_integrityreferral",
    "detention_integrityreferral_injuries",
]


class DetentionConfig(AppConfig):
    name = "dalil.detention"
    label = "detention"
    verbose_name = _("Detainee register")

    def ready(self) -> None:
        from dalil import nav
        from dalil.audit import triggers

        from . import contributions, events, jobs, policies, selectors  # noqa: F401

        nav.register(
            "detention:list",
            _("Detainee register"),
            "cases.case.view",
            order=25,
            group="investigations",
        )
        nav.register(
            "detention:alerts",
            _("My detention alerts"),
            "cases.case.view",
            order=16,
            count=selectors.unread_alert_count,
            group="work",
        )
        nav.register(
            "detention:referral_list",
            _("Integrity referrals"),
            policies.REFERRAL_VIEW,
            order=27,
            group="investigations",
        )
        contributions.register()
        for table in APPEND_ONLY:
            triggers.register_table(table)
