"""Every write of a scene record (SC-1..SC-3): one service each, deciding inside its own durable
transaction with the case (and, for an edit, the scene) locked, one ledger entry each.

Writing about a scene is work on its case: the case must be open and the actor allowed to work on
it. A scene's times must be in order (call, arrival, release) and never in the future; its
coordinates, when given, must lie in Iraq.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import access, audit, search
from dalil.accounts.models import Governorate, User
from dalil.cases.models import Case
from dalil.cases.services import case_for_work
from dalil.core import dates, numbering, vault
from dalil.core.records import acting_user
from dalil.core.text import clean_field
from dalil.evidence.models import Item
from dalil.evidence.services import code_of

from . import photos
from .models import PROTECTIVE, CordonEntry, Scene, ScenePhoto
from .policies import SCENE_RECORD

NUMBER_SCOPE = "SC"
# Iraq's extent, a little generous: a point outside is a typing error (a swapped latitude and
# longitude, a missing minus sign), not a scene.
LATITUDES = (Decimal("29.0"), Decimal("37.5"))
LONGITUDES = (Decimal("38.7"), Decimal("48.7"))
PROTECTIVE_CODES = {code for code, _label in PROTECTIVE}


class Conflict(Exception):
    """The scene changed since the writer's page was loaded (HTTP 409): nothing was written."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "Someone else changed this scene while you were working. Nothing was saved: "
                "reload the page and make your change again."
            )
        )


# --- Small rules ----------------------------------------------------------------------------------
# One field's free text, refused beside the field (the rule lives in dalil.core.text).
_text = clean_field


_moment = dates.past_moment


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value else None


def _coordinates(latitude: Decimal | None, longitude: Decimal | None) -> tuple[Any, Any]:
    if latitude is None and longitude is None:
        return None, None
    if latitude is None or longitude is None:
        field = "latitude" if latitude is None else "longitude"
        raise ValidationError({field: _("Give both the latitude and the longitude, or neither.")})
    if not LATITUDES[0] <= latitude <= LATITUDES[1]:
        raise ValidationError(
            {"latitude": _("This latitude is outside Iraq (between 29 and 37.5 degrees north).")}
        )
    if not LONGITUDES[0] <= longitude <= LONGITUDES[1]:
        raise ValidationError(
            {"longitude": _("This longitude is outside Iraq (between 38.7 and 48.7 degrees east).")}
        )
    return latitude.quantize(Decimal("0.000001")), longitude.quantize(Decimal("0.000001"))


def _times(
    called_at: dt.datetime | None, arrived_at: dt.datetime | None, released_at: dt.datetime | None
) -> tuple[dt.datetime, dt.datetime | None, dt.datetime | None]:
    called = _moment("called_at", called_at)
    if called is None:
        raise ValidationError({"called_at": _("Say when the call was received.")})
    arrived = _moment("arrived_at", arrived_at)
    released = _moment("released_at", released_at)
    if arrived is not None and arrived < called:
        raise ValidationError({"arrived_at": _("The arrival cannot be before the call.")})
    if released is not None and arrived is None:
        raise ValidationError(
            {"arrived_at": _("A scene can only be released after someone arrived.")}
        )
    if released is not None and arrived is not None and released < arrived:
        raise ValidationError({"released_at": _("The release cannot be before the arrival.")})
    return called, arrived, released


def _lead(officer: User | None, case: Case) -> User:
    if officer is None:
        raise ValidationError({"lead_officer": _("Name the lead officer.")})
    if not officer.is_active or officer.locked_at:
        raise ValidationError({"lead_officer": _("This user account is not active.")})
    if not access.can(officer, "view", case):
        raise ValidationError({"lead_officer": _("The lead officer must be able to see the case.")})
    return officer


def leads(actor: Any, scene: Scene) -> bool:
    return isinstance(actor, User) and actor.pk == scene.lead_officer_id


def may_record(actor: Any, case: Case) -> bool:
    """Who opens a scene record: whoever works on the case, or a crime-scene officer of its unit."""
    return case.status != Case.Status.CLOSED and (
        access.can(actor, "work", case)
        or (access.holds_at(actor, SCENE_RECORD, case.unit) and access.can(actor, "view", case))
    )


def may_work(actor: Any, scene: Scene) -> bool:
    """Who writes about a scene: whoever works on its case, and the scene's lead officer (a
    crime-scene officer is seldom an investigator of the case) while they may see the case."""
    if scene.case.status == Case.Status.CLOSED:
        return False
    return access.can(actor, "work", scene.case) or (
        leads(actor, scene) and access.can(actor, "view", scene.case)
    )


def _locked(actor: Any, scene: Scene, version: int | None = None) -> tuple[Scene, Case]:
    """The scene's case locked for work (open; the actor works on it or leads the scene), then
    the scene."""
    as_lead = leads(actor, scene)
    case = case_for_work(actor, scene.case, action="view" if as_lead else "work", operator=True)
    current = Scene.objects.select_for_update().get(pk=scene.pk)
    if (version is not None and current.version != version) or leads(actor, current) != as_lead:
        raise Conflict()
    return current, case


# --- The scene record (SC-1) ----------------------------------------------------------------------
def scene_record(
    *,
    actor: Any,
    case: Case,
    title: str,
    governorate: Governorate | None,
    address: str,
    called_at: dt.datetime | None,
    lead_officer: User | None,
    arrived_at: dt.datetime | None = None,
    released_at: dt.datetime | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    weather: str = "",
    conditions: str = "",
    narrative: str = "",
) -> Scene:
    """Open the record of a scene of `case`: it takes the next agency-wide scene number
    (SC-2026-000012, race-free)."""
    with transaction.atomic(durable=True):
        officer = access.holds_at(actor, SCENE_RECORD, case.unit)
        case = case_for_work(actor, case, action="view" if officer else "work", operator=True)
        fields = _fields(
            case=case,
            title=title,
            governorate=governorate,
            address=address,
            called_at=called_at,
            arrived_at=arrived_at,
            released_at=released_at,
            lead_officer=lead_officer,
            latitude=latitude,
            longitude=longitude,
            weather=weather,
            conditions=conditions,
            narrative=narrative,
        )
        year = timezone.localtime(fields["called_at"]).year
        number = numbering.format_number(
            NUMBER_SCOPE, year, numbering.next_number(NUMBER_SCOPE, year)
        )
        scene = Scene.objects.create(
            number=number, case=case, unit=case.unit, created_by=acting_user(actor), **fields
        )
        audit.record(
            actor=actor,
            action="scenes.scene_recorded",
            target=scene,
            payload={"number": number, "case": case.number, **_payload(scene)},
        )
        search.index(scene)
    return scene


def scene_update(*, actor: Any, scene: Scene, version: int, **changes: Any) -> Scene:
    """Change what a scene's record says (a time learnt later, the release, the narrative). The
    ledger keeps what it said before and after."""
    with transaction.atomic(durable=True):
        current, case = _locked(actor, scene, version)
        before = _payload(current)
        fields = _fields(case=case, **changes)
        for name, value in fields.items():
            setattr(current, name, value)
        current.version += 1
        current.save()
        after = _payload(current)
        changed = {k: {"from": before[k], "to": after[k]} for k in after if before[k] != after[k]}
        if not changed:
            raise ValidationError(_("Nothing was changed."))
        audit.record(
            actor=actor,
            action="scenes.scene_changed",
            target=current,
            payload={"number": current.number, "changed": changed},
        )
        search.index(current)
    return current


def _fields(
    *,
    case: Case,
    title: str,
    governorate: Governorate | None,
    address: str,
    called_at: dt.datetime | None,
    lead_officer: User | None,
    arrived_at: dt.datetime | None = None,
    released_at: dt.datetime | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    weather: str = "",
    conditions: str = "",
    narrative: str = "",
) -> dict[str, Any]:
    if governorate is None:
        raise ValidationError({"governorate": _("Choose the governorate.")})
    if weather and weather not in Scene.Weather.values:
        raise ValidationError({"weather": _("Choose the weather from the list.")})
    called, arrived, released = _times(called_at, arrived_at, released_at)
    lat, lon = _coordinates(latitude, longitude)
    return {
        "title": _text("title", title, _("Describe the scene in a few words.")),
        "governorate": governorate,
        "address": _text("address", address, _("Give the address of the scene.")),
        "called_at": called,
        "arrived_at": arrived,
        "released_at": released,
        "lead_officer": _lead(lead_officer, case),
        "latitude": lat,
        "longitude": lon,
        "weather": weather or "",
        "conditions": _text("conditions", conditions),
        "narrative": _text("narrative", narrative),
    }


def _payload(scene: Scene) -> dict[str, Any]:
    return {
        "title": scene.title,
        "governorate": scene.governorate.code,
        "address": scene.address,
        "latitude": str(scene.latitude) if scene.latitude is not None else None,
        "longitude": str(scene.longitude) if scene.longitude is not None else None,
        "called_at": _iso(scene.called_at),
        "arrived_at": _iso(scene.arrived_at),
        "released_at": _iso(scene.released_at),
        "lead_officer": scene.lead_officer.username,
        "weather": scene.weather,
        "conditions": scene.conditions,
        "narrative_sha256": audit.text_digest(scene.narrative),
    }


# --- The cordon log (SC-2) ------------------------------------------------------------------------
def cordon_enter(
    *,
    actor: Any,
    scene: Scene,
    cordon: str,
    reason: str,
    entered_at: dt.datetime | None = None,
    person: User | None = None,
    person_name: str = "",
    organisation: str = "",
    protective: list[str] | None = None,
) -> CordonEntry:
    """Someone went into the inner or outer cordon: a Dalil user, or a person named as written
    (a paramedic, a firefighter, the investigating judge)."""
    with transaction.atomic(durable=True):
        current, _case = _locked(actor, scene)
        if current.is_released:
            raise ValidationError(_("The scene has been released: its cordon log is closed."))
        if cordon not in CordonEntry.Cordon.values:
            raise ValidationError({"cordon": _("Choose the inner or the outer cordon.")})
        person_name = _text("person_name", person_name)
        if (person is None) == (not person_name):
            raise ValidationError(
                {"person": _("Choose a Dalil user, or write the name of someone without one.")}
            )
        when = _moment("entered_at", entered_at) or timezone.now()
        if when < current.called_at:
            raise ValidationError({"entered_at": _("This is before the call was received.")})
        protective = sorted(set(protective or []))
        if set(protective) - PROTECTIVE_CODES:
            raise ValidationError({"protective": _("Choose protective clothing from the list.")})
        if (
            person is not None
            and CordonEntry.objects.filter(
                scene=current, person=person, cordon=cordon, left_at__isnull=True
            ).exists()
        ):
            raise ValidationError(
                {"person": _("This person is already inside this cordon: record their exit first.")}
            )
        entry = CordonEntry.objects.create(
            scene=current,
            person=person,
            person_name=person_name,
            organisation=_text("organisation", organisation),
            cordon=cordon,
            entered_at=when,
            reason=_text("reason", reason, _("Say why the person entered.")),
            protective=protective,
            recorded_by=acting_user(actor),
        )
        audit.record(
            actor=actor,
            action="scenes.cordon_entered",
            target=current,
            payload={
                "entry": entry.pk,
                "person": person.username if person else None,
                "person_name": person_name,
                "organisation": entry.organisation,
                "cordon": cordon,
                "at": _iso(when),
                "reason": entry.reason,
                "protective": protective,
            },
        )
    return entry


def cordon_leave(
    *, actor: Any, entry: CordonEntry, left_at: dt.datetime | None = None
) -> CordonEntry:
    """The person came out. An exit is recorded once and never moved."""
    with transaction.atomic(durable=True):
        current, _case = _locked(actor, entry.scene)
        locked = CordonEntry.objects.select_for_update().get(pk=entry.pk, scene=current)
        if locked.left_at is not None:
            raise ValidationError(_("This person's exit is already recorded."))
        when = _moment("left_at", left_at) or timezone.now()
        if when < locked.entered_at:
            raise ValidationError({"left_at": _("The exit cannot be before the entry.")})
        locked.left_at = when
        locked.save(update_fields=["left_at"])
        audit.record(
            actor=actor,
            action="scenes.cordon_left",
            target=current,
            payload={"entry": locked.pk, "who": locked.who, "at": _iso(when)},
        )
    return locked


# --- The photo log (SC-3) -------------------------------------------------------------------------
def photo_add(
    *,
    actor: Any,
    scene: Scene,
    upload: Any,
    kind: str = ScenePhoto.Kind.PHOTO,
    taken_by: User | None = None,
    taken_at: dt.datetime | None = None,
    description: str = "",
    scale: str = "",
    item_numbers: list[str] | None = None,
) -> ScenePhoto:
    """Add a photograph or a sketch to the scene's log: the file goes to the vault under its
    SHA-256, the entry takes the next number of the scene's log. Without a stated time, the
    camera's (EXIF) is taken, else now. A sketch states its scale and the items it shows."""
    with transaction.atomic(durable=True):
        current, case = _locked(actor, scene)
        if kind not in ScenePhoto.Kind.values:
            raise ValidationError({"kind": _("Choose a photograph or a sketch.")})
        if upload is None:
            raise ValidationError({"upload": _("Choose the file.")})
        try:
            found = photos.check(upload, pdf_ok=kind == ScenePhoto.Kind.SKETCH)
        except ValidationError as exc:
            raise ValidationError({"upload": exc.messages}) from exc
        taker = taken_by or acting_user(actor)
        if taker is None:
            raise ValidationError({"taken_by": _("Say who took the photograph.")})
        when = _moment("taken_at", taken_at) or photos.parse_exif_time(found["exif_time"])
        when = when or timezone.now()
        description = _text("description", description)
        scale = _text("scale", scale)
        numbers = _item_numbers(case, item_numbers or [])
        if kind == ScenePhoto.Kind.SKETCH and not scale:
            raise ValidationError({"scale": _("Give the sketch's scale (for example 1:50).")})
        if kind == ScenePhoto.Kind.PHOTO and scale:
            raise ValidationError({"scale": _("Only a sketch has a scale.")})
        stored = vault.store_upload(
            actor=actor,
            unit=case.unit,
            upload=upload,
            description=_("Scene %(number)s") % {"number": current.number},
            attached_to="scenes.photo",
        )
        seq = (ScenePhoto.objects.filter(scene=current).aggregate(m=Max("seq"))["m"] or 0) + 1
        entry = audit.record(
            actor=actor,
            action="scenes.photo_added",
            target=current,
            payload={
                "seq": seq,
                "kind": kind,
                "sha256": stored.blob_id,
                "taken_by": taker.username,
                "taken_at": _iso(when),
                "exif_time": found["exif_time"],
                "scale": scale,
                "items": numbers,
            },
        )
        photo = ScenePhoto.objects.create(
            scene=current,
            seq=seq,
            kind=kind,
            stored=stored,
            sha256=stored.blob_id,
            taken_by=taker,
            taken_at=when,
            exif_time=found["exif_time"],
            description=description,
            scale=scale,
            item_numbers=numbers,
            recorded_by=acting_user(actor),
            ledger_seq=entry.seq,
        )
    return photo


def _item_numbers(case: Case, raw: list[str]) -> list[str]:
    """The evidence items a sketch shows: numbers of the case's own items."""
    numbers = list(dict.fromkeys(code_of(n, "item_numbers") for n in raw if n.strip()))
    known = set(Item.objects.filter(case=case, number__in=numbers).values_list("number", flat=True))
    unknown = [n for n in numbers if n not in known]
    if unknown:
        raise ValidationError(
            {
                "item_numbers": _("These are not items of this case: %(numbers)s")
                % {"numbers": ", ".join(unknown[:20])}
            }
        )
    return numbers
