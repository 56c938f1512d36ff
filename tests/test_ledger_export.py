"""Export bundles verify offline with nothing but Python's standard library (ADR 0004).

Each bundle is checked by the `verify_ledger.py` it carries, run by the system's plain `python3`
in isolated mode without site-packages (`-I -S`), from an empty folder, with an empty environment:
no Dalil, no Django, no `cryptography`, no virtualenv.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
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
    manifest = integrity.export_bundle(path, actor=System("test"), withheld=None)
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


# --- Withheld entries: a bundle shows its reader what the ledger page shows them ----------------
SECRET_TITLE = "مراقبة مهرّبي النهر"


@pytest.fixture
def compartmented(tree, make_user, operator):
    """A case in an operation's compartment, and an integrity referral (internal affairs) about a
    detainee of an ordinary case: both hidden from an auditor without the clearances."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from dalil.access.models import Clearance, Compartment
    from dalil.cases import services as cases
    from dalil.detention import services as detention
    from dalil.detention.models import IntegrityReferral
    from dalil.parties import services as parties

    hour = dt.timedelta(hours=1)
    op = Compartment.objects.create(code="OP-NAHR", name_ar="عملية النهر")
    lead = make_user("lead.karada", role="investigator", at="BGD-KARADA")
    Clearance.objects.create(user=lead, compartment=op)
    secret = cases.case_create(
        actor=lead, unit=tree["BGD-KARADA"], title=SECRET_TITLE, lead=lead, compartment=op
    )
    plain = cases.case_create(actor=lead, unit=tree["BGD-KARADA"], title="سرقة", lead=lead)
    cases.offence_add(actor=lead, case=plain, code="0101", stage="completed")
    person = parties.person_create(
        actor=operator,
        unit=tree["BGD-KARADA"],
        given_name_ar="حسين",
        father_name_ar="فاضل",
        family_name_ar="الدليمي",
    )
    now = timezone.now()
    detainee = detention.arrest_record(
        actor=lead,
        case=plain,
        person=person,
        arrested_at=now - 2 * hour,
        arrest_place="الكرادة داخل",
        arresting_unit=plain.unit,
        place_of_detention="موقف مركز شرطة الكرادة",
        penalty="years",
        penalty_years=10,
        now=now,
    )
    detention.injury_record(
        actor=lead,
        detainee=detainee,
        noted_at=now - hour,
        noted_by="المسعف",
        description="كدمة",
        body_location="الظهر",
    )
    statement = detention.statement_record(
        actor=lead,
        detainee=detainee,
        kind="confession",
        taken_at=now - hour / 2,
        taken_by="النقيب حيدر",
        summary="أقر المتهم بالتهمة.",
        document=SimpleUploadedFile("s.txt", b"text", "text/plain"),
    )
    referral = IntegrityReferral.objects.get(statement=statement)
    integrity.checkpoint_create()
    return {"case": secret, "referral": referral, "op": op}


def _secrets(c) -> dict[str, str]:
    return {
        "case title": SECRET_TITLE,
        "case number": c["case"].number,
        "referral number": c["referral"].number,
    }


def _found(bundle: Path, needles: dict[str, str]) -> set[str]:
    """Which needles any member of the bundle holds as a whole word (a case number is inside its
    detainees' numbers), as written or in JSON's escaped spelling."""
    with zipfile.ZipFile(bundle) as zf:
        text = b"".join(zf.read(name) for name in zf.namelist()).decode()
    return {
        k
        for k, v in needles.items()
        if any(
            re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text) for s in (v, json.dumps(v)[1:-1])
        )
    }


def _web_export(client, tmp_path: Path, name: str, data: dict | None = None) -> Path:
    response = client.post("/audit/export/", data or {"since": "", "until": ""})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    path = tmp_path / name
    path.write_bytes(response.content)
    return path


def _bundle_parts(bundle: Path) -> tuple[dict, list[dict]]:
    with zipfile.ZipFile(bundle) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        entries = [json.loads(x) for x in zf.read("entries.jsonl").decode().splitlines()]
    return manifest, entries


@pytest.fixture
def auditor(make_user):
    return make_user("auditor.moi", unit="MOI", role="auditor")


def test_an_uncleared_auditors_export_holds_hidden_entries_as_hashes_only_and_verifies(
    compartmented, auditor, client_for, tmp_path
):
    from dalil.audit.selectors import entry_list

    bundle = _web_export(client_for(auditor), tmp_path, "uncleared.zip")

    manifest, entries = _bundle_parts(bundle)
    assert _found(bundle, _secrets(compartmented)) == set()
    in_range = range(manifest["first_seq"], manifest["last_seq"] + 1)
    shown_on_page = set(entry_list(auditor).values_list("seq", flat=True))
    hidden = [seq for seq in in_range if seq not in shown_on_page]
    withheld = [e for e in entries if e.get("withheld")]
    # Exactly what the ledger page hides, the referral's and the secret case's entries among them.
    assert [e["seq"] for e in withheld] == hidden
    hidden_types = set(
        Entry.objects.filter(seq__in=hidden).values_list("target_type", flat=True).distinct()
    )
    assert {"cases.case", "detention.integrityreferral"} <= hidden_types
    assert all(set(e) == {"seq", "withheld", "prev_hash", "hash"} for e in withheld)
    stored = dict(Entry.objects.filter(seq__in=hidden).values_list("seq", "hash"))
    assert {e["seq"]: e["hash"] for e in withheld} == stored
    assert manifest["withheld"] == len(hidden)
    exported = Entry.objects.order_by("-seq").first()
    assert exported.action == "audit.ledger_exported" and exported.actor == "auditor.moi"
    assert json.loads(exported.payload)["withheld"] == len(hidden)

    result = _verify_offline(bundle, tmp_path / "offline")
    assert result.returncode == 0, result.stdout
    shown = len(entries) - len(hidden)
    assert result.stdout.splitlines() == [
        "OK: every link, checkpoint and the export seal verify; "
        f"{shown} of {len(entries)} entries verify in full.",
        f"WITHHELD: {len(hidden)} entries are in this bundle as their hashes only (the seal "
        "states their number). Their content was not checked: only that they hold their place "
        "in the chain.",
    ]


def test_a_cleared_auditors_export_is_the_full_ledger_and_verifies(
    compartmented, auditor, client_for, tmp_path
):
    from dalil import access
    from dalil.access.models import Clearance, Compartment

    Clearance.objects.create(user=auditor, compartment=compartmented["op"])
    Clearance.objects.create(
        user=auditor, compartment=Compartment.objects.get(code="internal_affairs")
    )
    access.forget(auditor)

    bundle = _web_export(client_for(auditor), tmp_path, "cleared.zip")

    manifest, entries = _bundle_parts(bundle)
    assert _found(bundle, _secrets(compartmented)) == set(_secrets(compartmented))
    assert manifest["withheld"] == 0 and not any(e.get("withheld") for e in entries)
    result = _verify_offline(bundle, tmp_path / "offline")
    assert result.returncode == 0, result.stdout
    assert result.stdout == "OK: every entry, link, checkpoint and the export seal verify.\n"


def test_the_operators_command_line_exports_in_full(compartmented, auditor, tmp_path):
    out = tmp_path / "cli.zip"
    stdout = StringIO()

    call_command("audit", "export", "--out", str(out), stdout=stdout)

    assert "in full" in stdout.getvalue()
    manifest, entries = _bundle_parts(out)
    assert _found(out, _secrets(compartmented)) == set(_secrets(compartmented))
    assert manifest["withheld"] == 0 and len(entries) == manifest["last_seq"]
    assert _verify_offline(out, tmp_path / "offline").returncode == 0


def test_a_reader_who_may_not_open_the_ledger_page_would_get_hashes_only(compartmented):
    from dalil.accounts.models import User
    from dalil.audit import selectors

    nobody = User.objects.get(username="lead.karada")  # an investigator: no audit.ledger.view
    last = Entry.objects.order_by("-seq").values_list("seq", flat=True)[0]
    assert selectors.withheld_from(nobody)(1, last) == set(range(1, last + 1))
    assert selectors.withheld_from(nobody)(3, 5) == {3, 4, 5}


def test_the_export_is_refused_without_the_right_and_on_a_bad_date(
    compartmented, auditor, make_user, client_for
):
    investigator = client_for(make_user("inv.mansour", unit="BGD-MANSOUR", role="investigator"))
    assert investigator.post("/audit/export/", {}).status_code == 404
    response = client_for(auditor).post("/audit/export/", {"since": "yesterday"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert response.context["form"].errors["since"]
    assert not Entry.objects.filter(action="audit.ledger_exported").exists()


@pytest.fixture
def withheld_bundle(compartmented, auditor, client_for, tmp_path) -> tuple[Path, list[dict]]:
    bundle = _web_export(client_for(auditor), tmp_path, "withheld.zip")
    return bundle, _bundle_parts(bundle)[1]


def _first(rows: list[dict], withheld: bool, followed_by_withheld: bool | None = None) -> int:
    """Index of the first row (withheld or shown) that has a next row (of the given kind)."""
    for i, row in enumerate(rows[:-1]):
        if bool(row.get("withheld")) != withheld:
            continue
        if (
            followed_by_withheld is None
            or bool(rows[i + 1].get("withheld")) == followed_by_withheld
        ):
            return i
    raise AssertionError("the bundle has no such row")


def _shown_label_changed(rows: list[dict]) -> list[dict]:
    i = _first(rows, withheld=False)
    rows[i]["target_label"] += " (مزوّر)"
    return rows


def _withheld_hash_changed(rows: list[dict]) -> list[dict]:
    i = _first(rows, withheld=True)
    rows[i]["hash"] = _flip_hex(rows[i]["hash"])
    return rows


def _withheld_hash_and_next_link_changed(rows: list[dict]) -> list[dict]:
    """Relink the shown entry after a withheld one to a forged hash: its own hash breaks."""
    i = _first(rows, withheld=True, followed_by_withheld=False)
    rows[i]["hash"] = rows[i + 1]["prev_hash"] = _flip_hex(rows[i]["hash"])
    return rows


def _shown_entry_withheld_after_the_seal(rows: list[dict]) -> list[dict]:
    i = _first(rows, withheld=False)
    rows[i] = {
        "seq": rows[i]["seq"],
        "withheld": True,
        **{k: rows[i][k] for k in ("prev_hash", "hash")},
    }
    return rows


def _withheld_count_changed(data: bytes) -> bytes:
    manifest = json.loads(data)
    manifest["withheld"] += 1
    return json.dumps(manifest).encode()


def _after(withheld: bool, followed_by_withheld: bool | None = None) -> Callable[[list], int]:
    return lambda rows: rows[_first(rows, withheld, followed_by_withheld) + 1]["seq"]


# What is changed, how, and the first problem the verifier must name (from the untouched rows).
WITHHELD_TAMPERING = {
    "a shown entry's label": (
        "entries.jsonl",
        _lines(_shown_label_changed),
        lambda rows: f"entry {rows[_first(rows, False)]['seq']}: content does not match its hash",
    ),
    "a withheld entry's hash": (
        "entries.jsonl",
        _lines(_withheld_hash_changed),
        lambda rows: f"entry {_after(True)(rows)}: previous-hash link broken",
    ),
    "a withheld entry's hash and the next entry's link": (
        "entries.jsonl",
        _lines(_withheld_hash_and_next_link_changed),
        lambda rows: f"entry {_after(True, False)(rows)}: content does not match its hash",
    ),
    "a shown entry withheld after the seal": (
        "entries.jsonl",
        _lines(_shown_entry_withheld_after_the_seal),
        lambda rows: (
            f"bundle withholds {sum(1 for r in rows if r.get('withheld')) + 1} entries, "
            f"the seal says {sum(1 for r in rows if r.get('withheld'))}"
        ),
    ),
    "the withheld count": (
        "manifest.json",
        _withheld_count_changed,
        lambda rows: "export seal signature is not valid",
    ),
}


@pytest.mark.parametrize("what", list(WITHHELD_TAMPERING))
def test_tampering_with_a_bundle_that_withholds_entries_is_detected(
    withheld_bundle, tmp_path, what
):
    bundle, rows = withheld_bundle
    assert any(r.get("withheld") for r in rows) and not all(r.get("withheld") for r in rows)
    member, change, expected = WITHHELD_TAMPERING[what]
    tampered = _rewrite(bundle, tmp_path / "tampered.zip", member, change)
    result = _verify_offline(tampered, tmp_path / "offline")
    assert result.returncode == 1, result.stdout
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith("FAILED: ") for line in lines), result.stdout
    assert f"FAILED: {expected(rows)}" in lines, result.stdout


def test_a_range_that_ends_on_a_withheld_entry_verifies_and_its_hash_is_sealed(
    compartmented, auditor, tmp_path
):
    from dalil.audit import selectors

    referral = Entry.objects.filter(target_type="detention.integrityreferral").latest("seq")
    bundle = tmp_path / "to-the-referral.zip"
    manifest = integrity.export_bundle(
        bundle, actor=auditor, withheld=selectors.withheld_from(auditor), end=referral.ts
    )
    rows = _bundle_parts(bundle)[1]
    assert manifest["last_seq"] == referral.seq and rows[-1]["withheld"] is True
    assert _verify_offline(bundle, tmp_path / "offline").returncode == 0

    def last_hash_changed(rows: list[dict]) -> list[dict]:
        rows[-1]["hash"] = _flip_hex(rows[-1]["hash"])
        return rows

    tampered = _rewrite(bundle, tmp_path / "t.zip", "entries.jsonl", _lines(last_hash_changed))
    result = _verify_offline(tampered, tmp_path / "offline-tampered")
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["FAILED: last entry's hash differs from the sealed hash"]
