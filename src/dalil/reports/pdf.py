"""Rendering HTML templates to PDF with WeasyPrint, offline.

WeasyPrint shapes Arabic with HarfBuzz through Pango and lays it out right to left; the fonts are
Debian's Noto (`fonts-noto-core`) found through fontconfig. It never fetches anything from the
network: `LocalFetcher` answers `data:` URIs and our own static files, and refuses every other URL.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse, URLFetchingError

DOCUMENT_TZ = ZoneInfo("Asia/Baghdad")  # printed dates are Baghdad time, whatever the server says


class DocumentError(RuntimeError):
    """A document could not be rendered (a resource was refused or missing)."""


class RefusedURL(URLFetchingError):
    """A document asked for something that is neither a data: URI nor one of our static files."""


def base_url() -> str:
    """What relative URLs in a document resolve against (never contacted: see `LocalFetcher`)."""
    return settings.DALIL_BASE_URL.rstrip("/") + "/"


def static_prefix() -> str:
    return base_url() + settings.STATIC_URL.lstrip("/")


def static_url(path: str) -> str:
    """The absolute URL under which `LocalFetcher` serves a static file to WeasyPrint."""
    return static_prefix() + path.lstrip("/")


class LocalFetcher(URLFetcher):
    """Serve data: URIs and files found by the static-files finders; refuse everything else."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=True)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.lower().startswith("data:"):
            return super().fetch(url, headers)
        path = self._static_file(url)
        if path is None:
            self.refused.append(url)
            raise RefusedURL(f"refused to fetch {url!r}: documents may only use local files")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

    @staticmethod
    def _static_file(url: str) -> Path | None:
        prefix = static_prefix()
        if not url.startswith(prefix):
            return None
        relative = url[len(prefix) :].split("?")[0].split("#")[0]
        if not relative or ".." in relative.split("/"):
            return None
        try:
            found = finders.find(relative)
        except SuspiciousFileOperation:
            return None
        if isinstance(found, list):
            found = found[0] if found else None
        return Path(found) if found else None


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_counter_css() -> str:
    """The translated "Page x of y" as a CSS `content` value: counter(page) and counter(pages)."""
    text = _("Page %(n)s of %(total)s")
    parts = []
    for piece in re.split(r"(%\(n\)s|%\(total\)s)", text):
        if piece == "%(n)s":
            parts.append("counter(page)")
        elif piece == "%(total)s":
            parts.append("counter(pages)")
        elif piece:
            parts.append(_css_string(piece))
    return " ".join(parts)


def qr_data_uri(url: str) -> str:
    """A QR code for `url`, as an SVG data: URI (vector, so it prints sharp at any size)."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def absolute_url(path: str) -> str:
    return settings.DALIL_BASE_URL.rstrip("/") + "/" + path.lstrip("/")


def local_time(ts: dt.datetime) -> dt.datetime:
    return ts.astimezone(DOCUMENT_TZ)


def format_time(ts: dt.datetime) -> str:
    """Gregorian date and time in Baghdad, with Western digits (as in the ledger)."""
    return local_time(ts).strftime("%Y-%m-%d %H:%M:%S")


def render(template: str, context: dict[str, Any]) -> bytes:
    """Render `template` (which extends reports/base.html) to PDF bytes in the active language."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    ctx = {
        "lang": language,
        "dir": "rtl" if translation.get_language_bidi() else "ltr",
        "stylesheet": static_url("reports/document.css"),
        "page_counter": page_counter_css(),
        **context,
    }
    html = render_to_string(template, ctx)
    fetcher = LocalFetcher()
    try:
        return HTML(string=html, base_url=base_url(), url_fetcher=fetcher).write_pdf()
    except FatalURLFetchingError as exc:  # a BaseException: turn it into an ordinary error
        raise DocumentError(f"{exc} (refused: {fetcher.refused})") from exc
