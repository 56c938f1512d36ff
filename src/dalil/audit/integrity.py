"""Checkpoints, verification and export of the ledger."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import connection, transaction
from django.db.models import OuterRef, Subquery

from . import chain, merkle
from .ledger import System, format_ts, now, record
from .models import Checkpoint, Entry, MerkleBlock

KEY_FILE = "ledger-ed25519.pem"
_ROW_SQL = (
    "SELECT seq, {ts}, actor_id, actor, source, action, target_type, target_id, target_label, "
    "payload, prev_hash, hash FROM audit_entry WHERE seq >= %s AND seq <= %s ORDER BY seq LIMIT %s"
)
# The database spells `ts` in the canonical form itself, so no row is parsed in Python.
# SQLite: Django stores UTC as text "YYYY-MM-DD HH:MM:SS.ffffff" (no fraction when it is zero).
# Any other spelling was not written by Dalil: it is marked with "!" so that its hash cannot match.
_TS_SQL = {
    "sqlite": (
        "CASE WHEN substr(ts, 11, 1) = ' ' AND length(ts) = 26 "
        "THEN substr(ts, 1, 10) || 'T' || substr(ts, 12) || 'Z' "
        "WHEN substr(ts, 11, 1) = ' ' AND length(ts) = 19 "
        "THEN substr(ts, 1, 10) || 'T' || substr(ts, 12) || '.000000Z' "
        "ELSE '!' || CAST(ts AS TEXT) END"
    ),
    "postgresql": "to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
}


# --- Signing key: a file outside the database, so the database role cannot forge a checkpoint.
def _key_path() -> Path:
    return Path(settings.DALIL_KEYS_DIR) / KEY_FILE


def signing_key() -> Ed25519PrivateKey:
    path = _key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def public_key_bytes(key: Ed25519PrivateKey | None = None) -> bytes:
    key = key or signing_key()
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: bytes) -> str:
    return hashlib.sha256(public).hexdigest()[:16]


# --- Checkpoints ---------------------------------------------------------------------------------
def checkpoint_create(*, actor: object | None = None) -> Checkpoint | None:
    """Sign the current head. Returns None on an empty ledger."""
    key = signing_key()
    with transaction.atomic(durable=True):
        # The checkpoint itself is a ledger event; sign the head that includes it.
        record(actor=actor or System("checkpoint"), action="audit.checkpoint_signed")
        seq, head = Entry.objects.order_by("-seq").values_list("seq", "hash")[0]
        # ...and the root of the Merkle tree over every entry so far (ADR 0026).
        merkle.extend_blocks(seq)
        root = merkle.root_at(seq)
        ts = now()
        sig = key.sign(chain.checkpoint_message(seq, head, format_ts(ts), root))
        cp = Checkpoint.objects.create(
            seq=seq,
            hash=head,
            ts=ts,
            key_id=key_id(public_key_bytes(key)),
            signature=sig.hex(),
            merkle_root=root,
        )
        transaction.on_commit(lambda: _witness_append(cp))
        return cp


# --- Witness file: checkpoints also live outside the database -------------------------------------
# Whoever can rewrite the database could delete the newest entries *and* their checkpoint rows.
# Each checkpoint is therefore also appended to a file beside the signing key (ideally on other
# storage: DALIL_CHECKPOINT_WITNESS), and `verify()` checks the ledger against both.
def witness_path() -> Path:
    return Path(
        settings.DALIL_CHECKPOINT_WITNESS or Path(settings.DALIL_KEYS_DIR) / "checkpoints.jsonl"
    )


def _witness_append(cp: Checkpoint) -> None:
    path = witness_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(
        {
            "seq": cp.seq,
            "hash": cp.hash,
            "ts": format_ts(cp.ts),
            "key_id": cp.key_id,
            "signature": cp.signature,
            "root": cp.merkle_root,
        }
    )
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _witness_checkpoints() -> list[dict]:
    path = witness_path()
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            out.append({"seq": 0, "hash": "", "ts": "", "key_id": "", "signature": "", "bad": True})
    return out


def checkpoint_if_due() -> Checkpoint | None:
    """Checkpoint when the last one is older than the interval and the ledger has grown."""
    last = Checkpoint.objects.order_by("-seq").first()
    head = Entry.objects.order_by("-seq").values_list("seq", flat=True).first()
    if head is None:
        return None
    interval = dt.timedelta(seconds=settings.DALIL_CHECKPOINT_INTERVAL_SECONDS)
    if last and (last.seq >= head or now() - last.ts < interval):
        return None
    return checkpoint_create()


# --- Verification --------------------------------------------------------------------------------
@dataclass
class Report:
    entries: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)
    first_bad_seq: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _to_ts(value: object) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return format_ts(value)
    # SQLite hands back text "YYYY-MM-DD HH:MM:SS[.ffffff]" from a raw cursor.
    parsed = dt.datetime.fromisoformat(str(value))
    return format_ts(parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC))


def row_sql(vendor: str) -> str:
    """The SELECT behind `iter_rows` (parameters: first seq, last seq, row limit), for `vendor`."""
    return _ROW_SQL.format(ts=_TS_SQL.get(vendor, "ts"))


def iter_rows(first: int = 1, last: int | None = None, chunk: int = 50_000) -> Iterator[chain.Row]:
    """Stream ledger rows in seq order through a raw cursor (the ORM is too slow for millions).

    Chunks follow the rows actually present (keyset paging), so a forged huge seq cannot make the
    walk step through billions of empty ranges.
    """
    if last is None:
        last = Entry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    vendor = connection.vendor
    sql = row_sql(vendor)
    start = first
    while start <= last:
        with connection.cursor() as cur:
            cur.execute(sql, [start, last, chunk])
            rows = cur.fetchall()
        if not rows:
            return
        if vendor in _TS_SQL:
            yield from rows
        else:
            for r in rows:
                yield (
                    r[0],
                    _to_ts(r[1]),
                    r[2],
                    r[3],
                    r[4],
                    r[5],
                    r[6],
                    r[7],
                    r[8],
                    r[9],
                    r[10],
                    r[11],
                )
        start = rows[-1][0] + 1


def _signature_ok(public: Ed25519PublicKey, message: bytes, signature_hex: str) -> bool:
    try:
        public.verify(bytes.fromhex(signature_hex), message)
    except (ValueError, InvalidSignature):
        return False
    return True


def _counted(
    rows: Iterator[chain.Row], progress: Callable[[int], None], every: int
) -> Iterator[chain.Row]:
    n = 0
    for n, row in enumerate(rows, 1):
        yield row
        if n % every == 0:
            progress(n)
    progress(n)


def verify(
    first: int = 1,
    last: int | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    every: int = 10_000,
) -> Report:
    """Recompute the whole chain and check every signed checkpoint against it.

    `progress(n)` (optional) is called after every `every` entries walked, and at the end.
    """
    report = Report()
    max_seq = Entry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    min_seq = Entry.objects.order_by("seq").values_list("seq", flat=True).first()
    if min_seq is not None and min_seq != 1:
        report.problems.append(str(chain.Problem(1, "entries at the start are missing")))
        report.first_bad_seq = 1
        return report
    stored_hash = Entry.objects.filter(seq=OuterRef("seq")).values("hash")[:1]
    checkpoints = list(
        Checkpoint.objects.order_by("seq", "id").annotate(stored=Subquery(stored_hash))
    )
    # The Merkle tree is regrown as the chain is walked: its root at each checkpoint and its
    # kept blocks must be what was signed and kept.
    frontier = merkle.Frontier()
    rooted = {cp.seq for cp in checkpoints if cp.merkle_root}
    roots: dict[int, str] = {}

    def grown(rows: Iterator[chain.Row]) -> Iterator[chain.Row]:
        add, growing = frontier.add, True
        for row in rows:
            if growing:
                try:
                    add(row[11])
                except ValueError:  # not a hash at all: the walk names the entry
                    growing = False
                else:
                    if row[0] in rooted:
                        roots[row[0]] = frontier.root()
            yield row

    rows = grown(iter_rows(1, max_seq))
    count, _, problem = chain.verify_rows(_counted(rows, progress, every) if progress else rows)
    report.entries = count
    if problem:
        report.problems.append(str(problem))
        report.first_bad_seq = problem.seq

    public = public_key_bytes()
    kid = key_id(public)
    # `cryptography` checks a signature in microseconds (the stdlib `chain.ed25519_verify`, which
    # export bundles carry, takes milliseconds: too slow for a year of 15-minute checkpoints).
    verifier = Ed25519PublicKey.from_public_bytes(public)
    for cp in checkpoints:
        report.checkpoints += 1
        msg = chain.checkpoint_message(cp.seq, cp.hash, format_ts(cp.ts), cp.merkle_root)
        if cp.key_id != kid or not _signature_ok(verifier, msg, cp.signature):
            report.problems.append(f"checkpoint at entry {cp.seq}: signature is not valid")
            continue
        if cp.seq in roots and roots[cp.seq] != cp.merkle_root:
            report.problems.append(
                f"entry {cp.seq}: the Merkle root of the ledger differs from the signed checkpoint"
            )
            report.first_bad_seq = min(report.first_bad_seq or cp.seq, cp.seq)
            continue
        if cp.seq > max_seq:
            report.problems.append(
                f"entry {max_seq + 1}: ledger ends at {max_seq} but a checkpoint signed entry "
                f"{cp.seq} (entries removed from the end)"
            )
            report.first_bad_seq = min(report.first_bad_seq or max_seq + 1, max_seq + 1)
            continue
        if cp.stored != cp.hash:
            report.problems.append(f"entry {cp.seq}: hash differs from the signed checkpoint")
            report.first_bad_seq = min(report.first_bad_seq or cp.seq, cp.seq)
    _verify_witness(report, verifier, kid, max_seq)
    if not problem:
        _verify_blocks(report, frontier.blocks, max_seq)
    return report


def _verify_blocks(report: Report, computed: list[str], max_seq: int) -> None:
    """The kept Merkle blocks are the roots of the ledger's 64-entry blocks."""
    kept = MerkleBlock.objects.order_by("index").values_list("index", "hash")
    for n, (index, digest) in enumerate(kept.iterator(chunk_size=10_000)):
        if index == n and n >= len(computed):
            end = (index + 1) * merkle.BLOCK
            problem, bad = (
                f"entry {max_seq + 1}: ledger ends at {max_seq} but its Merkle blocks were kept "
                f"up to entry {end} (entries removed from the end)",
                max_seq + 1,
            )
        elif index != n or computed[n] != digest:
            bad = n * merkle.BLOCK + 1
            problem = (
                f"entry {bad}: the kept Merkle block of entries {bad}..{bad + merkle.BLOCK - 1} "
                "differs from the ledger"
            )
        else:
            continue
        report.problems.append(problem)
        # A block places a change within 64 entries only: a signed checkpoint that no longer
        # matches names the first entry that is provably bad, when there is one.
        report.first_bad_seq = report.first_bad_seq or bad
        return


def _verify_witness(report: Report, verifier: Ed25519PublicKey, kid: str, max_seq: int) -> None:
    """Check the ledger against the checkpoints kept in the witness file."""
    witnessed = _witness_checkpoints()
    if not witnessed:
        return
    seqs = sorted({w["seq"] for w in witnessed if isinstance(w.get("seq"), int)})
    stored: dict[int, str] = {}
    for i in range(0, len(seqs), 900):  # SQLite caps the number of query parameters
        stored.update(Entry.objects.filter(seq__in=seqs[i : i + 900]).values_list("seq", "hash"))
    in_db = set(Checkpoint.objects.values_list("seq", "hash"))
    for w in witnessed:
        msg = chain.checkpoint_message(w["seq"], w["hash"], w["ts"], w.get("root"))
        if w.get("bad") or w["key_id"] != kid or not _signature_ok(verifier, msg, w["signature"]):
            report.problems.append("witness file: a checkpoint line is not validly signed")
            continue
        seq = w["seq"]
        if seq > max_seq:
            report.problems.append(
                f"entry {max_seq + 1}: ledger ends at {max_seq} but the witness file holds a signed "
                f"checkpoint of entry {seq} (entries and checkpoint rows removed from the end)"
            )
            report.first_bad_seq = min(report.first_bad_seq or max_seq + 1, max_seq + 1)
        elif stored.get(seq) != w["hash"]:
            report.problems.append(
                f"entry {seq}: hash differs from the checkpoint in the witness file"
            )
            report.first_bad_seq = min(report.first_bad_seq or seq, seq)
        elif (seq, w["hash"]) not in in_db:
            report.problems.append(
                f"checkpoint of entry {seq} is in the witness file but not in the database"
            )


# --- Export --------------------------------------------------------------------------------------
# The seqs in [first, last] the bundle's reader may not see in full (`selectors.withheld_from`).
Withheld = Callable[[int, int], Collection[int]]
# Entries are read and their visibility decided in windows of this many seqs.
_WINDOW = 50_000


def _entry_json(row: chain.Row) -> str:
    keys = (
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
        "prev_hash",
        "hash",
    )
    return json.dumps(dict(zip(keys, row, strict=True)), ensure_ascii=False)


def _withheld_json(row: chain.Row) -> str:
    """Hashes only: no time, actor, action, record or payload, just its place in the chain."""
    return json.dumps({"seq": row[0], "withheld": True, "prev_hash": row[10], "hash": row[11]})


def _write_entries(fh: IO[bytes], first: int, last: int, withheld: Withheld | None) -> int:
    """Write entries first..last, those `withheld` names as hashes only. Returns how many."""
    count = 0
    held_back: Collection[int] = ()
    window_end = 0
    for row in iter_rows(first, last):
        seq = row[0]
        if withheld is not None and seq > window_end:
            window_end = min(seq + _WINDOW - 1, last)
            held_back = withheld(seq, window_end)
        if seq in held_back:
            count += 1
            fh.write((_withheld_json(row) + "\n").encode())
        else:
            fh.write((_entry_json(row) + "\n").encode())
    return count


def export_bundle(
    out: io.BufferedIOBase | Path | str,
    *,
    actor: object,
    withheld: Withheld | None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    seqs: tuple[int, int] | None = None,
    extra: dict[str, str] | None = None,
    target: Any = None,
) -> dict:
    """Write entries with ts in [start, end], the checkpoints among them, the public key, a signed
    seal over the range and the standalone verifier into a zip. Returns the manifest.

    `withheld(first, last)` names the seqs the bundle's reader may not see in full: they are
    written as their hashes only, and the seal states how many (ADR "withheld entries in
    exports"). `None` writes every entry in full: the operator's command line only (ADR 0006).
    """
    qs = Entry.objects.all()
    if start:
        qs = qs.filter(ts__gte=start)
    if end:
        qs = qs.filter(ts__lte=end)
    if seqs:
        qs = qs.filter(seq__gte=seqs[0], seq__lte=seqs[1])
    first = qs.order_by("seq").values_list("seq", "prev_hash").first()
    last = qs.order_by("-seq").values_list("seq", "hash").first()
    key = signing_key()
    public = public_key_bytes(key)
    first_seq, first_prev = first if first else (0, chain.GENESIS)
    last_seq, last_hash = last if last else (0, chain.GENESIS)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("entries.jsonl", "w") as fh:
            held = _write_entries(fh, first_seq, last_seq, withheld) if first_seq else 0
        ts = format_ts(now())
        seal = key.sign(chain.seal_message(first_seq, first_prev, last_seq, last_hash, ts, held))
        manifest = {
            "format": "dalil-ledger-export/2",
            "first_seq": first_seq,
            "first_prev_hash": first_prev,
            "last_seq": last_seq,
            "last_hash": last_hash,
            "withheld": held,
            "range": {
                "from": start.isoformat() if start else None,
                "to": end.isoformat() if end else None,
            },
            "public_keys": [{"key_id": key_id(public), "public_key": public.hex()}],
            "seal": {"ts": ts, "key_id": key_id(public), "signature": seal.hex()},
        }
        cps = Checkpoint.objects.filter(seq__gte=first_seq or 1, seq__lte=last_seq)
        zf.writestr("checkpoints.jsonl", "".join(_checkpoint_json(c) for c in cps))
        for name, text in (extra or {}).items():
            zf.writestr(name, text)
        zf.writestr("manifest.json", json.dumps(manifest, indent=2))
        zf.write(Path(chain.__file__), "verify_ledger.py")
        zf.writestr("README.txt", _BUNDLE_README)
    with transaction.atomic(durable=True):
        record(
            actor=actor,
            action="audit.ledger_exported",
            target=target,
            payload={"first_seq": first_seq, "last_seq": last_seq, "withheld": held},
        )
    return manifest


# --- Proof bundles: chosen entries proved by their Merkle paths (ADR 0026) ------------------------
PROOF_FORMAT = "dalil-ledger-proof/1"


def covering_checkpoint(seq: int) -> Checkpoint:
    """The first checkpoint at or after entry `seq` that signs a Merkle root; when none does yet,
    one is signed now (so a proof never waits for the next 15-minute checkpoint)."""
    cp = (
        Checkpoint.objects.filter(seq__gte=seq, merkle_root__isnull=False)
        .order_by("seq", "id")
        .first()
    )
    return cp or checkpoint_create()  # type: ignore[return-value]  # the ledger holds `seq`


def _checkpoint_json(c: Checkpoint) -> str:
    line = {
        "seq": c.seq,
        "hash": c.hash,
        "ts": format_ts(c.ts),
        "key_id": c.key_id,
        "signature": c.signature,
    }
    if c.merkle_root:
        line["root"] = c.merkle_root
    return json.dumps(line) + "\n"


def export_proof(
    out: io.BufferedIOBase | Path | str,
    *,
    actor: object,
    seqs: Collection[int],
    extra: dict[str, str] | None = None,
    target: Any = None,
) -> dict:
    """Write the entries `seqs` in full (the caller has decided their reader may see them), the
    Merkle path of each to the root that the first checkpoint after them signs, that checkpoint,
    the public key, a seal and the standalone verifier into a zip. Returns the manifest.

    Unlike `export_bundle`, it carries no entry between them: its size and its check grow with
    the number of entries proved, not with the stretch of ledger they lie in."""
    wanted = sorted(set(seqs))
    if not wanted:
        raise ValueError("a proof bundle proves at least one entry")
    cp = covering_checkpoint(wanted[-1])
    paths = merkle.paths(wanted, cp.seq)
    entries = "".join(_entry_json(row) + "\n" for s in wanted for row in iter_rows(s, s, 1))
    proofs = "".join(json.dumps({"seq": s, "path": paths[s]}) + "\n" for s in wanted)
    key = signing_key()
    public = public_key_bytes(key)
    ts = format_ts(now())
    digests = {
        "entries.jsonl": hashlib.sha256(entries.encode()).hexdigest(),
        "proofs.jsonl": hashlib.sha256(proofs.encode()).hexdigest(),
    }
    for name, text in (extra or {}).items():
        digests[name] = hashlib.sha256(text.encode()).hexdigest()
    seal = key.sign(chain.proof_seal_message(cp.seq, cp.merkle_root or "", digests, ts))
    manifest = {
        "format": PROOF_FORMAT,
        "entries": len(wanted),
        "tree_size": cp.seq,
        "root": cp.merkle_root,
        "files": digests,
        "public_keys": [{"key_id": key_id(public), "public_key": public.hex()}],
        "seal": {"ts": ts, "key_id": key_id(public), "signature": seal.hex()},
    }
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("entries.jsonl", entries)
        zf.writestr("proofs.jsonl", proofs)
        zf.writestr("checkpoints.jsonl", _checkpoint_json(cp))
        for name, text in (extra or {}).items():
            zf.writestr(name, text)
        zf.writestr("manifest.json", json.dumps(manifest, indent=2))
        zf.write(Path(chain.__file__), "verify_ledger.py")
        zf.writestr("README.txt", _PROOF_README)
    with transaction.atomic(durable=True):
        record(
            actor=actor,
            action="audit.ledger_exported",
            target=target,
            payload={"entries": len(wanted), "tree_size": cp.seq, "format": PROOF_FORMAT},
        )
    return manifest


_PROOF_README = """Dalil ledger proof
==================
entries.jsonl      the ledger entries this bundle proves, each with its previous hash and its hash
proofs.jsonl       for each entry, its Merkle path: the hashes that lead from it to the root
checkpoints.jsonl  the signed checkpoint whose Merkle root covers every entry above
manifest.json      the tree's size and root, the public key, and a seal over the files
verify_ledger.py   the verifier: Python 3 standard library only, no network

To check this bundle on any computer with Python 3.11 or newer:

    python3 verify_ledger.py THIS_FILE.zip

It recomputes each entry's hash from its content, follows its path to the root, and checks that
the checkpoint signed that root (Ed25519). An entry changed after the checkpoint, or one that was
never in the ledger, cannot reach the signed root. The tree is RFC 6962's (Certificate
Transparency): leaf = SHA-256(0x00 || entry hash), node = SHA-256(0x01 || left || right).
"""


_BUNDLE_README = """Dalil ledger export
====================
entries.jsonl      one ledger entry per line, with its previous hash and its hash
checkpoints.jsonl  signed checkpoints that fall inside this range
manifest.json      the range, the public key and the export seal (an Ed25519 signature)
verify_ledger.py   the verifier: Python 3 standard library only, no network

To check this bundle on any computer with Python 3.11 or newer:

    python3 verify_ledger.py THIS_FILE.zip

It prints OK when every entry, link, checkpoint and the seal verify, and FAILED with the first
problem otherwise. The canonical form of an entry is described at the top of verify_ledger.py.

Withheld entries: a bundle made for a reader who may not see some entries in full holds those as
{"seq", "withheld": true, "prev_hash", "hash"} only. The seal (manifest.json, "withheld") states
how many. The verifier checks that each of them links the chain and matches any signed checkpoint
on it, and says how many it could not check the content of.
"""
