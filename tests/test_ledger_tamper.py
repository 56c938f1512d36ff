"""The ledger detects tampering, and says where (RELIABILITY.md R-21, R-22).

An attacker with write access to the database lifts the append-only triggers and changes the
ledger. Each trial below applies one random mutation inside a savepoint (the triggers are dropped
inside it too), runs `integrity.verify()`, then rolls the savepoint back, so a thousand trials share
one chain.

What `first_bad_seq` must be, precisely: the lowest seq at which the stored ledger stops being the
chain the application wrote, *as far as the chain can prove it*:

- one character of one column of entry k changed, entry k deleted, a gap opened at k, a forged
  entry at k whose link is wrong, the entries k..end deleted, or entries i < j swapped: k (or i);
- a forged entry inserted at k that links correctly to k-1 and has a correct hash of its own, with
  the displaced entry (now k+1) relinked to it: k+1, the first entry whose hash no longer matches
  (the forged entry is internally consistent) -- or k when a signed checkpoint covers seq k;
- entries k..end rewritten and re-hashed into a consistent chain: the first signed checkpoint at or
  after k, because only a signature can tell a consistent chain from the original one. A rewrite
  that starts after the last checkpoint is, by design, not detectable, so trials start at or before
  it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import string
import subprocess
import sys
from collections.abc import Callable, Iterator
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import given
from hypothesis import settings as settings_hypothesis
from hypothesis import strategies as st

from dalil import audit
from dalil.audit import chain, integrity, registry, triggers
from dalil.audit.ledger import System, format_ts
from dalil.audit.models import Checkpoint, Entry

pytestmark = pytest.mark.django_db
QUERIES_OF_A_SHORT_WALK = 12

SEED = 20261125
TRIALS_PER_KIND = 55  # 19 kinds: 1,045 trials
TEXT_ALPHABET = (
    string.ascii_letters + string.digits + ' _-.:/{}[]",\\' + "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
)
HEX = "0123456789abcdef"
COLUMNS = (
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


class Officer:
    """A signed-in user as `audit.record` sees one (id and user name)."""

    is_authenticated = True

    def __init__(self, pk: int, username: str) -> None:
        self.pk = pk
        self.username = username

    def get_username(self) -> str:
        return self.username


def _payload(rng: random.Random, i: int) -> dict:
    choices: list[dict] = [
        {},
        {"i": i},
        {"reason": "نقل المادة إلى المختبر", "from": "BGD-KARADA", "to": "LAB"},
        {"changes": {"status": ["open", "closed"], "n": rng.randint(-(10**9), 10**9)}, "ok": True},
        {"evil": '"}\n{"seq":1}\x1b[31m\u202e', "none": None, "list": [1, 2.5, "ب", []]},
        {"note": "".join(rng.choice(TEXT_ALPHABET) for _ in range(rng.randint(1, 80)))},
    ]
    return choices[i % len(choices)]


def _actor(rng: random.Random, i: int) -> object:
    if i % 4 == 0:
        return System(rng.choice(["worker", "checkpoint", "cli:demo"]))
    if i % 4 == 3:
        return None
    n = rng.randint(1, 500)
    return Officer(n, f"officer{n:03d}")


def _target(rng: random.Random, i: int) -> tuple[str, str, str] | None:
    if i % 3 == 0:
        return None
    n = rng.randint(1, 10**6)
    return ("evidence.item", str(n), f"مادة BGD-2026-{n:06d}")


def build_chain(rng: random.Random, entries: int, checkpoint_every: int) -> list[int]:
    """Append `entries` entries through `audit.record`, signing a checkpoint every
    `checkpoint_every` entries and once at the end (so the last entry is checkpointed).
    Returns the checkpoint seqs."""
    actions = [a.code for a in registry.all_actions()]
    checkpoints = []
    for i in range(entries):
        with transaction.atomic():
            audit.record(
                actor=_actor(rng, i),
                action=rng.choice(actions),
                target=_target(rng, i),
                payload=_payload(rng, i),
                source=rng.choice(["web", "api", "cli:audit"]),
            )
        if (i + 1) % checkpoint_every == 0:
            checkpoints.append(integrity.checkpoint_create().seq)
    checkpoints.append(integrity.checkpoint_create().seq)
    return checkpoints


def bulk_chain(count: int, first_seq: int = 1, prev: str = chain.GENESIS) -> str:
    """Insert `count` entries computed exactly as `ledger.record` computes them, in one statement
    per 10,000 rows (fast enough for a 100k chain). Returns the new head hash."""
    start = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
    rows = []
    for seq in range(first_seq, first_seq + count):
        ts = start + dt.timedelta(microseconds=seq * 1_013)
        actor_id, actor = (
            (seq % 97, f"officer{seq % 97:03d}") if seq % 5 else (None, "system:worker")
        )
        payload = chain.canonical_json({"n": seq, "note": "سجل" if seq % 2 else "log"})
        fields = (
            actor_id,
            actor,
            "web",
            "core.file_downloaded",
            "core.blob",
            str(seq // 3),
            f"ملف {seq // 3}",
            payload,
        )
        digest = chain.entry_hash(prev, chain.entry_bytes(seq, format_ts(ts), *fields))
        rows.append((seq, connection.ops.adapt_datetimefield_value(ts), *fields, prev, digest))
        prev = digest
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with cur.cursor.copy(f"COPY audit_entry ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            insert = (
                f"INSERT INTO audit_entry ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * 12)})"
            )
            cur.executemany(insert, rows)
    return prev


# --- Tampering -----------------------------------------------------------------------------------
def _sql(sql: str, params: list | tuple = ()) -> list[tuple]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall() if cur.description else []


@contextlib.contextmanager
def tampering() -> Iterator[None]:
    """A savepoint in which the append-only triggers are gone; everything is rolled back after."""
    with transaction.atomic():
        with connection.cursor() as cur:
            for table in triggers.APPEND_ONLY_TABLES:
                for sql in triggers._drop_statements(connection.vendor, table):
                    cur.execute(sql)
        yield
        transaction.set_rollback(True)


def _change_one_char(rng: random.Random, text: str, alphabet: str) -> str:
    if not text:
        return rng.choice(alphabet)
    pos = rng.randrange(len(text))
    new = rng.choice([c for c in alphabet if c != text[pos]])
    return text[:pos] + new + text[pos + 1 :]


def _renumber_from(k: int, by: int) -> None:
    """Move entries k.. up by `by` (through negative seqs, so no two rows ever share a seq)."""
    _sql("UPDATE audit_entry SET seq = -(seq + %s) WHERE seq >= %s", [by, k])
    _sql("UPDATE audit_entry SET seq = -seq WHERE seq < 0")


def _forge(seq: int, prev: str, rng: random.Random) -> tuple[tuple, str]:
    ts = dt.datetime(2026, 5, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=rng.randint(1, 10**12))
    fields = (
        None,
        "system:forger",
        "web",
        "accounts.user_created",
        "accounts.user",
        "9",
        "مزوّر",
        chain.canonical_json({"forged": rng.randint(1, 10**6)}),
    )
    digest = chain.entry_hash(prev, chain.entry_bytes(seq, format_ts(ts), *fields))
    return (seq, connection.ops.adapt_datetimefield_value(ts), *fields, prev, digest), digest


def _insert(row: tuple) -> None:
    _sql(f"INSERT INTO audit_entry ({', '.join(COLUMNS)}) VALUES ({', '.join(['%s'] * 12)})", row)


def _hash_at(seq: int) -> str:
    return chain.GENESIS if seq == 0 else Entry.objects.values_list("hash", flat=True).get(seq=seq)


class Mutations:
    """Each mutation changes the stored ledger and returns (expected first_bad_seq, what it did)."""

    def __init__(self, rng: random.Random, last: int, checkpoints: list[int]) -> None:
        self.rng = rng
        self.n = last
        self.checkpoints = checkpoints

    def kinds(self) -> list[tuple[str, Callable[[], tuple[int, str]]]]:
        columns = [(f"change {c}", lambda c=c: self.change_column(c)) for c in COLUMNS]
        return [
            *columns,
            ("delete", self.delete),
            ("swap", self.swap),
            ("gap", self.gap),
            ("forge unlinked", self.forge_unlinked),
            ("forge linked", self.forge_linked),
            ("truncate", self.truncate),
            ("rewrite suffix", self.rewrite_suffix),
        ]

    def change_column(self, column: str) -> tuple[int, str]:
        rng, k = self.rng, self.rng.randint(1, self.n)
        if column == "seq":
            new: object = rng.randint(self.n + 1, 10 * self.n)
        elif column == "ts":
            new = self._changed_ts(k)
        elif column == "actor_id":
            old = _sql("SELECT actor_id FROM audit_entry WHERE seq = %s", [k])[0][0]
            if old is None:
                new = rng.randint(0, 10**6)
            else:
                new = rng.choice([None, int(_change_one_char(rng, str(old), string.digits))])
                while new == old:
                    new = int(_change_one_char(rng, str(old), string.digits))
        else:
            old = _sql(f"SELECT {column} FROM audit_entry WHERE seq = %s", [k])[0][0]
            alphabet = HEX + "g" if column in ("prev_hash", "hash") else TEXT_ALPHABET
            new = _change_one_char(rng, old, alphabet)
        _sql(f"UPDATE audit_entry SET {column} = %s WHERE seq = %s", [new, k])
        return k, f"entry {k}: {column} -> {new!r}"

    def _changed_ts(self, k: int) -> object:
        if connection.vendor == "sqlite":  # the stored text itself, any character, valid or not
            raw = _sql("SELECT CAST(ts AS TEXT) FROM audit_entry WHERE seq = %s", [k])[0][0]
            return _change_one_char(self.rng, raw, string.digits + " :-.Tx")
        # PostgreSQL stores an instant: change one digit of its text to another valid instant.
        text = format_ts(Entry.objects.get(seq=k).ts)
        digits = [i for i, c in enumerate(text) if c.isdigit()]
        while True:
            pos = self.rng.choice(digits)
            new = (
                text[:pos] + self.rng.choice(string.digits.replace(text[pos], "")) + text[pos + 1 :]
            )
            try:
                return dt.datetime.strptime(new, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.UTC)
            except ValueError:
                continue

    def delete(self) -> tuple[int, str]:
        k = self.rng.randint(1, self.n)
        _sql("DELETE FROM audit_entry WHERE seq = %s", [k])
        return k, f"entry {k} deleted"

    def swap(self) -> tuple[int, str]:
        i, j = sorted(self.rng.sample(range(1, self.n + 1), 2))
        _sql("UPDATE audit_entry SET seq = -1 WHERE seq = %s", [i])
        _sql("UPDATE audit_entry SET seq = %s WHERE seq = %s", [i, j])
        _sql("UPDATE audit_entry SET seq = %s WHERE seq = -1", [j])
        return i, f"entries {i} and {j} swapped"

    def gap(self) -> tuple[int, str]:
        k, by = self.rng.randint(1, self.n), self.rng.randint(1, 5)
        _renumber_from(k, by)
        return k, f"entries {k}.. renumbered +{by}"

    def forge_unlinked(self) -> tuple[int, str]:
        k = self.rng.randint(1, self.n)
        _renumber_from(k, 1)
        row, _ = _forge(k, "".join(self.rng.choice(HEX) for _ in range(64)), self.rng)
        _insert(row)
        return k, f"forged entry inserted at {k} with a made-up link"

    def forge_linked(self) -> tuple[int, str]:
        k = self.rng.randint(1, self.n)
        row, digest = _forge(k, _hash_at(k - 1), self.rng)
        _renumber_from(k, 1)
        _sql("UPDATE audit_entry SET prev_hash = %s WHERE seq = %s", [digest, k + 1])
        _insert(row)
        # If k itself is checkpointed, its signature already proves the forged entry wrong.
        return min(
            k + 1, self._checkpoint_at_or_after(k)
        ), f"forged entry inserted at {k}, linked both ways"

    def truncate(self) -> tuple[int, str]:
        k = self.rng.randint(1, self.checkpoints[-1])
        _sql("DELETE FROM audit_entry WHERE seq >= %s", [k])
        return k, f"entries {k}.. deleted"

    def rewrite_suffix(self) -> tuple[int, str]:
        k = self.rng.randint(1, self.checkpoints[-1])
        rows = list(integrity.iter_rows(k, self.n))
        prev = rows[0][10]
        updates = []
        for row in rows:
            payload = chain.canonical_json({"rewritten": True}) if row[0] == k else row[9]
            digest = chain.entry_hash(prev, chain.entry_bytes(*row[:9], payload))
            updates.append((payload, prev, digest, row[0]))
            prev = digest
        with connection.cursor() as cur:
            cur.executemany(
                "UPDATE audit_entry SET payload = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                updates,
            )
        assert chain.verify_rows(integrity.iter_rows())[2] is None  # the fake chain is consistent
        return self._checkpoint_at_or_after(k), f"entries {k}.. rewritten and re-hashed"

    def _checkpoint_at_or_after(self, k: int) -> int:
        return min(c for c in self.checkpoints if c >= k)


# --- Tests ---------------------------------------------------------------------------------------
def test_a_thousand_random_mutations_are_all_detected_at_the_first_bad_entry():
    rng = random.Random(SEED)
    checkpoints = build_chain(rng, entries=300, checkpoint_every=70)
    last = Entry.objects.order_by("-seq").values_list("seq", flat=True).first()
    assert last == checkpoints[-1] == 300 + len(checkpoints)
    assert integrity.verify().ok
    mutations = Mutations(rng, last, checkpoints)
    kinds = mutations.kinds()
    assert len(kinds) == 19

    missed, trials, seen = [], 0, set()
    for round_ in range(TRIALS_PER_KIND):
        for name, mutate in kinds:
            with tampering():
                expected, what = mutate()
                report = integrity.verify()
            trials += 1
            seen.add(name)
            named = any(p.startswith(f"entry {expected}:") for p in report.problems)
            if report.ok or report.first_bad_seq != expected or not named:
                missed.append(
                    f"{name}: {what}: expected {expected}, got {report.first_bad_seq} "
                    f"{report.problems}"
                )
        if round_ % 10 == 0:  # the savepoints really did put everything back
            assert integrity.verify().ok
    assert trials >= 1000
    assert seen == {name for name, _ in kinds}
    assert not missed, f"{len(missed)} of {trials} trials (seed {SEED}):\n" + "\n".join(missed[:20])
    assert integrity.verify().ok
    assert sorted(triggers.installed_tables()) == sorted(triggers.APPEND_ONLY_TABLES)


def test_tampered_checkpoints_are_reported():
    rng = random.Random(SEED + 1)
    build_chain(rng, entries=20, checkpoint_every=8)
    cp = Checkpoint.objects.order_by("seq")[1]
    changes = {
        "signature": _change_one_char(rng, cp.signature, HEX),
        "hash": _change_one_char(rng, cp.hash, HEX),
        "seq": cp.seq - 1,
        "ts": cp.ts + dt.timedelta(microseconds=1),
        "key_id": _change_one_char(rng, cp.key_id, HEX),
    }
    for column, value in changes.items():
        with tampering():
            Checkpoint.objects.filter(pk=cp.pk).update(**{column: value})
            report = integrity.verify()
        seq = value if column == "seq" else cp.seq
        assert not report.ok, column
        assert f"checkpoint at entry {seq}: signature is not valid" in report.problems, column
    assert integrity.verify().ok


def test_a_hundred_thousand_entries_verify_and_tampering_in_them_is_found():
    """(How fast: bench/ledger_bench.py, R-23.)"""
    head = bulk_chain(60_000)
    integrity.checkpoint_create()
    bulk_chain(40_000, first_seq=60_002, prev=Entry.objects.get(seq=60_001).hash)
    assert head == Entry.objects.get(seq=60_000).hash
    integrity.checkpoint_create()

    report = integrity.verify()
    assert report.ok, report.problems
    assert (report.entries, report.checkpoints) == (100_002, 2)

    rng = random.Random(SEED + 2)
    mutations = Mutations(rng, 100_002, [60_001, 100_002])
    for mutate in (
        lambda: mutations.change_column("payload"),
        mutations.delete,
        mutations.swap,
        mutations.truncate,
    ):
        with tampering():
            expected, what = mutate()
            report = integrity.verify()
        assert report.first_bad_seq == expected, (what, report.problems)


def test_a_forged_huge_seq_is_reported_without_walking_the_empty_range(
    django_assert_max_num_queries,
):
    rng = random.Random(SEED + 3)
    build_chain(rng, entries=10, checkpoint_every=100)
    last = Entry.objects.order_by("-seq").values_list("seq", flat=True).first()
    with tampering():
        _sql("UPDATE audit_entry SET seq = %s WHERE seq = %s", [10**15, last])
        # The walk follows the rows present: a step through the empty range would be billions.
        with django_assert_max_num_queries(QUERIES_OF_A_SHORT_WALK):
            report = integrity.verify()
    assert report.first_bad_seq == last
    assert any(p.startswith(f"entry {last}: sequence broken") for p in report.problems)


def test_entries_written_on_a_whole_second_verify(time_machine):
    # Django stores such a time without a fraction; the verifier must spell it with .000000Z.
    time_machine.move_to(dt.datetime(2026, 6, 1, 9, 30, 0, tzinfo=dt.UTC), tick=False)
    with transaction.atomic():
        entry = audit.record(actor=System("test"), action="audit.ledger_verified")
    rows = list(integrity.iter_rows())
    assert rows[0][1] == "2026-06-01T09:30:00.000000Z"
    assert entry.ts.microsecond == 0
    assert integrity.verify().ok


def test_a_column_of_an_unexpected_type_is_a_mismatch_not_a_crash():
    good = (1, "2026-01-01T00:00:00.000001Z", 7, "u", "web", "a.b", "t", "9", "l", "{}")
    digest = chain.entry_hash(chain.GENESIS, chain.entry_bytes(*good))
    assert chain.verify_rows([(*good, chain.GENESIS, digest)]) == (1, digest, None)
    for i, odd in [(7, 9), (2, True), (2, 7.0), (9, 1), (9, None), (1, None)]:
        row = list(good)
        row[i] = odd
        count, _, problem = chain.verify_rows([(*row, chain.GENESIS, digest)])
        assert (count, problem) == (0, chain.Problem(1, "content does not match its hash")), odd


def test_audit_verify_command_names_the_first_bad_entry():
    rng = random.Random(SEED + 4)
    build_chain(rng, entries=12, checkpoint_every=5)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("OK: ")
    with tampering():
        _sql("UPDATE audit_entry SET actor = %s WHERE seq = %s", ["someone-else", 7])
        err = StringIO()
        with pytest.raises(SystemExit) as exit_:
            call_command("audit", "verify", stdout=StringIO(), stderr=err)
    assert exit_.value.code == 1
    assert "FAILED: entry 7: content does not match its hash" in err.getvalue()
    assert "first bad entry: 7" in err.getvalue()


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_dalil_audit_verify_exits_non_zero_on_a_changed_row_and_zero_on_an_intact_chain(tmp_path):
    rng = random.Random(SEED + 5)
    build_chain(rng, entries=15, checkpoint_every=6)
    dalil = Path(sys.executable).with_name("dalil")
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": _database_url(),
        "DALIL_DATA_DIR": str(tmp_path),
        "DALIL_KEYS_DIR": str(settings.DALIL_KEYS_DIR),
        "HOME": str(tmp_path),
    }

    def run() -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(dalil), "audit", "verify"], env=env, capture_output=True, text=True, timeout=60
        )

    intact = run()
    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.startswith("OK: ")

    with triggers.suspended(), transaction.atomic():
        _sql("UPDATE audit_entry SET payload = %s WHERE seq = %s", ['{"i":999}', 9])
    broken = run()
    assert broken.returncode == 1
    assert "FAILED: entry 9: content does not match its hash" in broken.stderr
    assert "first bad entry: 9" in broken.stderr


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings_hypothesis(max_examples=300, deadline=None)
@given(
    seq=st.integers(min_value=1, max_value=2**62),
    actor_id=st.none() | st.integers(min_value=0, max_value=2**62),
    texts=st.lists(st.text(), min_size=7, max_size=7),
    payload=st.dictionaries(st.text(), json_values, max_size=5),
)
def test_the_spelled_out_entry_equals_json_dumps_of_the_whole_entry_for_any_text(
    seq, actor_id, texts, payload
):
    ts, actor, source, action, target_type, target_id, target_label = texts
    fields = dict(
        seq=seq,
        ts=ts,
        actor_id=actor_id,
        actor=actor,
        source=source,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
    )
    whole = chain.canonical_json({**fields, "payload": payload}).encode()
    assert chain.entry_bytes(payload_json=chain.canonical_json(payload), **fields) == whole
