from django.utils.translation import gettext_lazy as _

from dalil.access import Policy, UnitGrant, register_permission, register_policy

from .models import StoredFile

FILE_VIEW = register_permission("core.file.view", _("See and download a unit's files"))
FILE_UPLOAD = register_permission("core.file.upload", _("Upload files to the vault"))

register_policy(Policy(StoredFile, {"view": [UnitGrant(FILE_VIEW, "unit__path")]}))
