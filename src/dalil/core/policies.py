from typing import Any

from django.db.models import Model, Q
from django.utils.translation import gettext_lazy as _

from dalil.access import Policy, UnitGrant, register_permission, register_policy

from .models import StoredFile

FILE_VIEW = register_permission("core.file.view", _("See and download a unit's files"))
FILE_UPLOAD = register_permission("core.file.upload", _("Upload files to the vault"))


class LooseFiles(UnitGrant):
    """The unit's files that belong to no record. A file attached to a record (a case document,
    an intake photo) is opened only through that record, whose rules (members, compartments)
    are stricter than the unit's."""

    def q(self, actor: Any) -> Q:
        return super().q(actor) & Q(attached_to="")

    def reasons(self, actor: Any, obj: Model) -> list[str]:
        return [] if getattr(obj, "attached_to", "") else super().reasons(actor, obj)


register_policy(Policy(StoredFile, {"view": [LooseFiles(FILE_VIEW, "unit__path")]}))
