"""Permission-matrix declaration for crime scenes (tests/permission_matrix.py).

Object classes of a scene: "own" (a scene of a BGD-KARADA case, led by that case's lead), "other"
(of a BGD-MANSOUR case), "lead" (of a BGD-MANSOUR case the requesting user leads: they work on
it) and "scene_lead" (of a BGD-KARADA case, with the requesting user as the scene's lead officer:
they write about their scene when they may see the case). Pages that only read share one scene
per class (made on first use); on the pages that write, a request that may change its scene (a
POST the route lets through) gets a fresh one and the others (GETs, refusals) share one per route
and class, and per user in the user's own classes (`World.shared`). Recording a scene is work on
its case, or the crime-scene officer's (scenes.scene.record) in the case's unit.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from dalil.cases.tests.matrix import EVERYONE, MANAGERS, NOBODY, VIEWERS, _fresh, _objects

SCENE_VIEW = {"own": VIEWERS, "other": NOBODY, "lead": EVERYONE, "scene_lead": VIEWERS}
SCENE_WORK = {"own": MANAGERS, "other": NOBODY, "lead": EVERYONE, "scene_lead": VIEWERS}
RECORD = {
    "own": MANAGERS | {"scene_officer"},
    "other": NOBODY,
    "member": NOBODY,
    "lead": EVERYONE,
}


def _scene(kind: str, me: Any, w: Any) -> Any:
    from django.utils import timezone

    from dalil.accounts.models import Governorate
    from dalil.scenes.models import Scene

    case = _fresh("own" if kind in ("own", "scene_lead") else kind)(w, me)
    lead = me if kind in ("lead", "scene_lead") else case.lead
    # Made directly: the service would (rightly) refuse a lead officer who may not see the case,
    # and the matrix asks what such a user gets.
    return Scene.objects.create(
        number=f"SC-M-{case.pk}",
        case=case,
        unit=case.unit,
        title="مسرح",
        governorate=Governorate.objects.get(code="IQ-BG"),
        address="الكرادة",
        called_at=timezone.now() - dt.timedelta(hours=2),
        lead_officer=lead,
    )


def _photo(scene: Any) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from dalil.core import vault
    from dalil.scenes.models import ScenePhoto

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (scene.pk % 255, 0, 0)).save(buf, "PNG")
    stored = vault.store_upload(
        actor=scene.lead_officer,
        unit=scene.unit,
        upload=SimpleUploadedFile("p.png", buf.getvalue(), content_type="image/png"),
        attached_to="scenes.photo",
    )
    return ScenePhoto.objects.create(
        scene=scene,
        seq=1,
        kind="photo",
        stored=stored,
        sha256=stored.blob_id,
        taken_by=scene.lead_officer,
        taken_at=scene.called_at,
        ledger_seq=0,
    )


def _shared(kind: str) -> Any:
    """One scene (with a photograph) per class and requesting user, for the pages that read."""

    def kwargs(w: Any, me: Any) -> dict[str, Any]:
        key = f"scenes.{kind}.{me.pk if kind in ('lead', 'scene_lead') else ''}"
        if key not in w.objects:
            scene = _scene(kind, me, w)
            _photo(scene)
            w.objects[key] = scene
        return {"scene": w.objects[key].number}

    return kwargs


def _owner(kind: str, me: Any) -> Any:
    """Whose a shared scene of class `kind` is: the requesting user's in the classes where they
    lead the case or the scene, else the route's."""
    return me.pk if kind in ("lead", "scene_lead") else None


def _fresh_scene(kind: str) -> Any:
    """A new scene for each request that may change it; the others share one (see above)."""
    scope = object()  # this route's

    def kwargs(w: Any, me: Any) -> dict[str, Any]:
        key = ("scenes.scene", kind, scope, _owner(kind, me))
        return {"scene": w.shared(key, lambda: _scene(kind, me, w)).number}

    return kwargs


def _with_photo(kind: str) -> Any:
    return lambda w, me: {**_shared(kind)(w, me), "seq": 1}


def _with_entry(kind: str) -> Any:
    """A scene with someone inside its cordon: new for each request that may let them out, shared
    by the others (as `_fresh_scene`)."""
    scope = object()  # this route's

    def kwargs(w: Any, me: Any) -> dict[str, Any]:
        def make() -> dict[str, Any]:
            from django.utils import timezone

            from dalil.scenes.models import CordonEntry

            scene = _scene(kind, me, w)
            entry = CordonEntry.objects.create(
                scene=scene,
                person_name="مسعف",
                cordon="outer",
                entered_at=timezone.now() - dt.timedelta(minutes=30),
                reason="إسعاف",
            )
            return {"scene": scene.number, "pk": entry.pk}

        return w.shared(("scenes.entry", kind, scope, _owner(kind, me)), make)

    return kwargs


KINDS = ("own", "other", "lead", "scene_lead")


def _classes(builder: Any) -> dict[str, Any]:
    return {kind: builder(kind) for kind in KINDS}


def _write(route: str) -> dict[str, Any]:
    return {
        "route": route,
        "methods": ("GET", "POST"),
        "objects": _classes(_fresh_scene),
        "allowed": SCENE_WORK,
    }


MATRIX: list[dict[str, Any]] = [
    {"route": "scenes:list", "methods": ("GET",), "allowed": VIEWERS},
    {
        "route": "scenes:create",
        "methods": ("GET", "POST"),
        "objects": _objects(),
        "allowed": RECORD,
    },
    {
        "route": "scenes:detail",
        "methods": ("GET",),
        "objects": _classes(_shared),
        "allowed": SCENE_VIEW,
    },
    {
        "route": "scenes:photo_file",
        "methods": ("GET",),
        "objects": _classes(_with_photo),
        "allowed": SCENE_VIEW,
    },
    _write("scenes:edit"),
    _write("scenes:cordon_enter"),
    _write("scenes:photo_add"),
    {
        "route": "scenes:cordon_leave",
        "methods": ("GET", "POST"),
        "objects": _classes(_with_entry),
        "allowed": SCENE_WORK,
    },
]
