from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from dalil import access
from dalil.accounts.models import Unit
from dalil.ui.forms import BootstrapForm, apply_errors

from . import vault
from .models import StoredFile


class UploadForm(BootstrapForm):
    unit: forms.ModelChoiceField = forms.ModelChoiceField(
        label=gettext_lazy("Unit"), queryset=Unit.objects.none()
    )
    file = forms.FileField(label=gettext_lazy("File"), allow_empty_file=True)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=500, required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = access.units_with(actor, "core.file.upload")  # type: ignore[attr-defined]


@login_required
@require_GET
def file_list(request: HttpRequest) -> HttpResponse:
    files = access.scope(
        request.user, "view", StoredFile.objects.select_related("unit", "uploaded_by")
    )
    page = Paginator(files, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/file_list.html",
        {
            "page": page,
            "can_upload": access.has_permission(request.user, "core.file.upload"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def file_upload(request: HttpRequest) -> HttpResponse:
    access.require_permission(request.user, "core.file.upload")
    form = UploadForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            stored = vault.file_store(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            apply_errors(form, exc, default_field="file")
        else:
            messages.success(request, _("Stored. SHA-256: %(sha)s") % {"sha": stored.blob_id})
            return redirect("core:file_list")
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": _("Upload a file to the vault"),
            "submit_label": _("Upload"),
            "cancel_url": "/vault/",
            "intro": _(
                "The file is stored under its SHA-256 fingerprint and can never be changed afterwards."
            ),
        },
    )


@login_required
@require_GET
def file_download(request: HttpRequest, pk: int) -> HttpResponse | FileResponse:
    stored = access.get_or_404(request.user, "view", StoredFile, pk=pk)
    return file_response(request, stored)


def file_response(request: HttpRequest, stored: StoredFile) -> HttpResponse | FileResponse:
    """Send a stored file the caller's view has already opened through the door (directly, or
    through the record it belongs to): re-hashed, ledgered, as an attachment that cannot run."""
    try:
        fh = vault.read_verified(actor=request.user, stored=stored)
    except vault.VaultIntegrityError:
        return render(
            request,
            "ui/error.html",
            {
                "title": _("Integrity alarm"),
                "message": _(
                    "This file no longer matches its fingerprint. It has not been sent; the alarm is on the ledger."
                ),
            },
            status=409,
        )
    response = FileResponse(
        fh,
        as_attachment=True,
        filename=stored.original_name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
