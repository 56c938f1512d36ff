#!/usr/bin/env python3
"""Dalil ledger hash chain: the canonical form, and an offline verifier for export bundles.

This file uses the Python standard library only. Dalil imports it to hash and verify its own
ledger, and copies it unchanged into every export bundle, so that a judge, a defence expert or an
auditor can run `python3 verify_ledger.py BUNDLE.zip` on any machine, offline.

Canonical form of an entry (docs/ledger.md):
    entry = {"action", "actor", "actor_id", "payload", "seq", "source",
             "target_id", "target_label", "target_type", "ts"}
    canonical_json(entry) = UTF-8 of json.dumps(entry, sort_keys=True, separators=(",", ":"),
                                                ensure_ascii=False, allow_nan=False)
    ts is UTC as "YYYY-MM-DDTHH:MM:SS.ffffffZ"; payload is a JSON object in the same canonical form.
    hash = hex(sha256(bytes.fromhex(prev_hash) + canonical_json(entry)))
    The first entry has seq 1 and prev_hash = 64 zeros.

Checkpoints and export seals are Ed25519 signatures (RFC 8032) over `checkpoint_message(...)` /
`seal_message(...)`; this file verifies them with the RFC's reference arithmetic.

Withheld entries (ADR "withheld entries in exports"): a bundle made for a reader who may not see
an entry in full holds it as {"seq", "withheld": true, "prev_hash", "hash"} only. Its content
cannot be recomputed, so its stated hash is taken as it is: it must link to the entry before it,
the entry after it must link to it (and that entry's own hash covers the link), and a signed
checkpoint on it must name that hash. The export seal signs how many entries are withheld.
"""

from __future__ import annotations

import hashlib
import json
import sys
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from json.encoder import encode_basestring as _json_str
from typing import Any, cast

GENESIS = "0" * 64
FIELDS = (
    "action",
    "actor",
    "actor_id",
    "payload",
    "seq",
    "source",
    "target_id",
    "target_label",
    "target_type",
    "ts",
)


def canonical_json(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


_dumps = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
).encode


def entry_bytes(
    seq: int,
    ts: str,
    actor_id: int | None,
    actor: str,
    source: str,
    action: str,
    target_type: str,
    target_id: str,
    target_label: str,
    payload_json: str,
) -> bytes:
    """canonical_json(entry) with the payload spliced in as its stored canonical text.

    Equal to canonical_json of the whole entry (a test holds the two together); splicing
    avoids parsing and re-serialising every payload when millions of entries are verified.
    The usual case is spelled field by field with the very string escaper `json.dumps` uses
    (`ensure_ascii=False`): the same bytes at a third of the cost. A value of any other type (a
    tampered column, say) goes through `json.dumps` itself.
    """
    if (
        type(seq) is int
        and (actor_id is None or type(actor_id) is int)
        and type(payload_json) is str
    ):
        esc = _json_str
        try:
            return (
                f'{{"action":{esc(action)},"actor":{esc(actor)},"actor_id":'
                f'{"null" if actor_id is None else actor_id},"payload":{payload_json},"seq":{seq},'
                f'"source":{esc(source)},"target_id":{esc(target_id)},'
                f'"target_label":{esc(target_label)},"target_type":{esc(target_type)},"ts":{esc(ts)}}}'
            ).encode()
        except TypeError:  # a field that is not text
            pass
    head = _dumps({"action": action, "actor": actor, "actor_id": actor_id})
    tail = _dumps(
        {
            "seq": seq,
            "source": source,
            "target_id": target_id,
            "target_label": target_label,
            "target_type": target_type,
            "ts": ts,
        }
    )
    return f'{head[:-1]},"payload":{payload_json},{tail[1:]}'.encode()


def entry_hash(prev_hash: str, body: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + body).hexdigest()


@dataclass(frozen=True)
class Problem:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.reason}"


Row = tuple[int, str, "int | None", str, str, str, str, str, str, str, str, str]
"""(seq, ts, actor_id, actor, source, action, target_type, target_id, target_label,
payload_json, prev_hash, hash) in this order. A withheld entry of a bundle has ts None."""


def _is_sha256_hex(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and value.strip("0123456789abcdef") == ""


def verify_rows(
    rows: Iterable[Row],
    *,
    first_seq: int = 1,
    first_prev: str | None = GENESIS,
    withheld_allowed: bool = False,
) -> tuple[int, str | None, Problem | None]:
    """Check contiguity, linkage and every hash. Returns (count, last hash, first problem).

    `first_prev=None` accepts whatever the first row links to (a partial export).
    `withheld_allowed` (export bundles only, never the database): a row whose ts is None is a
    withheld entry, whose stated hash is taken as it is and links the chain.
    The previous hash is carried as bytes, so it is not parsed again from hex on every row.
    """
    expected_seq = first_seq
    prev = first_prev
    prev_bytes = b"" if first_prev is None else bytes.fromhex(first_prev)
    count = 0
    last_hash: str | None = None
    sha256 = hashlib.sha256
    for row in rows:
        seq, ts, actor_id, actor, source, action, ttype, tid, tlabel, payload, rprev, rhash = row
        if seq != expected_seq:
            missing = expected_seq if seq > expected_seq else seq
            return (
                count,
                last_hash,
                Problem(missing, f"sequence broken (expected {expected_seq}, found {seq})"),
            )
        if prev is None:
            prev_bytes = bytes.fromhex(rprev)
        elif rprev != prev:
            return count, last_hash, Problem(seq, "previous-hash link broken")
        if ts is None and withheld_allowed:
            if not _is_sha256_hex(rhash):
                return count, last_hash, Problem(seq, "withheld entry's hash is not a SHA-256")
            prev_bytes = bytes.fromhex(rhash)
        else:
            body = entry_bytes(
                seq, ts, actor_id, actor, source, action, ttype, tid, tlabel, payload
            )
            digest = sha256(prev_bytes + body)
            if digest.hexdigest() != rhash:
                return count, last_hash, Problem(seq, "content does not match its hash")
            prev_bytes = digest.digest()
        prev = last_hash = rhash
        expected_seq += 1
        count += 1
    return count, last_hash, None


def checkpoint_message(seq: int, head_hash: str, ts: str, root: str | None = None) -> bytes:
    """What a checkpoint signs: the head of the chain, and (format 2) the root of the Merkle tree
    over entries 1..seq. Checkpoints signed before the tree existed have no root."""
    if root is None:
        return f"dalil-ledger-checkpoint\n{seq}\n{head_hash}\n{ts}\n".encode()
    return f"dalil-ledger-checkpoint/2\n{seq}\n{head_hash}\n{ts}\n{root}\n".encode()


def proof_seal_message(tree_size: int, root: str, files: dict[str, str], ts: str) -> bytes:
    """What a proof bundle's seal signs: the tree it proves against and the SHA-256 of each of
    its files, so that no entry, path or custody line can be added or dropped after the seal."""
    listed = "".join(f"{name} {digest}\n" for name, digest in sorted(files.items()))
    return f"dalil-ledger-proof/1\n{tree_size}\n{root}\n{ts}\n{listed}".encode()


# --- The Merkle tree over the ledger (RFC 6962 / RFC 9162 section 2.1) ---------------------------
# A checkpoint also signs the root of a Merkle tree whose leaves are the hashes of entries 1..seq
# in order. One entry is then proved to be in the ledger that was signed by about log2(seq)
# hashes (its path), without the entries between it and the checkpoint.
#   leaf = sha256(0x00 || entry hash as 32 bytes)      node = sha256(0x01 || left || right)
# The tree is built level by level, pairing neighbours; the last node of an odd level goes up
# unchanged. That is RFC 6962's tree (its recursive split at the largest power of two below n
# gives the same root; a test holds the two together).
EMPTY_ROOT = hashlib.sha256(b"").hexdigest()


def merkle_leaf(entry_hash_hex: str) -> bytes:
    return hashlib.sha256(b"\x00" + bytes.fromhex(entry_hash_hex)).digest()


def merkle_node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_levels(leaves: list[bytes]) -> list[list[bytes]]:
    """Every level of the tree over `leaves`, the leaves first and the root (alone) last."""
    levels = [leaves]
    node = merkle_node
    while len(levels[-1]) > 1:
        below = levels[-1]
        above = [node(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
        if len(below) % 2:
            above.append(below[-1])
        levels.append(above)
    return levels


def merkle_root(leaves: list[bytes]) -> str:
    return merkle_levels(leaves)[-1][0].hex() if leaves else EMPTY_ROOT


def merkle_path(levels: list[list[bytes]], index: int) -> list[bytes]:
    """The siblings that lead from leaf `index` to the root, lowest first."""
    path = []
    for level in levels[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(level[sibling])
        index //= 2
    return path


def merkle_root_from_path(leaf: bytes, index: int, size: int, path: list[bytes]) -> bytes | None:
    """The root that leaf `index` of a tree of `size` leaves and its `path` lead to (None when
    the path does not fit the tree's shape)."""
    if not 0 <= index < size:
        return None
    node, rest = leaf, list(path)
    while size > 1:
        if index % 2:
            if not rest:
                return None
            node = merkle_node(rest.pop(0), node)
        elif index + 1 < size:
            if not rest:
                return None
            node = merkle_node(node, rest.pop(0))
        index //= 2
        size = (size + 1) // 2
    return None if rest else node


def seal_message(
    first_seq: int, first_prev: str, last_seq: int, last_hash: str, ts: str, withheld: int
) -> bytes:
    """What an export seal signs: the range's first link and last hash, and how many of its
    entries the bundle withholds (so that no one can withhold more after the seal)."""
    return (
        f"dalil-ledger-export/2\n{first_seq}\n{first_prev}\n{last_seq}\n{last_hash}\n{ts}\n"
        f"withheld {withheld}\n"
    ).encode()


# --- Ed25519 verification (RFC 8032 §6 reference arithmetic; verify only, no secrets) -----------
_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)
_Point = tuple[int, int, int, int]


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P)
    if x2 % _P == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


def _add(a: _Point, b: _Point) -> _Point:
    A = (a[1] - a[0]) * (b[1] - b[0]) % _P
    B = (a[1] + a[0]) * (b[1] + b[0]) % _P
    C = 2 * a[3] * b[3] * _D % _P
    D = 2 * a[2] * b[2] % _P
    E, F, G, H = B - A, D - C, D + C, B + A
    return (E * F % _P, G * H % _P, F * G % _P, E * H % _P)


def _mul(s: int, pt: _Point) -> _Point:
    q: _Point = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _add(q, pt)
        pt = _add(pt, pt)
        s >>= 1
    return q


def _equal(a: _Point, b: _Point) -> bool:
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


def _decompress(s: bytes) -> _Point | None:
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0) or 0
_G: _Point = (_GX, _GY, 1, _GX * _GY % _P)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    if len(public_key) != 32 or len(signature) != 64:
        return False
    a = _decompress(public_key)
    r = _decompress(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= _L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little")
    return _equal(_mul(s, _G), _add(r, _mul(h % _L, a)))


# --- Export bundles ------------------------------------------------------------------------------
def _entry_rows(lines: Iterable[str]) -> Iterator[Row]:
    for line in lines:
        e = json.loads(line)
        if e.get("withheld") is True:  # hashes only: ts None marks it, nothing else is read
            yield cast(
                Row, (e["seq"], None, None, "", "", "", "", "", "", "", e["prev_hash"], e["hash"])
            )
            continue
        yield (
            e["seq"],
            e["ts"],
            e["actor_id"],
            e["actor"],
            e["source"],
            e["action"],
            e["target_type"],
            e["target_id"],
            e["target_label"],
            e["payload"],
            e["prev_hash"],
            e["hash"],
        )


# An evidence item's chain of custody (Dalil EV-6) travels in a bundle as custody.json: each event
# must be, field for field, the payload of the ledger entry it names, about that item.
CUSTODY_FILE = "custody.json"
CUSTODY_FIELDS = ("kind", "at", "from", "to", "purpose", "seal_number", "seal_state", "notes")


def _custody_problems(custody: dict[str, Any], entries_text: str) -> list[str]:
    item = custody.get("item") or {}
    events = custody.get("events") or []
    wanted = {e.get("ledger_seq") for e in events}
    entries: dict[int, dict[str, Any]] = {}
    for line in entries_text.splitlines():
        if not line:
            continue
        e = json.loads(line)
        if e.get("seq") in wanted:
            entries[e["seq"]] = e
    problems = []
    for n, event in enumerate(events, 1):
        where = f"custody event {event.get('event')}"
        if event.get("event") != n:
            problems.append(f"{where}: the events are not numbered 1, 2, 3… without a gap")
        entry = entries.get(event.get("ledger_seq"))  # type: ignore[arg-type]
        if entry is None or entry.get("withheld"):
            problems.append(
                f"{where}: its ledger entry {event.get('ledger_seq')} is not in the bundle"
            )
            continue
        if (entry["target_type"], entry["target_id"]) != ("evidence.item", str(item.get("id"))):
            problems.append(f"{where}: its ledger entry is about another record")
            continue
        try:
            payload = json.loads(entry["payload"])
        except (TypeError, ValueError):
            problems.append(f"{where}: its ledger entry {entry['seq']} has no readable payload")
            continue
        for key in ("event", *CUSTODY_FIELDS):
            if payload.get(key) != event.get(key):
                problems.append(f"{where}: {key} differs from its ledger entry {entry['seq']}")
    return problems


@dataclass
class BundleReport:
    problems: list[str]
    entries: int = 0
    withheld: int = 0
    proved_against: int = 0  # a proof bundle: the checkpoint's entry its paths lead to


def verify_bundle(path: str) -> BundleReport:
    """Verify an export bundle or a proof bundle. `problems` is empty when it verifies."""
    with zipfile.ZipFile(path) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        if manifest.get("format") == PROOF_FORMAT:
            return _verify_proof(zf, manifest)
    report = BundleReport(problems=[])
    problems = report.problems
    with zipfile.ZipFile(path) as zf:
        keys = {k["key_id"]: bytes.fromhex(k["public_key"]) for k in manifest["public_keys"]}
        entries_text = zf.read("entries.jsonl").decode("utf-8")
        checkpoints = [
            json.loads(x) for x in zf.read("checkpoints.jsonl").decode().splitlines() if x
        ]
        custody = json.loads(zf.read(CUSTODY_FILE)) if CUSTODY_FILE in zf.namelist() else None

    hashes: dict[int, str] = {}

    def rows() -> Iterator[Row]:
        for row in _entry_rows(x for x in entries_text.splitlines() if x):
            hashes[row[0]] = row[11]
            if row[1] is None:
                report.withheld += 1
            yield row

    first_prev = manifest["first_prev_hash"] if manifest["first_seq"] == 1 else None
    count, last_hash, problem = verify_rows(
        rows(), first_seq=manifest["first_seq"], first_prev=first_prev, withheld_allowed=True
    )
    report.entries = count
    if problem:
        problems.append(str(problem))
    expected = manifest["last_seq"] - manifest["first_seq"] + 1 if manifest["last_seq"] else 0
    if not problem and count != expected:
        problems.append(f"bundle holds {count} entries, manifest says {expected} (truncated)")
    seal = manifest["seal"]
    message = seal_message(
        manifest["first_seq"],
        manifest["first_prev_hash"],
        manifest["last_seq"],
        manifest["last_hash"],
        seal["ts"],
        manifest["withheld"],
    )
    key = keys.get(seal["key_id"])
    if key is None or not ed25519_verify(key, message, bytes.fromhex(seal["signature"])):
        problems.append("export seal signature is not valid")
    if not problem and report.withheld != manifest["withheld"]:
        problems.append(
            f"bundle withholds {report.withheld} entries, the seal says {manifest['withheld']}"
        )
    if not problem and last_hash is not None and last_hash != manifest["last_hash"]:
        problems.append("last entry's hash differs from the sealed hash")
    if count and not problem:
        first_line = json.loads(entries_text.split("\n", 1)[0])
        if first_line["prev_hash"] != manifest["first_prev_hash"]:
            problems.append("first entry's link differs from the sealed link")
    if custody is not None:
        problems.extend(_custody_problems(custody, entries_text))
    for cp in checkpoints:
        key = keys.get(cp["key_id"])
        msg = checkpoint_message(cp["seq"], cp["hash"], cp["ts"], cp.get("root"))
        if key is None or not ed25519_verify(key, msg, bytes.fromhex(cp["signature"])):
            problems.append(f"checkpoint at entry {cp['seq']}: signature is not valid")
        elif cp["seq"] in hashes and hashes[cp["seq"]] != cp["hash"]:
            problems.append(
                f"checkpoint at entry {cp['seq']}: entry hash differs from the signed one"
            )
    return report


PROOF_FORMAT = "dalil-ledger-proof/1"


def _verify_proof(zf: zipfile.ZipFile, manifest: dict[str, Any]) -> BundleReport:
    """A proof bundle: each entry's content matches its hash, its Merkle path leads to the root
    that the checkpoint signed, and the seal covers every file."""
    report = BundleReport(problems=[])
    problems = report.problems
    keys = {k["key_id"]: bytes.fromhex(k["public_key"]) for k in manifest["public_keys"]}
    texts = {name: zf.read(name).decode("utf-8") for name in manifest["files"]}
    digests = {name: hashlib.sha256(t.encode()).hexdigest() for name, t in texts.items()}
    if (
        set(zf.namelist())
        - set(texts)
        - {
            "manifest.json",
            "checkpoints.jsonl",
            "verify_ledger.py",
            "README.txt",
        }
    ):
        problems.append("the bundle holds files that its seal does not cover")
    if digests != manifest["files"]:
        problems.append("a file differs from the SHA-256 that the seal covers")
    seal = manifest["seal"]
    size, root = manifest["tree_size"], manifest["root"]
    key = keys.get(seal["key_id"])
    message = proof_seal_message(size, root, digests, seal["ts"])
    if key is None or not ed25519_verify(key, message, bytes.fromhex(seal["signature"])):
        problems.append("export seal signature is not valid")
    checkpoints = [json.loads(x) for x in zf.read("checkpoints.jsonl").decode().splitlines() if x]
    signed = [
        cp
        for cp in checkpoints
        if cp.get("root") == root
        and cp["seq"] == size
        and cp["key_id"] in keys
        and ed25519_verify(
            keys[cp["key_id"]],
            checkpoint_message(cp["seq"], cp["hash"], cp["ts"], cp["root"]),
            bytes.fromhex(cp["signature"]),
        )
    ]
    if not signed:
        problems.append(f"no validly signed checkpoint at entry {size} signs the root {root}")
    paths = {}
    for line in texts["proofs.jsonl"].splitlines():
        if line:
            p = json.loads(line)
            paths[p["seq"]] = [bytes.fromhex(h) for h in p["path"]]
    entries_text = texts["entries.jsonl"]
    for row in _entry_rows(x for x in entries_text.splitlines() if x):
        seq, ts, actor_id, actor, source, action, ttype, tid, tlabel, payload, prev, rhash = row
        report.entries += 1
        if ts is None:
            problems.append(f"entry {seq}: withheld entries cannot be proved")
            continue
        body = entry_bytes(seq, ts, actor_id, actor, source, action, ttype, tid, tlabel, payload)
        if entry_hash(prev, body) != rhash:
            problems.append(f"entry {seq}: content does not match its hash")
            continue
        reached = merkle_root_from_path(merkle_leaf(rhash), seq - 1, size, paths.get(seq, []))
        if reached is None or reached.hex() != root:
            problems.append(f"entry {seq}: its Merkle path does not lead to the signed root")
    if report.entries != manifest["entries"]:
        problems.append(
            f"bundle holds {report.entries} entries, manifest says {manifest['entries']}"
        )
    if CUSTODY_FILE in texts:
        problems.extend(_custody_problems(json.loads(texts[CUSTODY_FILE]), entries_text))
    report.proved_against = size
    return report


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python3 verify_ledger.py BUNDLE.zip", file=sys.stderr)
        return 2
    try:
        report = verify_bundle(args[0])
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        print(f"FAILED: the bundle cannot be read: {exc}")
        return 1
    if report.problems:
        for p in report.problems:
            print(f"FAILED: {p}")
        return 1
    if report.proved_against:
        print(
            f"OK: each of the {report.entries} entries matches its hash and is proved, by its "
            f"Merkle path, to be in the ledger that was signed at entry {report.proved_against}."
        )
        return 0
    if not report.withheld:
        print("OK: every entry, link, checkpoint and the export seal verify.")
        return 0
    print(
        f"OK: every link, checkpoint and the export seal verify; "
        f"{report.entries - report.withheld} of {report.entries} entries verify in full."
    )
    print(
        f"WITHHELD: {report.withheld} entries are in this bundle as their hashes only (the seal "
        "states their number). Their content was not checked: only that they hold their place "
        "in the chain."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
