from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "dalil.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from dalil import nav

        nav.register("core:file_list", _("Vault"), "core.file.view", "core.file.upload", order=50)
        from . import checks, events, policies  # noqa: F401
