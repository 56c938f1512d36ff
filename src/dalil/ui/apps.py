from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UiConfig(AppConfig):
    name = "dalil.ui"
    label = "ui"
    verbose_name = _("Interface")

    def ready(self) -> None:
        from dalil import nav

        nav.register("ui:home", _("Home"), order=0)
        nav.register("ui:preferences", _("My preferences"), order=97, menu="user")
        # Personal pages live under the user's name, not in the navigation bar. This app is
        # installed last, so the other apps have registered their entries by now.
        nav.set_menu("accounts:password", "user")
