"""The evidence vault: content-addressed, write-once file storage under DALIL_VAULT_DIR.

A file lives at `<vault>/<aa>/<bb>/<sha256>`. The user's file name is kept in the database only;
nothing the user typed ever becomes part of a path. Uploads stream through a temporary file in the
vault (hashing as they go, never holding the file in memory), are fsynced, and are linked into
place only if no file with that hash exists, so stored content is never overwritten.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dalil import access, audit

from .models import Blob, StoredFile

CHUNK = 1024 * 1024
_HEX = frozenset("0123456789abcdef")


def root() -> Path:
    return Path(settings.DALIL_VAULT_DIR)


def blob_path(sha256: str) -> Path:
    if len(sha256) != 64 or not set(sha256) <= _HEX:
        raise ValueError("not a SHA-256 hex digest")
    return root() / sha256[:2] / sha256[2:4] / sha256


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def store_stream(chunks: Iterable[bytes], *, max_bytes: int | None = None) -> tuple[str, int]:
    """Stream bytes into the vault. Returns (sha256, size). Refuses empty and oversized input."""
    limit = settings.DALIL_VAULT_MAX_BYTES if max_bytes is None else max_bytes
    tmp_dir = root() / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise ValidationError(
                        _("The file is larger than the limit of %(mb)d MB.")
                        % {"mb": limit // (1024 * 1024)},
                        code="too_large",
                    )
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise ValidationError(_("The file is empty."), code="empty")
        sha = digest.hexdigest()
        final = blob_path(sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(tmp, final)  # fails if it exists: never overwrite
            os.chmod(final, 0o440)
            _fsync_dir(final.parent)
        except FileExistsError:
            pass
        return sha, size
    finally:
        tmp.unlink(missing_ok=True)


def clean_file_name(raw: Any) -> str:
    """The user's file name as the database keeps it (it never becomes a path).

    The last component after any `/` or `\\`, printable characters only (no NUL, which
    PostgreSQL refuses, no CR/LF, escapes or bidi controls), at most 255 characters: the same
    rule Django applies to names arriving over HTTP, for callers that bypass it.
    """
    name = str(raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()[:255]
    return "file" if name in {"", ".", ".."} else name


def file_store(*, actor: Any, unit: Any, upload: Any, description: str = "") -> StoredFile:
    """Store an uploaded file for `unit` (Django UploadedFile or anything with .chunks()/.name)."""
    access.require(actor, "upload_file", unit)
    return store_upload(
        actor=actor, unit=unit, upload=upload, description=description, attached_to=""
    )


def store_upload(
    *, actor: Any, unit: Any, upload: Any, description: str = "", attached_to: str = "record"
) -> StoredFile:
    """Store a file that belongs to a record (a case document, an intake photo; name its kind in
    `attached_to`): the caller's service has checked the door on that record, and records its own
    ledger entry beside this one. The file is then invisible in the vault's own pages and opened
    only through its record. Runs inside the caller's transaction when there is one."""
    name = clean_file_name(getattr(upload, "name", ""))
    sha, size = store_stream(upload.chunks(CHUNK))
    content_type = str(getattr(upload, "content_type", "") or "application/octet-stream")[:100]
    with transaction.atomic():
        blob, _created = Blob.objects.get_or_create(sha256=sha, defaults={"size": size})
        stored = StoredFile.objects.create(
            blob=blob,
            unit=unit,
            uploaded_by=actor,
            original_name=name,
            content_type=content_type,
            description=description[:500],
            attached_to=attached_to[:60],
        )
        audit.record(
            actor=actor,
            action="core.file_uploaded",
            target=stored,
            payload={"sha256": sha, "size": size, "name": name},
        )
    return stored


def hash_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def open_verified(*, actor: Any, stored: StoredFile) -> BinaryIO:
    """Re-hash before handing out; a mismatch raises an alarm on the ledger instead."""
    access.require(actor, "view", stored)
    return read_verified(actor=actor, stored=stored)


def read_verified(*, actor: Any, stored: StoredFile) -> BinaryIO:
    """`open_verified` for a file reached through a record the caller has checked (a case
    document through its case): re-hash, ledger the download, open."""
    path = blob_path(stored.blob_id)
    actual = hash_file(path) if path.exists() else "missing"
    if actual != stored.blob_id:
        audit.record_now(
            actor=actor,
            action="core.integrity_alarm",
            target=stored,
            payload={"expected": stored.blob_id, "actual": actual},
        )
        raise VaultIntegrityError(stored.blob_id)
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="core.file_downloaded",
            target=stored,
            payload={"sha256": stored.blob_id},
        )
    return path.open("rb")


class VaultIntegrityError(Exception):
    """A stored file no longer matches its hash."""


@dataclass
class VaultReport:
    checked: int = 0
    bad: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.bad or self.missing)


def verify_all(progress: Any = None) -> VaultReport:
    """Re-hash every blob; the result goes on the ledger (alarms for each mismatch)."""
    report = VaultReport()
    shas: Iterator[str] = (
        Blob.objects.order_by("sha256").values_list("sha256", flat=True).iterator()
    )
    for sha in shas:
        path = blob_path(sha)
        if not path.exists():
            report.missing.append(sha)
        elif hash_file(path) != sha:
            report.bad.append(sha)
        report.checked += 1
        if progress:
            progress(report.checked)
    with transaction.atomic():
        for sha in report.bad + report.missing:
            audit.record(
                actor=audit_system(),
                action="core.integrity_alarm",
                target=("core.blob", sha, sha),
                payload={"sha256": sha},
            )
        audit.record(
            actor=audit_system(),
            action="core.vault_verified",
            payload={
                "checked": report.checked,
                "bad": len(report.bad),
                "missing": len(report.missing),
            },
        )
    return report


def audit_system() -> Any:
    from dalil.audit.ledger import System

    return System("vault-verify")
