"""Who may see a scene: whoever may see its case (and its compartment's clearance), on every path.
The cordon log and the photo log follow the scene.

Writing, checked by the services on the case itself: a scene is recorded by whoever works on the
case, or by a crime-scene officer of the case's unit (scenes.scene.record: they are dispatched to
scenes of cases they do not investigate); what is written about a scene afterwards (its record, its
cordon and photo logs, the items collected at it) by whoever works on the case and by the scene's
lead officer."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from dalil.access import register_permission
from dalil.cases.policies import through_case

from .models import CordonEntry, Scene, ScenePhoto

through_case(Scene)
through_case(CordonEntry, "scene__case__")
through_case(ScenePhoto, "scene__case__")

SCENE_RECORD = register_permission(
    "scenes.scene.record",
    _("Record the crime scenes of a unit's cases and work at the scenes one leads"),
)
