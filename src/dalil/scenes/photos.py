"""What a scene photograph or sketch must be, read from its bytes (never from its name): a JPEG or
PNG that Pillow can decode (a sketch may also be a PDF scan), no larger than the limit; and the
time the camera wrote into it (EXIF DateTimeOriginal), which the photo log keeps beside the time
the photographer states."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 25 * 1024 * 1024
# A decoded image larger than this (pixels) is refused instead of decoded: a "decompression bomb"
# is a small file that unpacks into gigabytes.
MAX_PIXELS = 60_000_000
EXIF_IFD = 0x8769
DATETIME_ORIGINAL = 0x9003
OFFSET_TIME_ORIGINAL = 0x9011
DATETIME = 0x0132
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}
# A complete JPEG ends with EOI, a PNG with its IEND chunk. Pillow alone cannot tell a cut-off
# upload (WeasyPrint tells it, process-wide, to decode truncated images), so the end is looked
# for in the file's tail (some phones append a trailer of a few kilobytes after EOI).
END_MARKERS = {"JPEG": b"\xff\xd9", "PNG": b"IEND"}
TAIL = 64 * 1024


def limit() -> int:
    return int(getattr(settings, "DALIL_SCENE_PHOTO_MAX_BYTES", MAX_BYTES))


def check(upload: Any, *, pdf_ok: bool = False) -> dict[str, str]:
    """Refuse what is not a photograph (or, for a sketch, a PDF); return what the file says about
    itself: {"format": ..., "exif_time": "2026:12:01 14:03:22+03:00" or ""}."""
    size = getattr(upload, "size", None)
    if size is not None and size > limit():
        raise ValidationError(
            _("The file is larger than the limit of %(mb)d MB.") % {"mb": limit() // (1024 * 1024)}
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if pdf_ok and head == b"%PDF-":
        return {"format": "PDF", "exif_time": ""}
    refused = (
        _("Only photographs in JPEG or PNG format (or a sketch as a PDF) can be added.")
        if pdf_ok
        else _("Only photographs in JPEG or PNG format can be added.")
    )
    try:
        with Image.open(upload) as img:
            if img.format not in FORMATS:
                raise ValidationError(refused)
            if img.width * img.height > MAX_PIXELS:
                raise ValidationError(_("The image is too large to be a photograph."))
            exif = img.getexif()
            # Decode it (a JPEG at an eighth of its size, cheaply): a corrupt file fails here.
            img.draft("RGB", (max(1, img.width // 8), max(1, img.height // 8)))
            img.load()
        if not _ends(upload, END_MARKERS[str(img.format)]):
            raise ValidationError(_("The file is incomplete: it was cut off before its end."))
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(refused) from exc
    finally:
        upload.seek(0)
    return {"format": str(img.format), "exif_time": _exif_time(exif)}


def _ends(upload: Any, marker: bytes) -> bool:
    upload.seek(0, 2)
    size = upload.tell()
    upload.seek(max(0, size - TAIL))
    tail = upload.read(TAIL)
    upload.seek(0)
    return marker in tail


def _exif_time(exif: Any) -> str:
    try:
        sub = exif.get_ifd(EXIF_IFD)
    except Exception:  # a malformed EXIF block is not a reason to refuse the photograph
        sub = {}
    raw = sub.get(DATETIME_ORIGINAL) or exif.get(DATETIME) or ""
    offset = sub.get(OFFSET_TIME_ORIGINAL) or ""
    text = f"{raw}{offset}".strip() if isinstance(raw, str) else ""
    return "".join(ch for ch in text if ch.isprintable())[:40]


def parse_exif_time(value: str) -> dt.datetime | None:
    """ "2026:12:01 14:03:22" (+ "+03:00") as an aware time; a camera without an offset is taken to
    be on Baghdad time. None when the camera wrote nothing usable."""
    if not value:
        return None
    stamp, offset = value[:19], value[19:]
    try:
        naive = dt.datetime.strptime(stamp, "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if offset:
        try:
            return dt.datetime.fromisoformat(naive.isoformat() + offset)
        except ValueError:
            return None
    return naive.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
