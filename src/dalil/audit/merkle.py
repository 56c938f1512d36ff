"""The Merkle tree over the ledger, on the server side (ADR 0026; the tree itself and the check of
a path are in `chain.py`, which travels in bundles).

The tree's leaves are the hashes of entries 1..n. Its lower six levels are kept as `MerkleBlock`
rows, the roots of aligned 64-entry blocks, appended when a checkpoint is signed; the level above
them is the list of block roots plus the root of the unfinished last block. So the root at any
size, and the path of any entry, cost one read of n/64 block roots and of the entry's own block,
never a walk of the ledger. Building the tree level by level makes this exact: a block starts on a
multiple of 64, so its first six levels pair only its own nodes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from . import chain
from .models import Entry, MerkleBlock

BLOCK = 64  # leaves per kept block: 2**6
_READ = 64 * 1024  # entries read at a time when blocks are built


class LedgerGap(RuntimeError):
    """The ledger's entries are not numbered 1, 2, 3… without a gap: no tree can be built."""


def _leaves(first: int, last: int) -> list[bytes]:
    """The leaves of entries first..last, which must all be there."""
    rows = list(
        Entry.objects.filter(seq__gte=first, seq__lte=last)
        .order_by("seq")
        .values_list("seq", "hash")
    )
    if len(rows) != last - first + 1 or (rows and (rows[0][0], rows[-1][0]) != (first, last)):
        raise LedgerGap(f"entries {first}..{last} are not all in the ledger")
    leaf = chain.merkle_leaf
    return [leaf(h) for _seq, h in rows]


def extend_blocks(size: int) -> int:
    """Keep the root of every whole block of entries 1..`size` not kept yet. Called by the
    checkpoint, under the ledger's write lock. Returns how many blocks were added."""
    last = MerkleBlock.objects.order_by("-index").values_list("index", flat=True).first()
    start = 0 if last is None else last + 1
    whole = size // BLOCK
    added = 0
    for lo in range(start, whole, _READ // BLOCK):
        hi = min(lo + _READ // BLOCK, whole)
        leaves = _leaves(lo * BLOCK + 1, hi * BLOCK)
        MerkleBlock.objects.bulk_create(
            MerkleBlock(
                index=b, hash=chain.merkle_root(leaves[(b - lo) * BLOCK : (b - lo + 1) * BLOCK])
            )
            for b in range(lo, hi)
        )
        added += hi - lo
    return added


def _upper(size: int) -> list[bytes]:
    """Level six of the tree of `size` leaves: the kept block roots and the unfinished block's."""
    whole = size // BLOCK
    roots = [
        bytes.fromhex(h)
        for h in MerkleBlock.objects.filter(index__lt=whole)
        .order_by("index")
        .values_list("hash", flat=True)
    ]
    if len(roots) != whole:
        raise LedgerGap(f"the tree's blocks below entry {whole * BLOCK} are not all kept")
    if size % BLOCK:
        roots.append(bytes.fromhex(chain.merkle_root(_leaves(whole * BLOCK + 1, size))))
    return roots


def root_at(size: int) -> str:
    """The root of the tree over entries 1..`size` (their blocks must be kept: `extend_blocks`)."""
    return chain.merkle_root(_upper(size)) if size else chain.EMPTY_ROOT


def paths(seqs: Iterable[int], size: int) -> dict[int, list[str]]:
    """The path of each entry in `seqs` to the root of the tree over entries 1..`size`."""
    upper = chain.merkle_levels(_upper(size))
    out: dict[int, list[str]] = {}
    blocks: dict[int, list[list[bytes]]] = {}
    for seq in sorted(set(seqs)):
        if not 1 <= seq <= size:
            raise ValueError(f"entry {seq} is not in a tree of {size} entries")
        b = (seq - 1) // BLOCK
        if b not in blocks:
            blocks[b] = chain.merkle_levels(_leaves(b * BLOCK + 1, min((b + 1) * BLOCK, size)))
        lower = chain.merkle_path(blocks[b], (seq - 1) % BLOCK)
        out[seq] = [h.hex() for h in lower + chain.merkle_path(upper, b)]
    return out


class Frontier:
    """The tree grown one leaf at a time, as `dalil audit verify` walks the ledger: the roots of
    its largest whole subtrees, one per set bit of the size (largest first). Gives the root at
    the current size, and the root of each 64-leaf block as it is completed."""

    def __init__(self) -> None:
        self.size = 0
        self._nodes: list[bytes] = []
        self.blocks: list[str] = []

    def add(self, entry_hash_hex: str) -> None:
        # The n-th leaf closes as many subtrees as n has trailing zero bits (a binary counter).
        sha256, nodes = hashlib.sha256, self._nodes
        node = sha256(b"\x00" + bytes.fromhex(entry_hash_hex)).digest()
        self.size += 1
        merges = (self.size & -self.size).bit_length() - 1
        for level in range(merges):
            node = sha256(b"\x01" + nodes.pop() + node).digest()
            if level == 5:  # six merges: a whole block of 64 leaves
                self.blocks.append(node.hex())
        nodes.append(node)

    def root(self) -> str:
        if not self._nodes:
            return chain.EMPTY_ROOT
        node = self._nodes[-1]
        for left in reversed(self._nodes[:-1]):
            node = chain.merkle_node(left, node)
        return node.hex()
