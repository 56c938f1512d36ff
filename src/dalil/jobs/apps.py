from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "dalil.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        from dalil import nav

        nav.register("jobs:list", _("Jobs"), order=90)
        from . import builtin, events, policies  # noqa: F401
