from django.utils.translation import gettext_lazy as _

from dalil.audit.registry import register

register("scenes.scene_recorded", _("Crime scene recorded"))
register("scenes.scene_changed", _("Crime scene record changed"))
register("scenes.cordon_entered", _("Entry into a scene cordon recorded"))
register("scenes.cordon_left", _("Exit from a scene cordon recorded"))
register("scenes.photo_added", _("Scene photograph or sketch added"))
