from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dalil import access
from dalil.core import vault
from dalil.core.models import StoredFile

from . import registry, services
from .models import Job
from .policies import VIEW_ALL
from .registry import JOB_FILE


def _visible(user: Any) -> Any:
    return access.scope(user, "view", Job.objects.select_related("owner", "unit"))


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    view_all = access.has_permission(request.user, VIEW_ALL)
    jobs = _visible(request.user)
    if not (view_all and request.GET.get("all") == "1"):
        jobs = jobs.filter(owner=request.user)
    page = Paginator(jobs.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    startable = [
        jt for jt in registry.all_types() if jt.startable and registry.may_start(request.user, jt)
    ]
    return render(
        request,
        "jobs/list.html",
        {
            "page": page,
            "startable": startable,
            "view_all": view_all,
            "showing_all": request.GET.get("all") == "1",
        },
    )


@login_required
@require_POST
def job_start(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    jt = next((t for t in registry.all_types() if t.code == kind and t.startable), None)
    if jt is None:
        messages.error(request, _("There is no such job."))
        return redirect("jobs:list")
    try:
        job = services.enqueue(actor=request.user, kind=kind)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("jobs:list")
    messages.success(request, _("Job started: %(label)s") % {"label": job.label})
    return redirect("jobs:list")


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = access.get_or_404(
        request.user, "view", Job.objects.select_related("owner", "unit"), pk=pk
    )
    lines = job.lines.all()
    admin = access.has_permission(request.user, VIEW_ALL)
    if not admin:
        lines = lines.filter(admin_only=False)
    return render(request, "jobs/detail.html", {"job": job, "lines": lines[:1000], "admin": admin})


@login_required
@require_GET
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx fragment: status, bar and actions of one job (polls itself until it finishes)."""
    job = access.get_or_404(
        request.user, "view", Job.objects.select_related("owner", "unit"), pk=pk
    )
    nxt = "detail" if request.GET.get("next") == "detail" else "list"
    return render(request, "jobs/_progress.html", {"job": job, "next": nxt})


def _back(request: HttpRequest, job: Job) -> HttpResponse:
    if request.POST.get("next") == "detail":
        return redirect("jobs:detail", pk=job.pk)
    return redirect("jobs:list")


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = access.get_or_404(request.user, "cancel", Job, pk=pk)
    try:
        job = services.cancel(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if job.status == Job.Status.CANCELLED:
            messages.success(request, _("The job was cancelled before it started."))
        else:
            messages.success(
                request, _("Cancelling: the job stops at its next step and changes nothing.")
            )
    return _back(request, job)


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = access.get_or_404(request.user, "retry", Job, pk=pk)
    try:
        new = services.retry(actor=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(request, job)
    messages.success(request, _("Started again as job %(n)s.") % {"n": new.pk})
    return redirect("jobs:detail", pk=new.pk)


@login_required
@require_GET
def job_file(request: HttpRequest, pk: int) -> FileResponse:
    """The file a finished job made (kept in the vault, attached to the job): for its owner only,
    re-hashed and the download on the ledger."""
    job = access.get_or_404(request.user, "download", Job, pk=pk)
    file_pk = job.result.get("file") if job.status == Job.Status.SUCCEEDED else None
    stored = (
        StoredFile.objects.filter(pk=file_pk, attached_to=JOB_FILE, uploaded_by=job.owner)
        .select_related("blob")
        .first()
        if isinstance(file_pk, int)
        else None
    )
    if stored is None:
        raise Http404
    response = FileResponse(
        vault.read_verified(actor=request.user, stored=stored),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
