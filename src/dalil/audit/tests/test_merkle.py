"""The Merkle tree over the ledger (ADR 0026): the tree is RFC 6962's, every path proves its entry,
checkpoints sign the root, `dalil audit verify` regrows it, and a proof bundle verifies offline
and fails once the ledger it was signed over has been rewritten."""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from dalil import audit
from dalil.audit import chain, integrity, merkle, triggers
from dalil.audit.ledger import System
from dalil.audit.models import Checkpoint, Entry, MerkleBlock

pytestmark = pytest.mark.django_db


def rfc6962_root(leaves: list[bytes]) -> bytes:
    """MTH(D[n]) exactly as RFC 6962 section 2.1 writes it (recursive split at the largest power
    of two below n)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return chain.merkle_node(rfc6962_root(leaves[:k]), rfc6962_root(leaves[k:]))


def fake_hashes(n: int) -> list[str]:
    return [hashlib.sha256(str(i).encode()).hexdigest() for i in range(n)]


def test_the_tree_is_rfc_6962s_and_every_path_leads_to_its_root():
    hashes = fake_hashes(70)
    for n in range(0, 71):
        leaves = [chain.merkle_leaf(h) for h in hashes[:n]]
        root = chain.merkle_root(leaves)
        assert root == rfc6962_root(leaves).hex(), n
        frontier = merkle.Frontier()
        for h in hashes[:n]:
            frontier.add(h)
        assert frontier.root() == root, n
        levels = chain.merkle_levels(leaves) if leaves else []
        for i in range(n):
            path = chain.merkle_path(levels, i)
            assert chain.merkle_root_from_path(leaves[i], i, n, path).hex() == root
            # Another index, another leaf, a changed sibling or a path too long: not the root.
            if n > 1:
                other = chain.merkle_root_from_path(leaves[i], (i + 1) % n, n, path)
                assert other is None or other.hex() != root
                assert chain.merkle_root_from_path(leaves[(i + 1) % n], i, n, path).hex() != root
                bad = [bytes(32), *path[1:]]
                assert chain.merkle_root_from_path(leaves[i], i, n, bad).hex() != root
            assert chain.merkle_root_from_path(leaves[i], i, n, [*path, bytes(32)]) is None
    assert chain.merkle_root_from_path(b"x" * 32, 5, 5, []) is None


def test_a_frontier_reports_each_64_entry_block_as_it_completes():
    hashes = fake_hashes(200)
    frontier = merkle.Frontier()
    for h in hashes:
        frontier.add(h)
    leaves = [chain.merkle_leaf(h) for h in hashes]
    assert frontier.blocks == [chain.merkle_root(leaves[i : i + 64]) for i in (0, 64, 128)]


def _append(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit.record(actor=System("test"), action="audit.ledger_verified", payload={"i": i})


def _ledger_root(size: int) -> str:
    hashes = Entry.objects.filter(seq__lte=size).order_by("seq").values_list("hash", flat=True)
    return chain.merkle_root([chain.merkle_leaf(h) for h in hashes])


def test_a_checkpoint_signs_the_root_over_every_entry_and_keeps_the_whole_blocks():
    _append(140)
    cp = integrity.checkpoint_create()
    assert cp.seq == 141 and cp.merkle_root == _ledger_root(141)
    assert list(MerkleBlock.objects.values_list("index", flat=True)) == [0, 1]
    message = chain.checkpoint_message(cp.seq, cp.hash, integrity.format_ts(cp.ts), cp.merkle_root)
    assert chain.ed25519_verify(integrity.public_key_bytes(), message, bytes.fromhex(cp.signature))
    for size in (1, 63, 64, 65, 128, 141):
        assert merkle.root_at(size) == _ledger_root(size), size
    paths = merkle.paths([1, 64, 65, 100, 141], 141)
    for seq, path in paths.items():
        leaf = chain.merkle_leaf(Entry.objects.get(seq=seq).hash)
        reached = chain.merkle_root_from_path(leaf, seq - 1, 141, [bytes.fromhex(p) for p in path])
        assert reached.hex() == cp.merkle_root, seq
    assert integrity.verify().ok
    with pytest.raises(DatabaseError), transaction.atomic():
        MerkleBlock.objects.filter(index=0).update(hash="0" * 64)


@pytest.mark.django_db(transaction=True)
def test_verify_regrows_the_tree_and_names_a_forged_block_or_root():
    _append(70)
    cp = integrity.checkpoint_create()
    assert integrity.verify().ok
    with triggers.suspended(), connection.cursor() as cur:
        cur.execute('UPDATE audit_merkle_block SET hash = %s WHERE "index" = 0', ["ab" * 32])
    report = integrity.verify()
    assert not report.ok and report.first_bad_seq == 1
    assert any("Merkle block of entries 1..64" in p for p in report.problems), report.problems
    with triggers.suspended(), connection.cursor() as cur:
        good = _ledger_root(64)
        cur.execute('UPDATE audit_merkle_block SET hash = %s WHERE "index" = 0', [good])
        cur.execute(
            "UPDATE audit_checkpoint SET merkle_root = %s WHERE id = %s", ["cd" * 32, cp.id]
        )
    report = integrity.verify()
    assert any("signature is not valid" in p for p in report.problems), report.problems


def _proof(seqs: list[int]) -> bytes:
    out = io.BytesIO()
    integrity.export_proof(out, actor=System("test"), seqs=seqs)
    return out.getvalue()


def test_a_proof_bundle_carries_only_its_entries_and_verifies_offline(tmp_path: Path):
    _append(200)
    first_cp = integrity.checkpoint_create()
    _append(30)  # after the checkpoint: proving entry 220 signs a new one
    data = _proof([5, 150, 220])
    path = tmp_path / "proof.zip"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as zf:
        lines = zf.read("entries.jsonl").decode().splitlines()
        zf.extract("verify_ledger.py", tmp_path)
        cps = [json.loads(x) for x in zf.read("checkpoints.jsonl").decode().splitlines()]
    assert [json.loads(x)["seq"] for x in lines] == [5, 150, 220]
    assert len(cps) == 1 and cps[0]["seq"] > first_cp.seq and cps[0]["root"]
    assert Checkpoint.objects.count() == 2
    assert chain.verify_bundle(str(path)).problems == []
    run = subprocess.run(
        ["python3", str(tmp_path / "verify_ledger.py"), str(path)], capture_output=True, text=True
    )
    assert run.returncode == 0 and "Merkle path" in run.stdout, run.stdout
    # Entry 150 is proved against the first checkpoint's tree when only it is asked for.
    with zipfile.ZipFile(io.BytesIO(_proof([150]))) as zf:
        assert json.loads(zf.read("manifest.json"))["tree_size"] == first_cp.seq


def _reseal(src: Path, dst: Path, name: str, change) -> Path:
    """Change one file and seal the bundle again with the ledger's own key: what a forger who
    holds the key could do; the checkpoint signed before still binds the root."""
    with zipfile.ZipFile(src) as zin:
        files = {i.filename: zin.read(i.filename) for i in zin.infolist()}
    files[name] = change(files[name])
    manifest = json.loads(files["manifest.json"])
    for f in manifest["files"]:
        manifest["files"][f] = hashlib.sha256(files[f]).hexdigest()
    ts = manifest["seal"]["ts"]
    message = chain.proof_seal_message(
        manifest["tree_size"], manifest["root"], manifest["files"], ts
    )
    manifest["seal"]["signature"] = integrity.signing_key().sign(message).hex()
    files["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(dst, "w") as zout:
        for fname, body in files.items():
            zout.writestr(fname, body)
    return dst


def test_a_proof_fails_after_any_single_change_even_resealed(tmp_path: Path):
    _append(100)
    integrity.checkpoint_create()
    path = tmp_path / "proof.zip"
    path.write_bytes(_proof([10, 70]))
    assert chain.verify_bundle(str(path)).problems == []

    def entry_payload(body: bytes) -> bytes:
        rows = body.decode().splitlines()
        e = json.loads(rows[0])
        e["payload"] = e["payload"].replace("}", ',"x":1}')
        # The forger recomputes the entry's own hash, so only the Merkle path can catch it.
        e["hash"] = chain.entry_hash(
            e["prev_hash"],
            chain.entry_bytes(
                *(
                    e[k]
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
                )
            ),
        )
        rows[0] = json.dumps(e)
        return ("\n".join(rows) + "\n").encode()

    def path_hash(body: bytes) -> bytes:
        rows = body.decode().splitlines()
        p = json.loads(rows[1])
        p["path"][2] = "00" * 32
        rows[1] = json.dumps(p)
        return ("\n".join(rows) + "\n").encode()

    def dropped_entry(body: bytes) -> bytes:
        return (body.decode().splitlines()[1] + "\n").encode()

    for what, name, change in (
        ("an entry rewritten with its own hash", "entries.jsonl", entry_payload),
        ("a hash of a path", "proofs.jsonl", path_hash),
        ("an entry dropped", "entries.jsonl", dropped_entry),
    ):
        bad = _reseal(path, tmp_path / "bad.zip", name, change)
        assert chain.verify_bundle(str(bad)).problems, what
    # Unsealed changes are caught by the seal alone.
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp_path / "b2.zip", "w") as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            zout.writestr(info, body + b"\n" if info.filename == "proofs.jsonl" else body)
    assert "a file differs" in " ".join(chain.verify_bundle(str(tmp_path / "b2.zip")).problems)


@pytest.mark.django_db(transaction=True)
def test_an_entry_rewritten_in_the_database_after_its_checkpoint_cannot_be_proved(tmp_path):
    """Someone with the database owner's rights rewrites entry 10 and re-chains every entry
    after it, so the chain itself looks whole: the signed root still convicts it."""
    _append(80)
    integrity.checkpoint_create()
    rows = list(
        Entry.objects.order_by("seq").values_list(
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
        )
    )
    prev = Entry.objects.get(seq=9).hash
    with triggers.suspended(), connection.cursor() as cur:
        for seq, ts, actor_id, actor, source, action, tt, tid, tl, payload, _p in rows[9:]:
            if seq == 10:
                payload = chain.canonical_json({**json.loads(payload), "i": 999})
            body = chain.entry_bytes(
                seq,
                integrity.format_ts(ts),
                actor_id,
                actor,
                source,
                action,
                tt,
                tid,
                tl,
                payload,
            )
            new = chain.entry_hash(prev, body)
            cur.execute(
                "UPDATE audit_entry SET payload = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [payload, prev, new, seq],
            )
            prev = new
    path = tmp_path / "p.zip"
    path.write_bytes(_proof([10]))
    problems = chain.verify_bundle(str(path)).problems
    assert any("does not lead to the signed root" in p for p in problems), problems
    assert not integrity.verify().ok
