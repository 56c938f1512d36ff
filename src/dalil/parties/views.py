"""Pages for persons and entities. Every read goes through the door; every write through a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dalil import access
from dalil.ui import panels
from dalil.ui.forms import apply_errors, form_page
from dalil.ui.lists import render_list

from . import picker, selectors, services
from .filters import EntityFilter
from .forms import ENTITY_FORMS, AliasForm, DocumentForm, LinkForm, PersonEditForm, PersonForm
from .models import ENTITY_MODELS, ENTITY_TYPE_CHOICES, Entity, Person
from .picker import picked

VIEW = "parties.entity.view"
MANAGE = "parties.entity.manage"
TYPE_LABELS = dict(ENTITY_TYPE_CHOICES)


def _kind(kind: str) -> type[Entity]:
    model = ENTITY_MODELS.get(kind)
    if model is None:
        raise Http404(_("Not found."))
    return model


@login_required
@require_GET
def entity_list(request: HttpRequest) -> HttpResponse:
    access.require_permission(request.user, VIEW)
    kind = request.GET.get("type") or "person"
    if kind not in ENTITY_MODELS:
        kind = "person"
    model = ENTITY_MODELS[kind]
    qs = access.scope(request.user, "view", model._default_manager.select_related("unit"))
    data = request.GET.copy() if request.GET else None
    if data is not None:
        data.setdefault("type", kind)
    filterset = EntityFilter(data, queryset=qs, actor=request.user)
    return render_list(
        request,
        "parties/entity_list.html",
        filterset,
        {
            "kind": kind,
            "kind_label": TYPE_LABELS[kind],
            "types": ENTITY_TYPE_CHOICES,
            "can_manage": access.has_permission(request.user, MANAGE),
            "breadcrumbs": [(_("Persons and entities"), None)],
        },
    )


def _person_values(data: dict[str, Any]) -> dict[str, Any]:
    return {k: data[k] for k in services.PERSON_FIELDS if k in data}


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    access.require_permission(request.user, MANAGE)
    form = PersonForm(request.POST or None, actor=request.user)
    candidates: list[Person] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_create(
                actor=request.user,
                unit=data["unit"],
                aliases=[a for a in data["aliases"].splitlines() if a.strip()],
                confirm_duplicate=data["confirm_duplicate"],
                **_person_values(data),
            )
        except services.DuplicatePerson as exc:
            candidates = exc.candidates
            form.add_error(None, exc.messages)
        except ValidationError as exc:
            apply_errors(form, exc, default_field="birth_year")
        else:
            messages.success(request, _("The person has been recorded."))
            return redirect("parties:person_detail", pk=person.pk)
    return render(
        request,
        "parties/person_form.html",
        {"form": form, "title": _("Record a person"), "candidates": candidates, "creating": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_or_404(request.user, "manage", Person, pk=pk)
    initial = {f: getattr(person, f) for f in services.PERSON_FIELDS}
    form = PersonEditForm(request.POST or None, initial=initial, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(
                actor=request.user, person=person, **_person_values(form.cleaned_data)
            )
        except ValidationError as exc:
            apply_errors(form, exc, default_field="birth_year")
        else:
            messages.success(request, _("The person has been saved."))
            return redirect("parties:person_detail", pk=person.pk)
    return render(
        request,
        "parties/person_form.html",
        {"form": form, "title": _("Change %(name)s") % {"name": person}, "person": person},
    )


@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_or_404(request.user, "view", Person.objects.select_related("unit"), pk=pk)
    links = selectors.linked(request.user, person)
    return render(
        request,
        "parties/person_detail.html",
        {
            "person": person,
            "aliases": person.aliases.all(),
            "documents": person.documents.all(),
            "phones": [x for x in links if x.other.TYPE == "phone"],
            "accounts": [x for x in links if x.other.TYPE == "account"],
            "vehicles": [x for x in links if x.other.TYPE == "vehicle"],
            "addresses": [x for x in links if x.other.TYPE == "address"],
            "links": links,
            "panels": panels.panels_for("parties.entity", request, person),
            "can_manage": access.can(request.user, "manage", person),
            "alias_form": AliasForm(),
            "history": selectors.history(request.user, person),
            "breadcrumbs": [(_("Persons and entities"), "/parties/"), (str(person), None)],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def alias_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_or_404(request.user, "manage", Person, pk=pk)
    return form_page(
        request,
        AliasForm(request.POST or None),
        lambda d: services.alias_add(actor=request.user, person=person, name=d["name"]),
        title=_("Add an alias to %(name)s") % {"name": person},
        success=_("The alias has been added."),
        then=person.get_absolute_url(),
        cancel_url=person.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = access.get_or_404(request.user, "manage", Person, pk=pk)
    return form_page(
        request,
        DocumentForm(request.POST or None),
        lambda d: services.document_add(actor=request.user, person=person, **d),
        title=_("Add an identity document to %(name)s") % {"name": person},
        success=_("The document has been added."),
        then=person.get_absolute_url(),
        cancel_url=person.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def entity_create(request: HttpRequest, kind: str) -> HttpResponse:
    if kind == "person":
        return redirect("parties:person_create")
    _kind(kind)
    access.require_permission(request.user, MANAGE)
    form = ENTITY_FORMS[kind](request.POST or None, actor=request.user)  # type: ignore[call-arg]
    return form_page(
        request,
        form,
        lambda d: services.entity_create(actor=request.user, entity_type=kind, **d),
        title=_("Record: %(type)s") % {"type": TYPE_LABELS[kind]},
        success=_("The record has been saved."),
        then=lambda obj: obj.get_absolute_url(),
        cancel_url=f"/parties/?type={kind}",
    )


@login_required
@require_http_methods(["GET", "POST"])
def entity_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind == "person":
        return redirect("parties:person_edit", pk=pk)
    obj = access.get_or_404(request.user, "manage", _kind(kind), pk=pk)
    initial = {f: getattr(obj, f) for f in services.FIELDS[kind]}
    form = ENTITY_FORMS[kind](request.POST or None, initial=initial, actor=request.user)  # type: ignore[call-arg]
    del form.fields["unit"]
    return form_page(
        request,
        form,
        lambda d: services.entity_update(actor=request.user, obj=obj, **d),
        title=_("Change %(record)s") % {"record": obj},
        success=_("The record has been saved."),
        then=obj.get_absolute_url(),
        cancel_url=obj.get_absolute_url(),
    )


@login_required
@require_GET
def entity_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind == "person":
        return redirect("parties:person_detail", pk=pk)
    model = _kind(kind)
    obj = access.get_or_404(
        request.user, "view", model._default_manager.select_related("unit"), pk=pk
    )
    fields = [
        (getattr(model._meta.get_field(f), "verbose_name", f), getattr(obj, f))
        for f in services.FIELDS[kind]
        if getattr(obj, f) not in (None, "")
    ]
    return render(
        request,
        "parties/entity_detail.html",
        {
            "obj": obj,
            "kind": kind,
            "kind_label": TYPE_LABELS[kind],
            "fields": fields,
            "links": selectors.linked(request.user, obj),
            "panels": panels.panels_for("parties.entity", request, obj),
            "can_manage": access.can(request.user, "manage", obj),
            "history": selectors.history(request.user, obj),
            "breadcrumbs": [
                (_("Persons and entities"), f"/parties/?type={kind}"),
                (str(obj), None),
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def link_create(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    source = access.get_or_404(request.user, "manage", _kind(kind), pk=pk)

    def save(d: dict[str, Any]) -> Any:
        return services.link_create(
            actor=request.user,
            source_entity=source,
            link_type=d["link_type"],
            target=picked(request.user, d["target"], "target"),
            source=d["source"],
            reliability=d["reliability"],
            credibility=d["credibility"],
            note=d["note"],
        )

    return form_page(
        request,
        LinkForm(request.POST or None, actor=request.user),
        save,
        title=_("Link %(record)s to another record") % {"record": source},
        intro=_(
            "Grade the source (A–F) and the information (1–6) separately: a reliable source "
            "can pass on doubtful information."
        ),
        success=_("The link has been recorded."),
        then=source.get_absolute_url(),
        cancel_url=source.get_absolute_url(),
    )


@login_required
@require_GET
def entity_pick(request: HttpRequest) -> HttpResponse:
    """Matches for the search-as-you-type picker (`picker.EntityField`), as radio buttons."""
    field = request.GET.get("field", "")
    if not field.isidentifier():
        field = "entity"
    kinds = [k for k in request.GET.get("kinds", "").split(",") if k in ENTITY_MODELS]
    text = request.GET.get("q", "")[:100]
    return render(
        request,
        "parties/_pick_results.html",
        {
            "results": picker.find(request.user, text, kinds or list(ENTITY_MODELS)),
            "field": field,
            "searched": len(text.strip()) >= 2,
        },
    )
