"""The evidence vault (CO-5; R-24, R-32, R-33 size cap, R-34).

Files live at `<vault>/<aa>/<bb>/<sha256>`, read-only, never overwritten; the user's file name is
kept in the database only; downloads are re-hashed and served inert; `dalil vault verify`
re-hashes everything.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import os
import stat
import time
import tracemalloc
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from dalil.audit.models import Entry
from dalil.core import vault
from dalil.core.models import Blob, StoredFile

pytestmark = pytest.mark.django_db


# --- helpers ---------------------------------------------------------------------------------
def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _entries(action: str) -> list[Entry]:
    return list(Entry.objects.filter(action=action).order_by("seq"))


def _payload(entry: Entry) -> dict[str, Any]:
    return json.loads(entry.payload)


def _walk(top: Path) -> set[str]:
    """Every file and folder under `top`, as paths relative to it (folders end with '/')."""
    out: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(top):
        rel = Path(dirpath).relative_to(top)
        out.update(f"{rel / d}/" for d in dirnames)
        out.update(str(rel / f) for f in filenames)
    return out


def _blob_tree(shas: set[str]) -> set[str]:
    """What the vault may contain for these hashes (relative to the vault's parent)."""
    out = {"vault/", "vault/tmp/"}
    for sha in shas:
        out |= {
            f"vault/{sha[:2]}/",
            f"vault/{sha[:2]}/{sha[2:4]}/",
            f"vault/{sha[:2]}/{sha[2:4]}/{sha}",
        }
    return out


def _message(response: Any, text: str) -> str:
    """`text` translated into the language the response was rendered in, HTML-escaped."""
    with translation.override(response["Content-Language"]):
        return html.escape(translation.gettext(text))


def _store(user: Any, unit: Any, name: str, data: bytes) -> StoredFile:
    return vault.file_store(
        actor=user, unit=unit, upload=SimpleUploadedFile(name, data, "text/plain")
    )


def _flip_one_byte(path: Path, at: int = 0) -> None:
    os.chmod(path, 0o640)
    raw = bytearray(path.read_bytes())
    raw[at] ^= 0x01
    path.write_bytes(bytes(raw))
    os.chmod(path, 0o440)


def _download(client: Any, stored: StoredFile) -> Any:
    return client.get(f"/vault/files/{stored.pk}/download/")


def _body(response: Any) -> bytes:
    # The test client closes a streamed response once it is read (closing it again here would
    # fire request_finished a second time and close the test's database connection).
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def investigator(make_user: Any) -> Any:
    return make_user("inv.karada", role="investigator")


@pytest.fixture
def outsider(make_user: Any) -> Any:
    return make_user("inv.mansour", unit="BGD-MANSOUR", role="investigator")


# --- upload ----------------------------------------------------------------------------------
def test_upload_stores_the_bytes_read_only_under_their_hash_and_the_name_in_the_database(
    investigator, tree, client_for, settings
):
    data = "محضر ضبط رقم ١٢٣\n".encode() + bytes(range(256)) * 10
    sha = _sha(data)
    client = client_for(investigator)
    response = client.post(
        "/vault/upload/",
        {
            "unit": tree["BGD-KARADA"].pk,
            "description": "محضر",
            "file": SimpleUploadedFile("محضر الضبط.pdf", data, "application/pdf"),
        },
    )
    assert response.status_code == 302 and response["Location"] == "/vault/"

    path = Path(settings.DALIL_VAULT_DIR) / sha[:2] / sha[2:4] / sha
    assert path == vault.blob_path(sha)
    assert path.read_bytes() == data
    mode = stat.S_IMODE(path.stat().st_mode)
    assert mode & 0o222 == 0, oct(mode)  # nobody may write it
    assert not os.access(path, os.W_OK) or os.geteuid() == 0

    stored = StoredFile.objects.get()
    assert stored.blob_id == sha and stored.blob.size == len(data)
    assert stored.original_name == "محضر الضبط.pdf"
    assert stored.unit == tree["BGD-KARADA"] and stored.uploaded_by == investigator
    assert not any("محضر" in p for p in _walk(Path(settings.DALIL_VAULT_DIR)))

    [entry] = _entries("core.file_uploaded")
    assert entry.actor_id == investigator.pk
    assert (entry.target_type, entry.target_id) == ("core.storedfile", str(stored.pk))
    assert _payload(entry)["sha256"] == sha and _payload(entry)["size"] == len(data)


def test_the_same_content_twice_is_one_blob_two_files_and_never_rewritten(investigator, tree):
    data = b"the same evidence bytes\n" * 1000
    first = _store(investigator, tree["BGD-KARADA"], "a.txt", data)
    path = vault.blob_path(first.blob_id)
    before = path.stat()
    time.sleep(0.01)
    second = _store(investigator, tree["BGD-KARADA"], "b.txt", data)
    after = path.stat()

    assert first.blob_id == second.blob_id == _sha(data)
    assert first.pk != second.pk and StoredFile.objects.count() == 2 and Blob.objects.count() == 1
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (
        before.st_ino,
        before.st_mtime_ns,
        before.st_size,
    )
    assert path.read_bytes() == data
    blobs = [p for p in _walk(vault.root()) if not p.endswith("/")]
    assert blobs == [f"{first.blob_id[:2]}/{first.blob_id[2:4]}/{first.blob_id}"]
    assert len(_entries("core.file_uploaded")) == 2


# --- hostile file names ----------------------------------------------------------------
_MARK = "dalilprobe"
_TRAVERSALS = [
    "../",
    "../../",
    "../../../../../../",
    "..\\",
    "..\\..\\",
    "....//",
    "..../",
    "..;/",
    ".../",
    "/",
    "//",
    "\\",
    "\\\\server\\share\\",
    "C:\\",
    "C:/",
    "c:",
    "file:///",
    "/tmp/",
    "/etc/",
    "%2e%2e%2f",
    "%2e%2e/",
    "..%2f",
    "%2e%2e%5c",
    "..%252f",
    "%252e%252e%252f",
    "..%c0%af",
    "..%ef%bc%8f",
    "\u2024\u2024/",
    "..\u2215",
    "..\uff0f",
    "\u2025\u2215",
    "\uff0e\uff0e\uff0f",
    "..\u2044",
    "..\u29f8",
    "\u2024\u2024\u2215",
    "\u0000../",
    "./",
    "tmp/",
    "aa/bb/",
]
_TAILS = [
    f"{_MARK}.txt",
    f"{_MARK}/../../x",
    f"{_MARK}.html",
    f"{_MARK}\u0000.jpg",
    f".{_MARK}",
]
_SPECIAL = [
    "..",
    ".",
    "...",
    "",
    " ",
    "/",
    "\\",
    "\u0000",
    "a\u0000b",
    f"{_MARK}\u0000../../etc/passwd",
    "/etc/passwd",
    "../../../../etc/shadow",
    "..\\..\\..\\windows\\win.ini",
    "C:\\Windows\\System32\\cmd.exe",
    "\\\\?\\C:\\x",
    "CON",
    "NUL",
    "PRN",
    "AUX",
    "COM1",
    "COM1.txt",
    "LPT1",
    "LPT9.log",
    "con:",
    "nul.tar.gz",
    "CONIN$",
    "CONOUT$",
    "desktop.ini",
    f"{_MARK}\u202egpj.exe",
    f"\u202e{_MARK}fdp.exe",
    f"{_MARK}\u2066x\u2069",
    f"{_MARK}\u2067.txt",
    f"{_MARK}\u200f.txt",
    f"{_MARK}\u061c.txt",
    f"{_MARK}\u2068.txt",
    f"{_MARK}\r\nSet-Cookie: x=1",
    f"{_MARK}\n.txt",
    f"{_MARK}\x1b[31m.txt",
    f'{_MARK}".txt',
    f"{_MARK};filename=evil.html",
    "a" * 300 + ".pdf",
    "ب" * 400,
    f"{_MARK}" + "/" * 300,
    "../" * 200 + _MARK,
    "\u0660\u0661.txt",
    "ملف الأدلة.pdf",
    f"{_MARK}\ufeff.txt",
    f"{_MARK}\u200b.txt",
    f"{_MARK} .",
    f"{_MARK}.",
    f"{_MARK}::$DATA",
    f"{_MARK}:stream",
    "~/" + _MARK,
    "$HOME/" + _MARK,
    "`id`" + _MARK,
    "$(id)" + _MARK,
    "|" + _MARK,
    f"{_MARK}*?<>|",
    "-rf",
    "--help",
]
HOSTILE_NAMES = [t + tail for t in _TRAVERSALS for tail in _TAILS] + _SPECIAL


def test_the_hostile_name_corpus_is_large_enough():
    assert len(set(HOSTILE_NAMES)) >= 200


def _candidate_paths(name: str, bases: list[Path]) -> set[Path]:
    """Where a naive `base / name` would have written the file."""
    out = set()
    for variant in {name, name.replace("\\", "/")}:
        if "\x00" in variant or _MARK not in variant:
            continue
        for base in bases:
            out.add(Path(os.path.normpath(os.path.join(base, variant))))
    return out


def test_hostile_file_names_never_reach_the_filesystem(investigator, tree, tmp_path, settings):
    vault_dir = Path(settings.DALIL_VAULT_DIR)
    assert vault_dir.parent == tmp_path
    bases = [vault_dir, vault_dir / "tmp", vault_dir / "aa" / "bb", Path.cwd(), tmp_path]
    candidates = set().union(*(_candidate_paths(n, bases) for n in HOSTILE_NAMES))
    existed = {p for p in candidates if os.path.lexists(p)}
    before = _walk(tmp_path)

    shas: set[str] = set()
    for i, name in enumerate(HOSTILE_NAMES):
        data = f"{i}:{name!r}".encode("utf-8", "surrogatepass")
        upload = SimpleUploadedFile("placeholder.bin", data, "application/octet-stream")
        upload._name = name  # past Django's own sanitiser: the vault must not rely on it
        stored = vault.file_store(actor=investigator, unit=tree["BGD-KARADA"], upload=upload)
        stored.refresh_from_db()
        path = vault.blob_path(stored.blob_id)
        assert stored.blob_id == _sha(data)
        assert path.resolve().is_relative_to(vault_dir.resolve()), name
        assert path.read_bytes() == data
        assert 1 <= len(stored.original_name) <= 255, name
        assert "/" not in stored.original_name and "\x00" not in stored.original_name, name
        shas.add(stored.blob_id)

    assert StoredFile.objects.count() == len(HOSTILE_NAMES)
    after = _walk(tmp_path)
    new = after - before
    assert new <= _blob_tree(shas), sorted(new - _blob_tree(shas))[:10]
    assert before <= after
    assert {p for p in new if not p.endswith("/")} == {f"vault/{s[:2]}/{s[2:4]}/{s}" for s in shas}
    assert not any(_MARK in p for p in after)
    assert os.listdir(vault_dir / "tmp") == []
    assert {p for p in candidates if os.path.lexists(p)} == existed


@pytest.mark.parametrize(
    "name",
    [
        "report.pdf",
        "محضر الضبط الأولي.docx",
        "a" * 255,
        "x" * 251 + ".pdf",
    ],
)
def test_an_ordinary_file_name_is_kept_exactly_in_the_database(investigator, tree, name):
    stored = _store(investigator, tree["BGD-KARADA"], name, b"content of " + name.encode())
    stored.refresh_from_db()
    assert stored.original_name == name


def test_a_very_long_file_name_is_truncated_to_255_characters_in_the_database(investigator, tree):
    name = "ب" * 400
    upload = SimpleUploadedFile("x", b"long name", "text/plain")
    upload._name = name
    stored = vault.file_store(actor=investigator, unit=tree["BGD-KARADA"], upload=upload)
    stored.refresh_from_db()
    assert stored.original_name == name[:255]


def test_path_separators_and_control_characters_never_survive_in_the_stored_name(
    investigator, tree
):
    upload = SimpleUploadedFile("x", b"sep", "text/plain")
    upload._name = "..\\..\\windows\\evil\u0000\r\n\u202egpj.exe"
    stored = vault.file_store(actor=investigator, unit=tree["BGD-KARADA"], upload=upload)
    stored.refresh_from_db()
    assert stored.original_name == "evilgpj.exe"


# --- empty and oversized uploads -------------------------------------------------------
def _nothing_stored() -> None:
    assert Blob.objects.count() == 0 and StoredFile.objects.count() == 0
    assert _entries("core.file_uploaded") == []
    assert os.listdir(vault.root() / "tmp") == []
    assert [p for p in _walk(vault.root()) if p != "tmp/"] == []


def test_an_empty_upload_is_refused_with_a_clear_message_and_leaves_nothing(
    investigator, tree, client_for
):
    client = client_for(investigator)
    response = client.post(
        "/vault/upload/",
        {
            "unit": tree["BGD-KARADA"].pk,
            "file": SimpleUploadedFile("empty.txt", b"", "text/plain"),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert _message(response, "The file is empty.") in response.content.decode()
    _nothing_stored()


def test_an_upload_over_the_limit_is_refused_with_a_clear_message_and_leaves_nothing(
    investigator, tree, client_for, settings
):
    settings.DALIL_VAULT_MAX_BYTES = 1024 * 1024
    client = client_for(investigator)
    response = client.post(
        "/vault/upload/",
        {
            "unit": tree["BGD-KARADA"].pk,
            "file": SimpleUploadedFile(
                "big.bin", b"\x00" * (1024 * 1024 + 1), "application/octet-stream"
            ),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    text = _message(response, "The file is larger than the limit of %(mb)d MB.") % {"mb": 1}
    assert text in response.content.decode()
    _nothing_stored()


def test_an_upload_of_exactly_the_limit_is_accepted(investigator, tree, settings):
    settings.DALIL_VAULT_MAX_BYTES = 4096
    stored = _store(investigator, tree["BGD-KARADA"], "exact.bin", b"z" * 4096)
    assert stored.blob.size == 4096


def test_a_huge_stream_stops_at_the_cap_without_reading_it_all_or_holding_it_in_memory(settings):
    settings.DALIL_VAULT_MAX_BYTES = 1024 * 1024
    chunk = b"\xab" * (64 * 1024)
    pulled = {"chunks": 0}

    def one_gigabyte():
        for _ in range(1024**3 // len(chunk)):
            pulled["chunks"] += 1
            yield chunk

    tracemalloc.start()
    try:
        with pytest.raises(ValidationError) as exc:
            vault.store_stream(one_gigabyte())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert exc.value.code == "too_large"
    assert pulled["chunks"] == 1024 * 1024 // len(chunk) + 1  # one chunk past the cap, no more
    assert peak < 4 * 1024 * 1024, peak
    _nothing_stored()


def test_an_empty_stream_is_refused_and_leaves_no_temporary_file():
    with pytest.raises(ValidationError) as exc:
        vault.store_stream(iter([b"", b""]))
    assert exc.value.code == "empty"
    _nothing_stored()


def test_a_stream_that_fails_half_way_leaves_no_temporary_file():
    def broken():
        yield b"partial data"
        raise OSError("client went away")

    with pytest.raises(OSError):
        vault.store_stream(broken())
    _nothing_stored()


# --- downloads are inert ---------------------------------------------------------------
def test_download_is_an_attachment_with_an_encoded_arabic_name_and_is_ledgered(
    investigator, tree, client_for
):
    name = "تقرير الحادث ١.pdf"
    data = b"%PDF-1.7 evidence"
    stored = _store(investigator, tree["BGD-KARADA"], name, data)
    response = _download(client_for(investigator), stored)
    assert response.status_code == 200
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(name)}"
    assert response["Content-Type"] == "application/octet-stream"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert _body(response) == data
    [entry] = _entries("core.file_downloaded")
    assert entry.actor_id == investigator.pk and entry.target_id == str(stored.pk)
    assert _payload(entry)["sha256"] == _sha(data)


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_a_download_answers_only_get_and_ledgers_nothing_else(
    investigator, tree, client_for, method
):
    """A download is a read: any other method is refused (405) before it is ledgered."""
    stored = _store(investigator, tree["BGD-KARADA"], "note.txt", b"evidence")
    client = client_for(investigator)
    url = reverse("core:file_download", args=[stored.pk])
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert _entries("core.file_downloaded") == []


@pytest.mark.parametrize(
    "name,content_type,data",
    [
        ("page.html", "text/html", b"<html><script>alert(document.cookie)</script></html>"),
        (
            "image.svg",
            "image/svg+xml",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        ),
        ("code.js", "application/javascript", b"fetch('/vault/').then(r => r.text())"),
    ],
)
def test_active_content_is_served_inert(investigator, tree, client_for, name, content_type, data):
    stored = vault.file_store(
        actor=investigator,
        unit=tree["BGD-KARADA"],
        upload=SimpleUploadedFile(name, data, content_type),
    )
    assert stored.content_type == content_type  # what the uploader claimed, kept as a record only
    response = _download(client_for(investigator), stored)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = [d.strip() for d in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in csp and "default-src 'none'" in csp
    assert _body(response) == data


# --- access: other units ---------------------------------------------------------------------
def test_a_user_of_another_unit_gets_404_and_does_not_see_the_file(
    investigator, outsider, tree, client_for
):
    stored = _store(investigator, tree["BGD-KARADA"], "سري-الكرادة.txt", b"karada only")
    client = client_for(outsider)
    response = _download(client, stored)
    assert response.status_code == 404
    assert b"karada only" not in _body(response)
    assert "Content-Disposition" not in response
    assert _entries("core.file_downloaded") == []
    [denied] = _entries("access.denied")
    assert denied.actor_id == outsider.pk and denied.target_id == str(stored.pk)

    listing = client.get("/vault/")
    assert listing.status_code == 200
    assert stored not in list(listing.context["page"])
    assert "سري-الكرادة" not in listing.content.decode()
    own = client_for(investigator).get("/vault/")
    assert "سري-الكرادة" in own.content.decode()


def test_a_missing_file_and_a_forbidden_file_answer_the_same(outsider, client_for):
    response = client_for(outsider).get("/vault/files/999999/download/")
    assert response.status_code == 404


def test_a_user_of_another_unit_cannot_upload_into_it(outsider, tree, client_for):
    client = client_for(outsider)
    response = client.post(
        "/vault/upload/",
        {
            "unit": tree["BGD-KARADA"].pk,
            "file": SimpleUploadedFile("x.txt", b"planted", "text/plain"),
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    _nothing_stored_anywhere()


def _nothing_stored_anywhere() -> None:
    assert Blob.objects.count() == 0 and StoredFile.objects.count() == 0
    assert not vault.root().exists() or [p for p in _walk(vault.root()) if p != "tmp/"] == []


# --- integrity ------------------------------------------------------------------------
def test_a_flipped_byte_on_disk_raises_the_alarm_and_the_bytes_are_not_sent(
    investigator, tree, client_for
):
    data = b"chain of custody matters " * 100
    stored = _store(investigator, tree["BGD-KARADA"], "evidence.txt", data)
    path = vault.blob_path(stored.blob_id)
    _flip_one_byte(path, at=7)
    tampered = path.read_bytes()

    response = _download(client_for(investigator), stored)
    assert response.status_code == 409
    assert not response.streaming and "Content-Disposition" not in response
    assert response["Content-Type"].startswith("text/html")
    body = response.content
    assert tampered[:40] not in body and data[:40] not in body
    assert _message(response, "Integrity alarm") in body.decode()
    [alarm] = _entries("core.integrity_alarm")
    assert alarm.actor_id == investigator.pk and alarm.target_id == str(stored.pk)
    assert _payload(alarm) == {"expected": stored.blob_id, "actual": _sha(tampered)}
    assert _entries("core.file_downloaded") == []


def test_a_deleted_blob_raises_the_alarm_too(investigator, tree, client_for):
    stored = _store(investigator, tree["BGD-KARADA"], "gone.txt", b"soon gone")
    vault.blob_path(stored.blob_id).unlink()
    response = _download(client_for(investigator), stored)
    assert response.status_code == 409
    [alarm] = _entries("core.integrity_alarm")
    assert _payload(alarm) == {"expected": stored.blob_id, "actual": "missing"}


def _verify() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("vault", "verify", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_vault_verify_passes_on_an_intact_vault(investigator, tree):
    for i in range(3):
        _store(investigator, tree["BGD-KARADA"], f"f{i}.txt", f"file {i}".encode())
    code, out, err = _verify()
    assert code == 0 and err == ""
    assert "OK: 3 " in out
    [done] = _entries("core.vault_verified")
    assert _payload(done) == {"checked": 3, "bad": 0, "missing": 0}
    assert _entries("core.integrity_alarm") == []


def test_vault_verify_names_a_tampered_blob_and_fails(investigator, tree):
    good = _store(investigator, tree["BGD-KARADA"], "good.txt", b"intact")
    bad = _store(investigator, tree["BGD-KARADA"], "bad.txt", b"to be tampered with")
    _flip_one_byte(vault.blob_path(bad.blob_id))
    code, out, err = _verify()
    assert code != 0
    assert f"MISMATCH: {bad.blob_id}" in err and good.blob_id not in err
    assert "OK" not in out
    [alarm] = _entries("core.integrity_alarm")
    assert alarm.target_id == bad.blob_id


def test_vault_verify_names_a_deleted_blob_and_fails(investigator, tree):
    gone = _store(investigator, tree["BGD-KARADA"], "gone.txt", b"to be deleted")
    _store(investigator, tree["BGD-KARADA"], "kept.txt", b"kept")
    vault.blob_path(gone.blob_id).unlink()
    code, _out, err = _verify()
    assert code != 0
    assert f"MISSING: {gone.blob_id}" in err
    [done] = _entries("core.vault_verified")
    assert _payload(done) == {"checked": 2, "bad": 0, "missing": 1}


def test_a_file_attached_to_a_record_is_not_in_the_vault_pages(
    investigator: Any, tree: Any, client_for: Any
) -> None:
    from dalil import access

    loose = _store(investigator, tree["BGD-KARADA"], "loose.txt", b"loose")
    attached = vault.store_upload(
        actor=investigator,
        unit=tree["BGD-KARADA"],
        upload=SimpleUploadedFile("statement.txt", b"attached", "text/plain"),
        attached_to="casework.document",
    )
    assert attached.attached_to == "casework.document" and loose.attached_to == ""
    assert list(access.scope(investigator, "view", StoredFile.objects.all())) == [loose]
    client = client_for(investigator)
    listing = client.get("/vault/").content.decode()
    assert "loose.txt" in listing and "statement.txt" not in listing
    assert _download(client, attached).status_code == 404
    assert _download(client, loose).status_code == 200
