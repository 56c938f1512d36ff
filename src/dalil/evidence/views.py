"""Evidence register pages (EV-1, EV-3, EV-4). Items are opened through the door first (out of
scope answers 404); rows through the selectors; writes through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dalil import access
from dalil.accounts import auth
from dalil.accounts.models import User
from dalil.accounts.selectors import history
from dalil.audit.selectors import annotate
from dalil.cases.navigation import case_crumbs, case_url, closed_redirect
from dalil.cases.selectors import case_for
from dalil.cases.services import closed_message
from dalil.jobs import services as jobs_services
from dalil.reports.views import pdf_response
from dalil.ui.forms import apply_errors, form_page
from dalil.ui.lists import render_list

from . import custody_report, digital, disposal, inventory, labels, selectors, services
from .filters import ItemFilter
from .forms import (
    ItemForm,
    LabelForm,
    LabelsForm,
    LocationForm,
    ReceiveForm,
    ReceiveHereForm,
    ReleaseForm,
    WithdrawForm,
)
from .models import Item
from .policies import ITEM_VIEW


def item_url(item: Item) -> str:
    return reverse("evidence:item_detail", args=[item.number])


def after(request: HttpRequest) -> Callable[[Item], str]:
    """Where a step leads: the item, or the reader's own list when the step took the item out of
    their sight (a declined hand-over, an item handed to another unit)."""

    def then(item: Item) -> str:
        if access.can(request.user, "view", item):
            return item_url(item)
        return reverse("evidence:awaiting")

    return then


def _crumbs(*tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Evidence register"), reverse("evidence:list")), *tail]


def _item_crumbs(item: Item, *tail: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return _crumbs((item.number, item_url(item) if tail else None), *tail)


# --- The register ---------------------------------------------------------------------------------
@login_required
@require_GET
def item_list(request: HttpRequest) -> HttpResponse:
    access.require_permission(request.user, ITEM_VIEW)
    filterset = ItemFilter(request.GET or None, queryset=selectors.item_list(request.user))
    return render_list(
        request,
        "evidence/item_list.html",
        filterset,
        {"breadcrumbs": _crumbs()},
    )


@login_required
@require_GET
def find(request: HttpRequest) -> HttpResponse:
    """A scanned or typed item number (a label's QR code carries the item's address; a handheld
    scanner types the number): straight to the item, or back with "not found"."""
    try:
        code = services.scanned_code(request.GET.get("code", ""))
    except ValidationError:
        code = ""
    item = selectors.item_list(request.user).filter(number=code).first() if code else None
    if item is None:
        messages.error(request, _("No item you may see has this number."))
        back = request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return redirect(back if back and safe else reverse("evidence:awaiting"))
    return redirect(item_url(item))


@login_required
@require_GET
def awaiting(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "evidence/awaiting.html",
        {
            "incoming": list(selectors.awaiting(request.user).order_by("number")[:200]),
            "held": list(selectors.held_by(request.user).order_by("number")[:200]),
            "breadcrumbs": [(_("Items awaiting my receipt"), None)],
        },
    )


# --- One item -------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def item_create(request: HttpRequest, number: str) -> HttpResponse:
    """Case work; or the lead officer of one of the case's scenes, for what they collect there."""
    case = case_for(request.user, number)
    scenes = selectors.scenes_of(request.user, case)
    works = access.can(request.user, "work", case)
    if not works:
        scenes = scenes.filter(lead_officer=request.user.pk)
        if not scenes.exists():
            raise access.Denied(request.user, "work", case)
    closed = closed_redirect(request, case, case_url(case), closed_message())
    if closed:
        return closed
    initial = {}
    at_scene = scenes.filter(number=request.GET.get("scene", "")[:40]).first()
    if at_scene is not None:
        initial = {"scene": at_scene.pk, "collected_from": at_scene.address}
    return form_page(
        request,
        ItemForm(request.POST or None, initial=initial, scenes=scenes, scene_required=not works),
        lambda data: services.item_record(actor=request.user, case=case, **data),
        title=_("Record an evidence item in %(number)s") % {"number": case.number},
        intro=_(
            "The item gets the next number of the agency's register and is held by you until you "
            "hand it over."
        ),
        success=lambda item: (
            _("Item %(number)s recorded. You hold it until you hand it over.")
            % {"number": item.number}
        ),
        then=item_url,
        cancel_url=case_url(case),
        submit_label=_("Record the item"),
        breadcrumbs=case_crumbs(case, (_("Record an evidence item"), None)),
    )


@login_required
@require_GET
def item_detail(request: HttpRequest, item: str) -> HttpResponse:
    it = selectors.item_for(request.user, item)
    actor = request.user
    dispositions = list(selectors.dispositions_of(actor, it))
    pending = next((d for d in dispositions if d.is_open), None)
    return render(
        request,
        "evidence/item_detail.html",
        {
            "item": it,
            "custody": list(selectors.custody_of(actor, it)),
            "case_visible": access.can(actor, "view", it.case),
            "may_release": services.may_release(actor, it),
            "may_receive": services.may_receive(actor, it),
            "may_withdraw": services.may_withdraw(actor, it),
            "dispositions": dispositions,
            "files": selectors.files_of(actor, it) if it.category == "digital" else [],
            "may_add_file": digital.may_add(actor, it),
            "disposition": pending,
            "may_request_disposition": pending is None and disposal.may_request(actor, it),
            "may_decide": pending is not None and disposal.may_decide(actor, pending),
            "may_execute": pending is not None and disposal.may_execute(actor, pending),
            "may_withdraw_disposition": pending is not None
            and pending.requested_by_id == getattr(actor, "pk", None),
            "history": annotate(history(actor, it)),
            "breadcrumbs": _item_crumbs(it),
        },
    )


def _write(
    request: HttpRequest,
    form: Any,
    it: Item,
    save: Callable[[dict[str, Any]], Any],
    *,
    title: str,
    success: str,
    submit_label: str,
    intro: str = "",
) -> HttpResponse:
    """The hand-over forms: a conflict (someone else moved the item) goes above the form."""
    return form_page(
        request,
        form,
        save,
        title=title,
        intro=intro,
        success=success,
        then=after(request),
        cancel_url=item_url(it),
        submit_label=submit_label,
        breadcrumbs=_item_crumbs(it, (title, None)),
        conflicts=(services.Conflict,),
    )


@login_required
@require_http_methods(["GET", "POST"])
def release(request: HttpRequest, item: str) -> HttpResponse:
    it = selectors.item_for(request.user, item)
    form = ReleaseForm(
        request.POST or None,
        initial={"version": it.version},
        receivers=selectors.receivers_for(request.user, it),
        locations=selectors.locations_for_item(request.user, it),
    )
    return _write(
        request,
        form,
        it,
        lambda data: services.transfer_release(actor=request.user, item=it, **data),
        title=_("Hand over %(number)s") % {"number": it.number},
        intro=_(
            "The item stays yours until the receiver confirms with their own password or code, "
            "here or later from their own session."
        ),
        success=_("Handed over: the item is in transit until the receiver confirms."),
        submit_label=_("Hand over"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def receive(request: HttpRequest, item: str) -> HttpResponse:
    """The receiver confirms from their own session."""
    it = selectors.item_for(request.user, item)
    return _write(
        request,
        ReceiveForm(request.POST or None, initial={"version": it.version}),
        it,
        lambda data: services.transfer_confirm(actor=request.user, item=it, **data),
        title=_("Confirm receipt of %(number)s") % {"number": it.number},
        intro=_("Check the seal before you confirm: from now on you answer for the item."),
        success=_("Receipt confirmed."),
        submit_label=_("Confirm receipt"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def receive_here(request: HttpRequest, item: str) -> HttpResponse:
    """The receiver confirms on this screen (the releaser's) with their own credential."""
    it = selectors.item_for(request.user, item)
    form = ReceiveHereForm(request.POST or None, initial={"version": it.version})
    title = _("Receiver confirms %(number)s here") % {"number": it.number}
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        # Only the person (or a custodian of the store) the item is being handed to can confirm:
        # for anyone else the answer is the same as for a wrong password, so this screen never
        # tells its owner whether a colleague's password is right.
        receiver = auth.verify_in_person(
            request,
            data.pop("username"),
            data.pop("secret"),
            allowed=lambda user: services.may_receive(user, it),
        )
        if receiver is None:
            form.add_error(
                "secret",
                _(
                    "The user name and password or code do not match, or too many attempts were made."
                ),
            )
        else:
            try:
                screen = request.user if isinstance(request.user, User) else None
                services.transfer_confirm(actor=receiver, item=it, on_session_of=screen, **data)
            except services.Conflict as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Receipt confirmed by %(name)s.") % {"name": receiver.full_name},
                )
                return redirect(after(request)(it))
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": title,
            "intro": _("The receiver types their own user name and password or code."),
            "cancel_url": item_url(it),
            "submit_label": _("Confirm receipt"),
            "breadcrumbs": _item_crumbs(it, (title, None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, item: str) -> HttpResponse:
    it = selectors.item_for(request.user, item)
    return _write(
        request,
        WithdrawForm(request.POST or None, initial={"version": it.version}),
        it,
        lambda data: services.transfer_withdraw(actor=request.user, item=it, **data),
        title=_("Withdraw or decline the hand-over of %(number)s") % {"number": it.number},
        success=_("The hand-over was withdrawn: the item stays with its holder."),
        submit_label=_("Withdraw the hand-over"),
    )


# --- Storage locations ----------------------------------------------------------------------------
@login_required
@require_GET
def location_list(request: HttpRequest) -> HttpResponse:
    access.require_permission(request.user, ITEM_VIEW)
    return render(
        request,
        "evidence/location_list.html",
        {
            "locations": list(
                selectors.location_list(request.user).order_by("unit__code", "code")[:500]
            ),
            "may_create": selectors.custodian_units(request.user).exists(),
            "breadcrumbs": _crumbs((_("Storage locations"), None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def location_create(request: HttpRequest) -> HttpResponse:
    units = selectors.custodian_units(request.user)
    if not units.exists():
        access.require_permission(request.user, services.CUSTODY_MANAGE)
    form = LocationForm(
        request.POST or None,
        units=units.order_by("code"),
        parents=selectors.location_list(request.user).filter(unit__in=units),
    )
    return form_page(
        request,
        form,
        lambda data: services.location_create(actor=request.user, **data),
        title=_("New storage location"),
        success=_("The storage location has been created."),
        then=lambda loc: reverse("evidence:location_detail", args=[loc.pk]),
        cancel_url=reverse("evidence:location_list"),
        breadcrumbs=_crumbs(
            (_("Storage locations"), reverse("evidence:location_list")),
            (_("New storage location"), None),
        ),
    )


@login_required
@require_GET
def location_detail(request: HttpRequest, pk: int) -> HttpResponse:
    location = selectors.location_for(request.user, pk)
    items = selectors.item_list(request.user).filter(holder_location=location)
    return render(
        request,
        "evidence/location_detail.html",
        {
            "location": location,
            "items": list(items.order_by("number")[:500]),
            "audits": list(selectors.audits_of(request.user, location)[:50]),
            "may_audit": inventory.may_audit(request.user, location),
            "breadcrumbs": _crumbs(
                (_("Storage locations"), reverse("evidence:location_list")),
                (str(location), None),
            ),
        },
    )


# --- For the court (EV-6) -------------------------------------------------------------------------
def _confirm_page(
    request: HttpRequest, it: Item, title: str, intro: str, label: str
) -> HttpResponse:
    """GET names what will happen; POST issues (a document number or an export is consumed and
    ledgered only when someone asks, never by a link prefetch)."""
    return render(
        request,
        "ui/form_page.html",
        {
            "form": forms.Form(),
            "title": title,
            "intro": intro,
            "submit_label": label,
            "cancel_url": item_url(it),
            "breadcrumbs": _item_crumbs(it, (title, None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, item: str) -> HttpResponse:
    it = selectors.item_for(request.user, item)
    long_chain = custody_report.event_count(it) > custody_report.SYNC_EVENTS
    if request.method == "POST":
        if not long_chain:
            return pdf_response(custody_report.custody_report(actor=request.user, item=it))
        job = jobs_services.enqueue(actor=request.user, kind="evidence.custody_report", item=it.pk)
        messages.info(
            request,
            _("The report is being prepared; download it from this page when it is ready."),
        )
        return redirect("jobs:detail", pk=job.pk)
    text = _(
        "Dalil will issue a numbered PDF for the court with every custody event of this item, "
        "its ledger entry and hashes, and the signed checkpoint that covers them. Issuing it "
        "is itself recorded on the ledger."
    )
    if long_chain:
        text += " " + _(
            "This chain is long: the PDF is prepared in the background, and its page shows the "
            "progress and the download."
        )
    return _confirm_page(
        request,
        it,
        _("Chain of custody report of %(number)s") % {"number": it.number},
        text,
        _("Issue the PDF"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def bundle(request: HttpRequest, item: str) -> HttpResponse:
    it = selectors.item_for(request.user, item)
    if request.method == "POST":
        data, _manifest = custody_report.custody_bundle(actor=request.user, item=it)
        return _download(data, "application/zip", f"custody-{it.number}.zip")
    return _confirm_page(
        request,
        it,
        _("Custody bundle of %(number)s") % {"number": it.number},
        _(
            "A zip file that anyone can check offline, without Dalil: the item's ledger entries, "
            "the Merkle path that proves each of them to be in the signed ledger, the signed "
            "checkpoint, the custody events and the verifier (python3 verify_ledger.py "
            "bundle.zip). The export is recorded on the ledger."
        ),
        _("Download the bundle"),
    )


# --- Labels (EV-2) --------------------------------------------------------------------------------
def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    """A file to save, never to be sniffed or cached (the file name is ours: an item number)."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def label(request: HttpRequest, item: str) -> HttpResponse:
    it = selectors.item_for(request.user, item)
    form = LabelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = labels.labels_pdf(actor=request.user, items=[it], size=form.cleaned_data["size"])
        return _download(data, "application/pdf", f"label-{it.number}.pdf")
    title = _("Label of %(number)s") % {"number": it.number}
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": title,
            "submit_label": _("Print the label"),
            "cancel_url": item_url(it),
            "breadcrumbs": _item_crumbs(it, (title, None)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def label_batch(request: HttpRequest) -> HttpResponse:
    """Labels of several items: their numbers typed or scanned in, or those of a case."""
    initial = {}
    case_number = request.GET.get("case", "")[:60]
    if case_number:
        case = case_for(request.user, case_number)
        initial["numbers"] = "\n".join(
            selectors.items_of_case(request.user, case).values_list("number", flat=True)
        )
    form = LabelsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        wanted: list[str] = []
        bad: list[str] = []
        for raw in form.cleaned_data["numbers"].replace(",", " ").split():
            try:
                code = services.code_of(raw[:40])
            except ValidationError:
                code = ""
            (wanted if code else bad).append(code or raw[:40])
        wanted = list(dict.fromkeys(wanted))
        found = {i.number: i for i in selectors.item_list(request.user).filter(number__in=wanted)}
        bad += [n for n in wanted if n not in found]
        if bad:
            form.add_error(
                "numbers",
                _("These are not numbers of items you may see: %(numbers)s")
                % {"numbers": ", ".join(bad[:20])},
            )
        elif len(wanted) > labels.MAX_LABELS:
            form.add_error(
                "numbers", _("At most %(n)d labels at a time.") % {"n": labels.MAX_LABELS}
            )
        elif not wanted:
            form.add_error("numbers", _("Give at least one item number."))
        else:
            items = [found[n] for n in wanted]
            data = labels.labels_pdf(
                actor=request.user, items=items, size=form.cleaned_data["size"]
            )
            return _download(data, "application/pdf", "labels.pdf")
    title = _("Print evidence labels")
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": title,
            "submit_label": _("Print the labels"),
            "cancel_url": reverse("evidence:awaiting"),
            "breadcrumbs": [(title, None)],
        },
    )
