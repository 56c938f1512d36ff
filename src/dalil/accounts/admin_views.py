"""Administration screens: units, users, roles. Every read goes through the access door."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dalil import access
from dalil.access import services as access_services
from dalil.access.forms import AssignmentForm, RoleForm
from dalil.access.models import Assignment, Role
from dalil.audit.selectors import annotate
from dalil.ui.forms import apply_errors
from dalil.ui.lists import render_list

from . import enrolment, selectors, services, throttle
from .filters import UnitFilter, UserFilter
from .forms import UnitEditForm, UnitForm, UserEditForm, UserForm
from .models import Unit, User


# --- Units ----------------------------------------------------------------------------------------
@login_required
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    """Units the reader may see: filters beside the table, sortable columns (dalil.ui.lists)."""
    filterset = UnitFilter(request.GET or None, queryset=selectors.unit_list(request.user))
    return render_list(
        request,
        "accounts/unit_list.html",
        filterset,
        {
            "breadcrumbs": [(_("Units"), None)],
        },
    )


@login_required
@require_GET
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_or_404(request.user, "view", Unit, code=code)
    return render(
        request,
        "accounts/unit_detail.html",
        {
            "unit": unit,
            "children": access.scope(request.user, "view", unit.children.all()),
            "users": access.scope(request.user, "view", unit.users.all()),
            "can_manage": access.can(request.user, "manage", unit),
            "can_add_unit": access.can(request.user, "add_unit", unit),
            "can_add_user": access.can(request.user, "add_user", unit),
            "history": annotate(selectors.history(request.user, unit)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest, code: str) -> HttpResponse:
    parent = access.get_or_404(request.user, "add_unit", Unit, code=code)
    form = UnitForm(request.POST or None, initial={"governorate": parent.governorate})
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The unit has been created."))
            return redirect("admin:unit_detail", code=unit.code)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": _("New unit under %(parent)s") % {"parent": parent},
            "cancel_url": parent and f"/admin/units/{parent.code}/",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_or_404(request.user, "manage", Unit, code=code)
    initial = {f: getattr(unit, f) for f in services.UNIT_FIELDS}
    form = UnitEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The unit has been saved."))
            return redirect("admin:unit_detail", code=unit.code)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": _("Change unit %(unit)s") % {"unit": unit},
            "cancel_url": f"/admin/units/{unit.code}/",
        },
    )


# --- Users ----------------------------------------------------------------------------------------
@login_required
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    """Users of the units the reader may see, filtered and sorted (dalil.ui.lists)."""
    filterset = UserFilter(
        request.GET or None, queryset=selectors.user_list(request.user), actor=request.user
    )
    return render_list(
        request,
        "accounts/user_list.html",
        filterset,
        {
            "breadcrumbs": [(_("Users"), None)],
        },
    )


@login_required
@require_GET
def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    subject = access.get_or_404(request.user, "view", User, username=username)
    can_manage = access.can(request.user, "manage", subject)
    assignments = access.scope(request.user, "view", Assignment.objects.filter(user=subject))
    form = AssignmentForm(actor=request.user) if can_manage else None
    return render(
        request,
        "accounts/user_detail.html",
        {
            "subject": subject,
            "can_manage": can_manage,
            "assignments": assignments.select_related("role", "unit"),
            "own_assignments": Assignment.objects.filter(user=subject).count(),
            "assign_form": form,
            "has_mfa": selectors.has_mfa(subject),
            "enrolled": selectors.has_mfa(subject) or subject.has_usable_password(),
            "pending": enrolment.pending(subject) if can_manage else None,
            "recent_failures": throttle.recent_failures(subject.username) if can_manage else 0,
            "history": annotate(selectors.history(request.user, subject)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest, code: str) -> HttpResponse:
    unit = access.get_or_404(request.user, "add_user", Unit, code=code)
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.user_create(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The user has been created."))
            return _show_once(request, issued)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": _("New user in %(unit)s") % {"unit": unit},
            "cancel_url": f"/admin/units/{unit.code}/",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, username: str) -> HttpResponse:
    subject = access.get_or_404(request.user, "manage", User, username=username)
    initial = {f: getattr(subject, f) for f in services.USER_FIELDS}
    form = UserEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=subject, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The user has been saved."))
            return redirect("admin:user_detail", username=subject.username)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": _("Change user %(user)s") % {"user": subject},
            "cancel_url": f"/admin/users/{subject.username}/",
        },
    )


@login_required
@require_POST
def user_unlock(request: HttpRequest, username: str) -> HttpResponse:
    subject = access.get_or_404(request.user, "manage", User, username=username)
    services.user_unlock(actor=request.user, user=subject)
    messages.success(
        request, _("The failed sign-ins have been cleared. The user can sign in again.")
    )
    return redirect("admin:user_detail", username=subject.username)


def _show_once(request: HttpRequest, issued: enrolment.Issued) -> HttpResponse:
    """The one-time code, in the response to the POST that made it: never stored, never shown
    again (the middleware marks every page no-store)."""
    return render(request, "accounts/enrolment_issued.html", {"issued": issued})


def _reset(request: HttpRequest, username: str, what: str) -> HttpResponse:
    subject = access.get_or_404(request.user, "manage", User, username=username)
    try:
        issued = services.user_credentials_reset(actor=request.user, user=subject, what=what)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("admin:user_detail", username=subject.username)
    return _show_once(request, issued)


@login_required
@require_POST
def user_password_reset(request: HttpRequest, username: str) -> HttpResponse:
    return _reset(request, username, "password")


@login_required
@require_POST
def user_mfa_reset(request: HttpRequest, username: str) -> HttpResponse:
    return _reset(request, username, "second_factor")


@login_required
@require_POST
def user_enrolment_renew(request: HttpRequest, username: str) -> HttpResponse:
    return _reset(request, username, "new_code")


@login_required
@require_POST
def user_assign(request: HttpRequest, username: str) -> HttpResponse:
    subject = access.get_or_404(request.user, "manage", User, username=username)
    form = AssignmentForm(request.POST, actor=request.user)
    if form.is_valid():
        try:
            granted = access_services.assignment_grant(
                actor=request.user, user=subject, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _granted_message(granted.pending))
    else:
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("admin:user_detail", username=subject.username)


@login_required
@require_POST
def assignment_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = access.get_or_404(request.user, "manage", Assignment, pk=pk)
    username = assignment.user.username
    access_services.assignment_revoke(actor=request.user, assignment=assignment)
    messages.success(request, _("The role has been withdrawn."))
    return redirect("admin:user_detail", username=username)


def _waiting_message() -> str:
    return _(
        "Permissions that open case or internal-affairs records wait for a second person: they are in force only once approved on the page “Grant requests”."
    )


def _granted_message(pending: bool) -> str:
    if pending:
        return _(
            "The role has been asked for. It opens nothing until a second person approves it on the page “Grant requests”."
        )
    return _("The role has been granted.")


# --- Roles ----------------------------------------------------------------------------------------
@login_required
@require_GET
def role_list(request: HttpRequest) -> HttpResponse:
    access.require_permission(request.user, "access.role.view")
    from dalil.access.selectors import role_list as roles

    return render(
        request,
        "accounts/role_list.html",
        {
            "roles": roles(request.user),
            "can_manage": access.has_permission(request.user, "access.role.manage"),
        },
    )


@login_required
@require_GET
def role_detail(request: HttpRequest, code: str) -> HttpResponse:
    role = access.get_or_404(request.user, "view", Role, code=code)
    waiting = dict(role.permissions.values_list("code", "approved_at"))
    perms = [
        {"perm": p, "pending": waiting[c] is None}
        for c, p in sorted(access.door.PERMISSIONS.items())
        if c in waiting
    ]
    return render(
        request,
        "accounts/role_detail.html",
        {
            "role": role,
            "perms": perms,
            "can_manage": access.can(request.user, "manage", role),
            "history": annotate(selectors.history(request.user, role)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def role_create(request: HttpRequest) -> HttpResponse:
    access.require_permission(request.user, "access.role.manage")
    form = RoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            role = access_services.role_create(
                actor=request.user, permissions=set(data.pop("permissions")), **data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The role has been created."))
            if role.permissions.filter(approved_at__isnull=True).exists():
                messages.warning(request, _waiting_message())
            return redirect("admin:role_detail", code=role.code)
    return render(
        request,
        "ui/form_page.html",
        {"form": form, "title": _("New role"), "cancel_url": "/admin/roles/"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def role_edit(request: HttpRequest, code: str) -> HttpResponse:
    role = access.get_or_404(request.user, "manage", Role, code=code)
    initial = {
        "code": role.code,
        "name_ar": role.name_ar,
        "name_en": role.name_en,
        "name_ckb": role.name_ckb,
        "description": role.description,
        "permissions": list(role.permissions.values_list("code", flat=True)),
    }
    form = RoleForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        data.pop("code", None)
        try:
            access_services.role_update(
                actor=request.user, role=role, permissions=set(data.pop("permissions")), **data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The role has been saved."))
            if role.permissions.filter(approved_at__isnull=True).exists():
                messages.warning(request, _waiting_message())
            return redirect("admin:role_detail", code=role.code)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": _("Change role %(role)s") % {"role": role},
            "cancel_url": f"/admin/roles/{role.code}/",
        },
    )
