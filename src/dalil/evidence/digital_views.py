"""Digital evidence pages (EV-7): add an acquired file or image to a digital item, download it
(re-hashed by the vault, ledgered), and ask for a re-verification (a background job with a progress
bar). The item is opened through the door first (404 out of scope)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dalil import access
from dalil.core.views import file_response
from dalil.jobs import services as jobs
from dalil.ui.forms import form_page

from . import digital, selectors
from .forms import DigitalFileForm
from .views import _item_crumbs, item_url


@login_required
@require_http_methods(["GET", "POST"])
def file_add(request: HttpRequest, item: str) -> HttpResponse:
    it = selectors.item_for(request.user, item)
    if not digital.may_add(request.user, it):
        raise access.Denied(request.user, "work", it.case)
    title = _("Add a file or disk image to %(number)s") % {"number": it.number}
    return form_page(
        request,
        DigitalFileForm(request.POST or None, request.FILES or None),
        lambda data: digital.file_add(actor=request.user, item=it, **data),
        title=title,
        intro=_(
            "Dalil computes the file's hashes and keeps it only if they are the ones the "
            "acquiring tool recorded. It is then re-verified on a schedule, and whenever you ask."
        ),
        success=_("The file has been kept: its hashes match the acquisition."),
        then=lambda _f: item_url(it) + "#files-h",
        cancel_url=item_url(it),
        submit_label=_("Check and keep the file"),
        breadcrumbs=_item_crumbs(it, (title, None)),
    )


@login_required
@require_GET
def file_download(request: HttpRequest, item: str, pk: int) -> HttpResponse | FileResponse:
    it = selectors.item_for(request.user, item)
    return file_response(request, selectors.file_for(request.user, it, pk).stored)


@login_required
@require_POST
def file_verify(request: HttpRequest, item: str, pk: int) -> HttpResponse:
    it = selectors.item_for(request.user, item)
    found = selectors.file_for(request.user, it, pk)
    job = jobs.enqueue(actor=request.user, kind="evidence.verify_file", file=found.pk)
    return redirect("jobs:detail", job.pk)
