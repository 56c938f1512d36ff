"""Crime scene pages (SC-1..SC-3). Scenes are opened through the door first (out of scope answers
404); rows through the selectors; writes through the services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dalil import access
from dalil.accounts.models import Governorate, User, localized_name
from dalil.accounts.selectors import history
from dalil.audit.selectors import annotate
from dalil.cases.models import Case
from dalil.cases.navigation import case_crumbs, case_url, closed_redirect
from dalil.cases.selectors import case_for
from dalil.cases.services import closed_message
from dalil.core.views import file_response
from dalil.ui.forms import form_page

from . import mapgrid, selectors, services
from .forms import CordonForm, LeaveForm, PhotoForm, SceneEditForm, SceneForm
from .models import Scene

PEOPLE_LIMIT = 300


def scene_url(scene: Scene) -> str:
    return reverse("scenes:detail", args=[scene.number])


def _crumbs(scene: Scene, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [
        (_("Crime scenes"), reverse("scenes:list")),
        (scene.number, scene_url(scene) if tail else None),
        *tail,
    ]


def people_for(case: Case) -> list[User]:
    """Active users of the case's unit (and the units below) who may see the case: who can lead a
    scene or be named in its cordon log (the service checks the lead officer again)."""
    users = (
        User.objects.filter(
            is_active=True, locked_at__isnull=True, unit__path__startswith=case.unit.path
        )
        .select_related("unit")
        .order_by("full_name", "pk")
    )
    return access.users_who_can(users[:PEOPLE_LIMIT], "view", case)


def _workable(request: HttpRequest, scene: Scene) -> HttpResponse | None:
    """The way back when the scene's case is closed; 404 for who may not write about the scene."""
    closed = closed_redirect(request, scene.case, scene_url(scene), closed_message())
    if closed:
        return closed
    if not services.may_work(request.user, scene):
        raise access.Denied(request.user, "work", scene.case)
    return None


@login_required
@require_GET
def scene_list(request: HttpRequest) -> HttpResponse:
    access.require_permission(request.user, "cases.case.view")
    scenes = selectors.scene_list(request.user).order_by("-called_at", "-pk")
    return render(
        request,
        "scenes/scene_list.html",
        {"scenes": list(scenes[:200]), "breadcrumbs": [(_("Crime scenes"), None)]},
    )


@login_required
@require_http_methods(["GET", "POST"])
def scene_create(request: HttpRequest, number: str) -> HttpResponse:
    case = case_for(request.user, number)
    closed = closed_redirect(request, case, case_url(case), closed_message())
    if closed:
        return closed
    if not services.may_record(request.user, case):
        raise access.Denied(request.user, "work", case)
    initial: dict[str, Any] = {"lead_officer": request.user.pk}
    offence = case.offences.exclude(governorate=None).first()
    if offence is not None:
        initial["governorate"] = offence.governorate_id
    form = SceneForm(request.POST or None, initial=initial, officers=people_for(case))
    return form_page(
        request,
        form,
        lambda data: services.scene_record(actor=request.user, case=case, **data),
        title=_("Record a crime scene in %(number)s") % {"number": case.number},
        intro=_(
            "The scene gets the next number of the agency's register. Add the cordon log, the "
            "photographs and the items collected from its page."
        ),
        success=lambda s: _("Scene %(number)s recorded.") % {"number": s.number},
        then=scene_url,
        cancel_url=case_url(case),
        submit_label=_("Record the scene"),
        breadcrumbs=case_crumbs(case, (_("Record a crime scene"), None)),
    )


@login_required
@require_GET
def scene_detail(request: HttpRequest, scene: str) -> HttpResponse:
    s = selectors.scene_for(request.user, scene)
    actor = request.user
    names = {g.code: localized_name(g) for g in Governorate.objects.all()}
    return render(
        request,
        "scenes/scene_detail.html",
        {
            "scene": s,
            "map": mapgrid.grid(s.latitude, s.longitude, names),
            "cordon": list(selectors.cordon_of(actor, s)),
            "photos": list(selectors.photos_of(actor, s)),
            "items": list(selectors.items_of_scene(actor, s)[:200]),
            "workable": services.may_work(actor, s),
            "history": annotate(history(actor, s)),
            "breadcrumbs": _crumbs(s),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def scene_edit(request: HttpRequest, scene: str) -> HttpResponse:
    s = selectors.scene_for(request.user, scene)
    closed = _workable(request, s)
    if closed:
        return closed
    fields = list(SceneForm.base_fields)
    initial = {name: getattr(s, name) for name in fields}
    initial.update(governorate=s.governorate_id, lead_officer=s.lead_officer_id, version=s.version)
    title = _("Change the record of %(number)s") % {"number": s.number}
    return form_page(
        request,
        SceneEditForm(request.POST or None, initial=initial, officers=people_for(s.case)),
        lambda data: services.scene_update(actor=request.user, scene=s, **data),
        title=title,
        success=_("The scene's record has been changed."),
        then=scene_url,
        cancel_url=scene_url(s),
        submit_label=_("Save"),
        breadcrumbs=_crumbs(s, (title, None)),
        conflicts=(services.Conflict,),
    )


@login_required
@require_http_methods(["GET", "POST"])
def cordon_enter(request: HttpRequest, scene: str) -> HttpResponse:
    s = selectors.scene_for(request.user, scene)
    closed = _workable(request, s)
    if closed:
        return closed
    title = _("Entry into the cordon of %(number)s") % {"number": s.number}
    return form_page(
        request,
        CordonForm(request.POST or None, people=people_for(s.case)),
        lambda data: services.cordon_enter(actor=request.user, scene=s, **data),
        title=title,
        success=_("The entry has been recorded."),
        then=lambda _e: scene_url(s) + "#cordon-h",
        cancel_url=scene_url(s),
        submit_label=_("Record the entry"),
        breadcrumbs=_crumbs(s, (title, None)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def cordon_leave(request: HttpRequest, scene: str, pk: int) -> HttpResponse:
    s = selectors.scene_for(request.user, scene)
    entry = access.get_or_404(request.user, "view", selectors.cordon_of(request.user, s), pk=pk)
    closed = _workable(request, s)
    if closed:
        return closed
    title = _("Exit of %(name)s from the cordon") % {"name": entry.who}
    return form_page(
        request,
        LeaveForm(request.POST if request.method == "POST" else None),
        lambda data: services.cordon_leave(actor=request.user, entry=entry, **data),
        title=title,
        success=_("The exit has been recorded."),
        then=lambda _e: scene_url(s) + "#cordon-h",
        cancel_url=scene_url(s),
        submit_label=_("Record the exit"),
        breadcrumbs=_crumbs(s, (title, None)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def photo_add(request: HttpRequest, scene: str) -> HttpResponse:
    s = selectors.scene_for(request.user, scene)
    closed = _workable(request, s)
    if closed:
        return closed
    title = _("Add a photograph or a sketch to %(number)s") % {"number": s.number}
    return form_page(
        request,
        PhotoForm(request.POST or None, request.FILES or None),
        lambda data: services.photo_add(actor=request.user, scene=s, **data),
        title=title,
        intro=_(
            "The file is kept in the vault under its SHA-256 fingerprint and takes the next number "
            "of the scene's photo log. It can never be replaced or removed."
        ),
        success=lambda p: _("Added as number %(seq)d of the photo log.") % {"seq": p.seq},
        then=lambda _p: scene_url(s) + "#photos-h",
        cancel_url=scene_url(s),
        submit_label=_("Add to the photo log"),
        breadcrumbs=_crumbs(s, (title, None)),
    )


@login_required
@require_GET
def photo_file(request: HttpRequest, scene: str, seq: int) -> HttpResponse | FileResponse:
    s = selectors.scene_for(request.user, scene)
    photo = selectors.photo_for(request.user, s, seq)
    return file_response(request, photo.stored)
