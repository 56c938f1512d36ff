from __future__ import annotations

import itertools
import json

import pytest
from django.db import DatabaseError, connection, transaction

from dalil import audit
from dalil.audit import chain, integrity
from dalil.audit.ledger import System
from dalil.audit.models import Entry

pytestmark = pytest.mark.django_db


def _append(n: int) -> None:
    for i in range(n):
        with transaction.atomic():
            audit.record(
                actor=System("test"),
                action="audit.ledger_verified",
                payload={"i": i, "text": "نص عربي\r\n"},
            )


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_write_outside_a_transaction():
    with pytest.raises(RuntimeError):
        audit.record(actor=System("test"), action="audit.ledger_verified")
    assert Entry.objects.count() == 0


def test_record_refuses_an_unregistered_action_code():
    with transaction.atomic(), pytest.raises(LookupError):
        audit.record(actor=System("test"), action="nobody.registered_this")


def test_entries_chain_from_genesis_and_verify():
    _append(5)
    entries = list(Entry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5]
    assert entries[0].prev_hash == chain.GENESIS
    for a, b in itertools.pairwise(entries):
        assert b.prev_hash == a.hash
    assert integrity.verify().ok


def test_spliced_canonical_form_equals_canonical_json_of_the_whole_entry():
    payload = {"z": [1, "ب"], "a": {"k": None, "x": "line\nbreak \u202e"}}
    fields = dict(
        seq=7,
        ts="2026-11-25T10:00:00.000001Z",
        actor_id=3,
        actor="u",
        source="web",
        action="a.b",
        target_type="t",
        target_id="9",
        target_label="هدف",
    )
    spliced = chain.entry_bytes(payload_json=chain.canonical_json(payload), **fields)
    whole = chain.canonical_json({**fields, "payload": payload}).encode()
    assert spliced == whole


def test_log_injection_characters_stay_inside_one_json_value():
    with transaction.atomic():
        e = audit.record(
            actor=System("test"),
            action="audit.ledger_verified",
            payload={"evil": '"}\n{"seq":1}\x1b[31m\u202e'},
        )
    assert json.loads(e.payload)["evil"].startswith('"}\n')
    assert "\n" not in e.payload  # escaped, so one line per entry in exports


@pytest.mark.parametrize("sql", ["UPDATE audit_entry SET actor = 'x'", "DELETE FROM audit_entry"])
def test_ledger_table_refuses_update_and_delete_in_the_database(sql):
    _append(2)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
        cur.execute(sql)
    assert Entry.objects.count() == 2


def test_checkpoint_signature_verifies_with_the_stdlib_verifier():
    _append(3)
    cp = integrity.checkpoint_create()
    public = integrity.public_key_bytes()
    msg = chain.checkpoint_message(cp.seq, cp.hash, integrity.format_ts(cp.ts), cp.merkle_root)
    assert chain.ed25519_verify(public, msg, bytes.fromhex(cp.signature))
    assert not chain.ed25519_verify(public, msg + b"x", bytes.fromhex(cp.signature))


def test_checkpoint_if_due_waits_for_the_interval(settings):
    _append(1)
    assert integrity.checkpoint_if_due() is not None
    _append(1)
    assert integrity.checkpoint_if_due() is None  # within 15 minutes
    settings.DALIL_CHECKPOINT_INTERVAL_SECONDS = 0
    assert integrity.checkpoint_if_due() is not None


@pytest.mark.django_db(transaction=True)
def test_removing_the_tail_and_its_checkpoint_rows_is_caught_by_the_witness_file():
    from dalil.audit import triggers
    from dalil.audit.models import Checkpoint

    _append(5)
    cp = integrity.checkpoint_create()
    assert integrity.witness_path().read_text().count("\n") == 1
    _append(2)
    assert integrity.verify().ok
    with triggers.suspended(), connection.cursor() as cur:
        cur.execute("DELETE FROM audit_checkpoint")
        cur.execute("DELETE FROM audit_entry WHERE seq >= %s", [cp.seq - 1])
    assert not Checkpoint.objects.exists()
    report = integrity.verify()
    assert not report.ok
    assert report.first_bad_seq == cp.seq - 1
    assert any("witness file" in p for p in report.problems)


@pytest.mark.django_db(transaction=True)
def test_a_forged_line_in_the_witness_file_is_reported():
    _append(2)
    integrity.checkpoint_create()
    with integrity.witness_path().open("a") as fh:
        fh.write('{"seq": 1, "hash": "00", "ts": "x", "key_id": "k", "signature": "00"}\n')
    report = integrity.verify()
    assert any("not validly signed" in p for p in report.problems)
