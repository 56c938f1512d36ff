"""Export bundles verify offline with nothing but Python's standard library (ADR 0004).

Each bundle is checked by the `verify_ledger.py` it carries, run by the system's plain `python3`
in isolated mode without site-packages (`-I -S`), from an empty folder, with an empty environment:
no Dalil, no Django, no `cryptography`, no virtualenv.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from io import StringIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.db import transaction

from dalil import audit
from dalil.audit import chain, integrity
from dalil.audit.ledger import System
from dalil.audit.models import Checkpoint, Entry

pytestmark = pytest.mark.django_db


def _system_python() -> str:
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if Path(candidate).exists():
            return candidate
    found = shutil.which("python3", path="/usr/local/bin:/usr/bin:/bin")
    assert found, "a system python3 is needed to check bundles the way a court expert would"
    return found


PYTHON = _system_python()


def _append(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        with transaction.atomic():
            audit.record(
                actor=System("test"),
                action="core.file_downloaded",
                target=("core.blob", str(i), f"ملف رقم {i}"),
                payload={"i": i, "note": 'نص عربي\r\n"مقتبس"', "bidi": "\u202eabc"},
            )


def _verify_offline(
    bundle: Path, workdir: Path, verifier_from: Path | None = None
) -> subprocess.CompletedProcess:
    """Unpack the bundle's own verifier into an empty folder and run it there."""
    workdir.mkdir()
    with zipfile.ZipFile(verifier_from or bundle) as zf:
        (workdir / "verify_ledger.py").write_bytes(zf.read("verify_ledger.py"))
    shutil.copy(bundle, workdir / "bundle.zip")
    return subprocess.run(
        [PYTHON, "-I", "-S", "verify_ledger.py", "bundle.zip"],
        cwd=workdir,
        env={},
        capture_output=True,
        text=True,
        timeout=60,
    )


def _rewrite(bundle: Path, out: Path, member: str, change: Callable[[bytes], bytes]) -> Path:
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            dst.writestr(info.filename, change(data) if info.filename == member else data)
    return out


def _lines(change: Callable[[list[dict]], list[dict]]) -> Callable[[bytes], bytes]:
    def apply(data: bytes) -> bytes:
        rows = [json.loads(x) for x in data.decode().splitlines() if x]
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in change(rows)).encode()

    return apply


def _flip_hex(value: str, at: int = 5) -> str:
    return value[:at] + ("0" if value[at] != "0" else "1") + value[at + 1 :]


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    _append(8)
    integrity.checkpoint_create()
    _append(8, start=8)
    integrity.checkpoint_create()
    _append(4, start=16)
    path = tmp_path / "ledger.zip"
    manifest = integrity.export_bundle(path, actor=System("test"))
    assert (manifest["first_seq"], manifest["last_seq"]) == (1, 22)
    return path


def test_export_bundle_holds_the_ledger_and_verifies_offline_with_plain_python(bundle, tmp_path):
    assert not Path(PYTHON).resolve().is_relative_to(Path(sys.prefix).resolve())
    with zipfile.ZipFile(bundle) as zf:
        assert sorted(zf.namelist()) == [
            "README.txt",
            "checkpoints.jsonl",
            "entries.jsonl",
            "manifest.json",
            "verify_ledger.py",
        ]
        entries = [json.loads(x) for x in zf.read("entries.jsonl").decode().splitlines()]
        checkpoints = zf.read("checkpoints.jsonl").decode().splitlines()
        assert zf.read("verify_ledger.py") == Path(chain.__file__).read_bytes()
        manifest = json.loads(zf.read("manifest.json"))
    stored = list(Entry.objects.order_by("seq").values_list("seq", "hash")[:22])
    assert [(e["seq"], e["hash"]) for e in entries] == stored
    assert len(checkpoints) == Checkpoint.objects.count() == 2
    assert manifest["last_hash"] == stored[-1][1]
    # The export itself is on the ledger, after the exported range.
    assert (
        Entry.objects.order_by("-seq").values_list("action", flat=True)[0]
        == "audit.ledger_exported"
    )

    result = _verify_offline(bundle, tmp_path / "offline")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: every entry, link, checkpoint and the export seal verify.")


def _one_payload_changed(rows: list[dict]) -> list[dict]:
    rows[4]["payload"] = chain.canonical_json({"i": 4, "note": "تم التلاعب"})
    return rows


def _resealed_after_a_rewrite(rows: list[dict]) -> list[dict]:
    """Rewrite entry 10 and re-hash everything after it into a consistent chain."""
    prev = rows[8]["hash"]
    for row in rows[9:]:
        if row["seq"] == 10:
            row["payload"] = chain.canonical_json({"rewritten": True})
        fields = [
            row[k]
            for k in (
                "seq",
                "ts",
                "actor_id",
                "actor",
                "source",
                "action",
                "target_type",
                "target_id",
                "target_label",
                "payload",
            )
        ]
        row["prev_hash"], row["hash"] = prev, chain.entry_hash(prev, chain.entry_bytes(*fields))
        prev = row["hash"]
    return rows


def _seal_flipped(data: bytes) -> bytes:
    manifest = json.loads(data)
    manifest["seal"]["signature"] = _flip_hex(manifest["seal"]["signature"])
    return json.dumps(manifest).encode()


def _range_shortened(data: bytes) -> bytes:
    manifest = json.loads(data)
    manifest["last_seq"] -= 1
    return json.dumps(manifest).encode()


def _checkpoint_hash_changed(rows: list[dict]) -> list[dict]:
    rows[0]["hash"] = _flip_hex(rows[0]["hash"])
    return rows


def _checkpoint_signature_changed(rows: list[dict]) -> list[dict]:
    rows[1]["signature"] = _flip_hex(rows[1]["signature"], at=70)
    return rows


TAMPERING = {
    "one entry's payload": (
        "entries.jsonl",
        _lines(_one_payload_changed),
        ["FAILED: entry 5: content does not match its hash"],
    ),
    "a line dropped": (
        "entries.jsonl",
        _lines(lambda rows: rows[:11] + rows[12:]),
        ["FAILED: entry 12: sequence broken (expected 12, found 13)"],
    ),
    "the last line dropped": (
        "entries.jsonl",
        _lines(lambda rows: rows[:-1]),
        ["FAILED: bundle holds 21 entries, manifest says 22 (truncated)"],
    ),
    "two lines swapped": (
        "entries.jsonl",
        _lines(lambda rows: [*rows[:3], rows[4], rows[3], *rows[5:]]),
        ["FAILED: entry 4: sequence broken (expected 4, found 5)"],
    ),
    "a rewritten, re-hashed suffix": (
        "entries.jsonl",
        _lines(_resealed_after_a_rewrite),
        [
            "FAILED: last entry's hash differs from the sealed hash",
            "FAILED: checkpoint at entry 18: entry hash differs from the signed one",
        ],
    ),
    "the seal": ("manifest.json", _seal_flipped, ["FAILED: export seal signature is not valid"]),
    "the sealed range": (
        "manifest.json",
        _range_shortened,
        ["FAILED: export seal signature is not valid"],
    ),
    "a checkpoint's hash": (
        "checkpoints.jsonl",
        _lines(_checkpoint_hash_changed),
        ["FAILED: checkpoint at entry 9: signature is not valid"],
    ),
    "a checkpoint's signature": (
        "checkpoints.jsonl",
        _lines(_checkpoint_signature_changed),
        ["FAILED: checkpoint at entry 18: signature is not valid"],
    ),
}


@pytest.mark.parametrize("what", list(TAMPERING))
def test_a_tampered_bundle_fails_offline_verification(bundle, tmp_path, what):
    member, change, expected = TAMPERING[what]
    tampered = _rewrite(bundle, tmp_path / "tampered.zip", member, change)
    result = _verify_offline(tampered, tmp_path / "offline")
    assert result.returncode == 1, result.stdout
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("FAILED: ") for line in lines), result.stdout
    for line in expected:
        assert line in lines, result.stdout


def test_a_file_that_is_not_a_bundle_fails_offline_verification(bundle, tmp_path):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(bundle.read_bytes()[: len(bundle.read_bytes()) // 2])
    result = _verify_offline(broken, tmp_path / "offline", verifier_from=bundle)
    assert result.returncode == 1
    assert result.stdout.startswith("FAILED: the bundle cannot be read")


def test_export_of_a_date_range_holds_exactly_those_days_and_verifies_offline(
    time_machine, tmp_path
):
    days = {}
    for day in (10, 11, 12, 13):
        time_machine.move_to(dt.datetime(2026, 1, day, 10, 0, tzinfo=dt.UTC))
        _append(3, start=day * 10)
        if day in (11, 13):
            integrity.checkpoint_create()
        midnight = dt.datetime(2026, 1, day, tzinfo=dt.UTC)
        on_that_day = Entry.objects.filter(ts__gte=midnight, ts__lt=midnight + dt.timedelta(days=1))
        days[day] = list(on_that_day.order_by("seq").values_list("seq", flat=True))
    inside = days[11] + days[12]
    out = tmp_path / "range.zip"

    call_command(
        "audit",
        "export",
        "--from",
        "2026-01-11",
        "--to",
        "2026-01-12",
        "--out",
        str(out),
        stdout=StringIO(),
    )

    with zipfile.ZipFile(out) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        entries = [json.loads(x) for x in zf.read("entries.jsonl").decode().splitlines()]
        checkpoints = [json.loads(x) for x in zf.read("checkpoints.jsonl").decode().splitlines()]
    assert [e["seq"] for e in entries] == inside == list(range(inside[0], inside[-1] + 1))
    assert all(e["ts"].startswith(("2026-01-11T", "2026-01-12T")) for e in entries)
    assert (manifest["first_seq"], manifest["last_seq"]) == (inside[0], inside[-1])
    assert manifest["first_prev_hash"] == Entry.objects.get(seq=days[10][-1]).hash
    assert [c["seq"] for c in checkpoints] == [days[11][-1]]  # day 13's checkpoint is outside
    assert manifest["range"]["from"].startswith("2026-01-11T00:00:00")

    result = _verify_offline(out, tmp_path / "offline")
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("OK: ")

    def changed(rows: list[dict]) -> list[dict]:
        rows[1]["actor"] = "system:someone-else"
        return rows

    tampered = _rewrite(out, tmp_path / "range-tampered.zip", "entries.jsonl", _lines(changed))
    result = _verify_offline(tampered, tmp_path / "offline-tampered")
    assert result.returncode == 1
    assert (
        f"FAILED: entry {inside[1]}: content does not match its hash" in result.stdout.splitlines()
    )


def test_stdlib_ed25519_agrees_with_cryptography_and_rejects_any_flipped_bit():
    rng = random.Random(8032)
    for i in range(50):
        key = Ed25519PrivateKey.from_private_bytes(rng.randbytes(32))
        public = key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        message = rng.randbytes(rng.randint(0, 300))
        signature = key.sign(message)
        assert chain.ed25519_verify(public, message, signature), i

        bit = rng.randrange(512)
        flipped = bytearray(signature)
        flipped[bit // 8] ^= 1 << (bit % 8)
        assert not chain.ed25519_verify(public, message, bytes(flipped)), (i, "signature", bit)
        if message:
            bit = rng.randrange(len(message) * 8)
            other = bytearray(message)
            other[bit // 8] ^= 1 << (bit % 8)
            assert not chain.ed25519_verify(public, bytes(other), signature), (i, "message", bit)
        bit = rng.randrange(256)
        wrong_key = bytearray(public)
        wrong_key[bit // 8] ^= 1 << (bit % 8)
        assert not chain.ed25519_verify(bytes(wrong_key), message, signature), (i, "key", bit)


def test_stdlib_ed25519_rejects_malformed_and_malleable_signatures():
    key = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    signature = key.sign(b"dalil")
    s = int.from_bytes(signature[32:], "little")
    malleable = signature[:32] + (s + chain._L).to_bytes(32, "little")  # same point, S + L
    assert chain.ed25519_verify(public, b"dalil", signature)
    assert not chain.ed25519_verify(public, b"dalil", malleable)
    assert not chain.ed25519_verify(public, b"dalil", signature[:63])
    assert not chain.ed25519_verify(public[:31], b"dalil", signature)
    assert not chain.ed25519_verify(public, b"dalil", b"\xff" * 64)


@pytest.mark.parametrize("value", ["2026-02-30", "yesterday", "2026-01-11T25:00"])
def test_export_refuses_a_date_that_is_not_one(value, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date or date-time"):
        call_command("audit", "export", "--from", value, "--out", str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()
