"""Every read of the scene records, scoped through the door for the reader."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from dalil import access
from dalil.cases.models import Case
from dalil.evidence.models import Item
from dalil.evidence.selectors import item_list

from .models import CordonEntry, Scene, ScenePhoto

SCENE_RELATED = ("case", "unit", "governorate", "lead_officer")


def scene_list(actor: Any) -> QuerySet[Scene]:
    return access.scope(actor, "view", Scene.objects.select_related(*SCENE_RELATED))


def scenes_of_case(actor: Any, case: Case) -> QuerySet[Scene]:
    return scene_list(actor).filter(case=case).order_by("called_at", "pk")


def scene_for(actor: Any, number: str) -> Scene:
    """One scene by its number; out of scope answers 404 (and the refusal is on the ledger)."""
    return access.get_or_404(
        actor, "view", Scene.objects.select_related(*SCENE_RELATED), number=number
    )


def cordon_of(actor: Any, scene: Scene) -> QuerySet[CordonEntry]:
    qs = CordonEntry.objects.filter(scene=scene).select_related("person", "recorded_by")
    return access.scope(actor, "view", qs).order_by("entered_at", "pk")


def photos_of(actor: Any, scene: Scene) -> QuerySet[ScenePhoto]:
    qs = ScenePhoto.objects.filter(scene=scene).select_related("taken_by", "stored")
    return access.scope(actor, "view", qs).order_by("seq")


def photo_for(actor: Any, scene: Scene, seq: int) -> ScenePhoto:
    return access.get_or_404(
        actor, "view", ScenePhoto.objects.select_related("stored"), scene=scene, seq=seq
    )


def items_of_scene(actor: Any, scene: Scene) -> QuerySet[Item]:
    return item_list(actor).filter(scene=scene).order_by("number")
