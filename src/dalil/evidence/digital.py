"""Digital evidence (EV-7): the files and disk images of a digital item, kept in the vault with the
hashes the acquiring tool recorded, and re-verified — on demand as a background job with progress,
and on the worker's schedule — each verification a row of its own and an entry on the ledger.

A file is accepted only if its SHA-256 (and its MD5 and SHA-1, when the tool recorded them) are the
ones declared: what goes into the vault is the acquired file, or nothing. Hashing a large image
happens outside any transaction; the verdict is written in one short durable transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dalil import access, audit
from dalil.audit.ledger import System
from dalil.core import vault
from dalil.core.records import acting_user
from dalil.jobs.registry import job_type, periodic

from .models import Category, DigitalFile, FileVerification, Item
from .services import _answers_for, _text, _when

CHUNK = 4 * 1024 * 1024
HEX = frozenset("0123456789abcdef")
LENGTHS = {"sha256": 64, "md5": 32, "sha1": 40}
# The schedule: every file is re-verified when its last verification is older than this.
REVERIFY_AFTER_DAYS = 30
REVERIFY_PER_PASS = 20


def _own_transaction() -> None:
    """These services hash outside any transaction, then decide in their own durable one: called
    inside someone else's transaction they refuse before reading a byte (ARCHITECTURE rule 7), as
    the durable block itself would (and as it does not under a test case's wrapping block)."""
    with transaction.atomic(durable=True):
        pass


def may_add(actor: Any, item: Item) -> bool:
    """Whoever works on the case, or holds the item (the examiner who imaged the device)."""
    if item.category != Category.DIGITAL or item.state == Item.State.DISPOSED:
        return False
    return access.can(actor, "work", item.case) or _answers_for(
        actor, item.holder_user_id, item.holder_location
    )


def _hex(field: str, value: str, *, required: bool = False) -> str:
    value = (value or "").strip().lower()
    if not value:
        if required:
            raise ValidationError({field: _("Give the hash the acquiring tool recorded.")})
        return ""
    if len(value) != LENGTHS[field] or not set(value) <= HEX:
        raise ValidationError(
            {
                field: _("This is not a %(kind)s hash (%(n)d hexadecimal characters).")
                % {"kind": field.upper().replace("SHA", "SHA-"), "n": LENGTHS[field]}
            }
        )
    return value


def hashes(chunks: Any) -> dict[str, Any]:
    """SHA-256, MD5 and SHA-1 of a stream, in one pass."""
    found = {
        "sha256": hashlib.sha256(),
        "md5": hashlib.md5(usedforsecurity=False),
        "sha1": hashlib.sha1(usedforsecurity=False),
    }
    size = 0
    for chunk in chunks:
        size += len(chunk)
        for h in found.values():
            h.update(chunk)
    return {"size": size, **{k: h.hexdigest() for k, h in found.items()}}


def file_add(
    *,
    actor: Any,
    item: Item,
    upload: Any,
    sha256: str,
    acquired_by: str,
    acquired_at: dt.datetime | None = None,
    md5: str = "",
    sha1: str = "",
    tool: str = "",
    notes: str = "",
) -> DigitalFile:
    """Keep an acquired file of a digital item, after checking it is the file the tool hashed."""
    _own_transaction()
    declared = {
        "sha256": _hex("sha256", sha256, required=True),
        "md5": _hex("md5", md5),
        "sha1": _hex("sha1", sha1),
    }
    if upload is None:
        raise ValidationError({"upload": _("Choose the file.")})
    size = getattr(upload, "size", None)
    if size is not None and size > settings.DALIL_VAULT_MAX_BYTES:
        raise ValidationError(
            {
                "upload": _("The file is larger than the limit of %(mb)d MB.")
                % {"mb": settings.DALIL_VAULT_MAX_BYTES // (1024 * 1024)}
            }
        )
    upload.seek(0)
    computed = hashes(upload.chunks(CHUNK))
    upload.seek(0)
    for kind, value in declared.items():
        if value and value != computed[kind]:
            raise ValidationError(
                {
                    kind: _(
                        "The file's %(kind)s is %(computed)s, not the one declared: this is not the "
                        "acquired file, or it was changed since. Nothing was kept."
                    )
                    % {"kind": kind.upper().replace("SHA", "SHA-"), "computed": computed[kind]}
                }
            )
    with transaction.atomic(durable=True):
        current = Item.objects.select_for_update().select_related("case").get(pk=item.pk)
        access.require(actor, "view", current)
        if current.category != Category.DIGITAL:
            raise ValidationError(_("Only a digital item has files and disk images."))
        if current.state == Item.State.DISPOSED:
            raise ValidationError(_("This item has been disposed of: it has no more custody."))
        if not may_add(actor, current):
            raise access.Denied(actor, "work", current.case)
        acquired_by = _text("acquired_by", acquired_by, _("Say who acquired the file."))
        when = _when("acquired_at", acquired_at, not_before=None)
        stored = vault.store_upload(
            actor=actor,
            unit=current.unit,
            upload=upload,
            description=_("Digital evidence of %(number)s") % {"number": current.number},
            attached_to="evidence.digital_file",
        )
        entry = audit.record(
            actor=actor,
            action="evidence.file_added",
            target=current,
            payload={
                "sha256": stored.blob_id,
                "md5": declared["md5"],
                "sha1": declared["sha1"],
                "size": computed["size"],
                "tool": _text("tool", tool),
                "acquired_by": acquired_by,
                "acquired_at": when.astimezone(dt.UTC).isoformat(),
            },
        )
        return DigitalFile.objects.create(
            item=current,
            stored=stored,
            sha256=stored.blob_id,
            md5=declared["md5"],
            sha1=declared["sha1"],
            size=computed["size"],
            tool=_text("tool", tool),
            acquired_by=acquired_by,
            acquired_at=when,
            notes=_text("notes", notes),
            added_by=acting_user(actor),
            ledger_seq=entry.seq,
        )


def verify(
    *, actor: Any, file: DigitalFile, progress: Callable[[int, int], None] | None = None
) -> FileVerification:
    """Re-compute the file's SHA-256 from the vault and record the verdict, for someone who may
    see the item. `progress(done, total)` hears of every chunk (bytes)."""
    _own_transaction()
    access.require(actor, "view", file.item)
    return _verify(actor, file, progress)


def _verify(
    actor: Any, file: DigitalFile, progress: Callable[[int, int], None] | None = None
) -> FileVerification:
    path = vault.blob_path(file.sha256)
    digest = hashlib.sha256()
    if path.exists():
        done = 0
        with path.open("rb") as fh:
            while chunk := fh.read(CHUNK):
                digest.update(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, file.size)
        computed = digest.hexdigest()
        result = (
            FileVerification.Result.OK
            if computed == file.sha256
            else FileVerification.Result.MISMATCH
        )
    else:
        computed, result = "", FileVerification.Result.MISSING
    with transaction.atomic(durable=True):
        entry = audit.record(
            actor=actor,
            action="evidence.file_verified"
            if result == FileVerification.Result.OK
            else "evidence.file_integrity_alarm",
            target=file.item,
            payload={
                "file": file.pk,
                "sha256": file.sha256,
                "computed": computed,
                "result": result,
            },
        )
        return FileVerification.objects.create(
            file=file,
            at=timezone.now(),
            result=result,
            computed_sha256=computed,
            checked_by=acting_user(actor),
            ledger_seq=entry.seq,
        )


@job_type("evidence.verify_file", gettext_lazy("Re-verify a digital evidence file"))
def verify_job(job: Any, file: int) -> dict[str, Any]:
    """The on-demand re-verification, with a progress bar in megabytes."""
    found = access.get_or_404(
        job.actor, "view", DigitalFile.objects.select_related("item"), pk=file
    )
    mb = 1024 * 1024

    def step(done: int, total: int) -> None:
        job.progress(done // mb, max(1, total // mb))
        job.check_cancelled()

    checked = verify(actor=job.actor, file=found, progress=step)
    job.log(f"{found.item.number}: {checked.get_result_display()} ({checked.computed_sha256})")
    return {"result": checked.result, "sha256": checked.computed_sha256}


def due(now: dt.datetime | None = None) -> list[DigitalFile]:
    """Files never verified, or last verified more than REVERIFY_AFTER_DAYS ago, oldest first."""
    since = (now or timezone.now()) - dt.timedelta(days=REVERIFY_AFTER_DAYS)
    files = (
        DigitalFile.objects.exclude(item__state=Item.State.DISPOSED)
        .annotate(last=Max("verifications__at"))
        .filter(Q(last__isnull=True) | Q(last__lt=since))
        .select_related("item")
        .order_by("last", "pk")
    )
    return list(files[:REVERIFY_PER_PASS])


@periodic("evidence.reverify", every=3600)
def reverify_due() -> str:
    """The schedule: re-verify the files that are due, a few per pass."""
    actor = System("worker:evidence.reverify")
    results = [_verify(actor, f).result for f in due()]
    bad = sum(r != FileVerification.Result.OK for r in results)
    if not results:
        return ""
    return f"{len(results)} digital files re-verified, {bad} alarms"
