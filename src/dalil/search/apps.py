from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "dalil.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from . import events  # noqa: F401

        # Each app's `searchables.py` registers its findable models and sources.
        autodiscover_modules("searchables")
