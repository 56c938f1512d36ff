#!/usr/bin/env python3
"""Compile gettext catalogues (.po) to .mo files with the Python standard library alone.

`make messages` compiles with Django's `compilemessages` (GNU msgfmt) when gettext is installed
and falls back to this script when it is not, so that `make demo` works on a machine without
the Debian `gettext` package. The test suite checks that both produce the same catalogue.

Like msgfmt, it leaves out fuzzy, untranslated and obsolete (#~) entries and the header's
POT-Creation-Date.

    python scripts/compile_messages.py src/dalil/locale
"""

from __future__ import annotations

import re
import struct
import sys
from dataclasses import dataclass, field
from pathlib import Path

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}  # fmt: skip


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # plural index (0 when singular) -> text
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0

    @property
    def plural(self) -> bool:
        return self.msgid_plural is not None


def _unquote(literal: str, where: str) -> str:
    literal = literal.strip()
    if len(literal) < 2 or literal[0] != '"' or literal[-1] != '"':
        raise ValueError(f"{where}: expected a quoted string, got {literal!r}")

    def escape(m: re.Match[str]) -> str:
        if m.group(1) not in _ESCAPES:
            raise ValueError(f"{where}: unsupported escape \\{m.group(1)}")
        return _ESCAPES[m.group(1)]

    return re.sub(r"\\(.)", escape, literal[1:-1])


def parse(text: str, name: str = "<po>") -> list[Entry]:
    """Read a .po file into entries; the header is the entry whose msgid is empty.

    An entry ends at a blank line, or where a comment, `msgctxt` or `msgid` follows its msgstr."""
    entries: list[Entry] = []
    cur: Entry | None = None
    field_name: str | None = None  # the field that continuation lines extend
    index = 0

    def finish() -> None:
        nonlocal cur, field_name
        if cur is not None and cur.msgstr:
            entries.append(cur)
        cur, field_name = None, None

    for number, raw in enumerate(text.splitlines(), 1):
        where = f"{name}:{number}"
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish()
            continue
        starts_entry = line.startswith(("#", "msgctxt ", "msgid "))
        if cur is not None and cur.msgstr and starts_entry:
            finish()
        if cur is None:
            cur = Entry(line=number)
        cur.obsolete = cur.obsolete or obsolete
        if line.startswith("#"):
            if line.startswith("#,"):
                cur.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith('"'):
            if field_name is None:
                raise ValueError(f"{where}: continuation line outside a message")
            if field_name == "msgstr":
                cur.msgstr[index] += _unquote(line, where)
            else:
                setattr(cur, field_name, getattr(cur, field_name) + _unquote(line, where))
            continue
        keyword, _, rest = line.partition(" ")
        plural_form = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if plural_form:
            field_name, index = "msgstr", int(plural_form.group(1))
            cur.msgstr[index] = _unquote(rest, where)
        elif keyword == "msgstr":
            field_name, index = "msgstr", 0
            cur.msgstr[0] = _unquote(rest, where)
        elif keyword in ("msgid", "msgid_plural", "msgctxt"):
            field_name = keyword
            setattr(cur, keyword, _unquote(rest, where))
        else:
            raise ValueError(f"{where}: unknown keyword {keyword!r}")
    finish()
    return entries


def compile_entries(entries: list[Entry]) -> bytes:
    """The GNU .mo format: header, sorted original and translation tables, no hash table."""
    pairs: dict[bytes, bytes] = {}
    for e in entries:
        if e.obsolete or ("fuzzy" in e.flags and e.msgid):
            continue
        forms = [e.msgstr.get(i, "") for i in range(max(e.msgstr, default=0) + 1)]
        if e.msgid and not all(forms):
            continue
        if not e.msgid:  # the header; like msgfmt, drop the extraction date so builds repeat
            forms = ["".join(ln for ln in forms[0].splitlines(True) if not ln.startswith("POT-"))]
        key = e.msgid + ("\0" + e.msgid_plural if e.msgid_plural is not None else "")
        if e.msgctxt is not None:
            key = e.msgctxt + "\x04" + key
        pairs[key.encode()] = "\0".join(forms).encode()
    keys = sorted(pairs)
    n = len(keys)
    originals_at, translations_at = 28, 28 + 8 * n
    data_at = 28 + 16 * n
    blob = b""
    o_table, t_table = [], []
    for k in keys:
        o_table.append((len(k), data_at + len(blob)))
        blob += k + b"\0"
    for k in keys:
        v = pairs[k]
        t_table.append((len(v), data_at + len(blob)))
        blob += v + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, n, originals_at, translations_at, 0, data_at)
    for length, offset in o_table + t_table:
        out += struct.pack("<2I", length, offset)
    return out + blob


def compile_file(po: Path, mo: Path) -> int:
    entries = parse(po.read_text(encoding="utf-8"), str(po))
    mo.write_bytes(compile_entries(entries))
    return sum(1 for e in entries if e.msgid and not e.obsolete)


def main(argv: list[str]) -> int:
    roots = [Path(a) for a in argv] or [Path("src/dalil/locale")]
    found = False
    for root in roots:
        for po in sorted(root.glob("*/LC_MESSAGES/*.po")):
            found = True
            mo = po.with_suffix(".mo")
            if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
                continue
            count = compile_file(po, mo)
            print(f"compiled {po} ({count} messages)")
    if not found:
        print("no .po files found under " + ", ".join(map(str, roots)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
