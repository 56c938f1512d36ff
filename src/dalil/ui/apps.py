from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    name = "dalil.ui"
    label = "ui"
    verbose_name = _("Interface")

    def ready(self) -> None:
        from . import nav

        nav.register("ui:home", _("Home"), order=0)
