"""Text rules shared by every app: identifiers, digits, bidi controls.

The full Arabic search folding (CO-11) builds on these and lives here too.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Controls that reorder text (Trojan Source, UTS #39): never inside an identifier.
BIDI_CONTROLS = frozenset(
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*", re.ASCII)
MAX_IDENTIFIER = 150


def normalize_digits(value: str) -> str:
    """Arabic-Indic and Persian digits to ASCII, so ١٢٣, ۱۲۳ and 123 are the same number."""
    return value.translate(_DIGITS)


def has_bidi_control(value: str) -> bool:
    return any(ch in BIDI_CONTROLS for ch in value)


def clean_identifier(value: str) -> str:
    """Normalise an identifier (user name, unit code) or raise a translated ValidationError."""
    if len(value) > MAX_IDENTIFIER:  # length first: never normalise a megabyte
        raise ValidationError(_("This is too long."), code="too_long")
    if has_bidi_control(value):
        raise ValidationError(
            _("This contains invisible direction-control characters, which are not allowed."),
            code="bidi",
        )
    value = normalize_digits(unicodedata.normalize("NFKC", value)).strip()
    if not _IDENTIFIER.fullmatch(value):
        raise ValidationError(
            _(
                "Use Latin letters, digits, dot, dash or underscore only, starting with a letter or digit."
            ),
            code="invalid_identifier",
        )
    return value


def validate_identifier(value: str) -> None:
    if clean_identifier(value) != value:
        raise ValidationError(_("Enter this identifier in its normal form."), code="not_normal")


def validate_no_bidi(value: str) -> None:
    """The one rule for invisible direction controls, on every input path (forms, API serializers,
    services): names and identifiers refuse them, and so does free text (a journal entry)."""
    if has_bidi_control(value):
        raise ValidationError(
            _("This contains invisible direction-control characters, which are not allowed."),
            code="bidi",
        )


def clean(value: Any) -> str:
    """Free text as a person typed it: stripped, refused if it carries direction controls."""
    text = "" if value is None else str(value).strip()
    validate_no_bidi(text)
    return text


def clean_field(field: str, value: Any, required: str = "") -> str:
    """`clean()` of one form field: a refusal is raised beside `field`; empty text is refused with
    the message `required` when one is given."""
    text = clean_fields(**{field: value})[field]
    if required and not text:
        raise ValidationError({field: required})
    return text


def clean_fields(**values: Any) -> dict[str, str]:
    """`clean()` of several fields at once; every refusal is raised beside its field."""
    out: dict[str, str] = {}
    errors: dict[str, list[ValidationError]] = {}
    for name, value in values.items():
        try:
            out[name] = clean(value)
        except ValidationError as exc:
            errors[name] = [exc]
    if errors:
        raise ValidationError(errors)
    return out


# --- Search folding (CO-11; RELIABILITY "Arabic text: store, fold, reject") ------------------------
# Store the original text; search on `fold(text)`. One function, used by every search and match.
_HARAKAT = {cp: None for cp in [*range(0x064B, 0x0660), 0x0670, *range(0x06D6, 0x06EE), 0x0640]}
_ZERO_WIDTH = {cp: None for cp in (0x200B, 0x200C, 0x200D, 0xFEFF, 0x00AD)}
_BIDI = {ord(ch): None for ch in BIDI_CONTROLS}
_LETTERS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ٲ": "ا",
        "ٳ": "ا",  # hamza/madda/wasla on alef
        "ة": "ه",  # taa marbuta
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",  # alef maqsura, Persian/Kurdish yeh
        "ک": "ك",
        "ڪ": "ك",  # keheh, swash kaf
        "ھ": "ه",  # heh doachashmee (Kurdish h)
        "ؤ": "و",
        "ٮ": "ب",
        "ٯ": "ق",
    }
)
# Kurdish letters stay distinct: ە ێ ۆ ڕ ڵ ڤ پ چ ژ گ (and ه/ە, ر/ڕ, ل/ڵ are different letters).


def fold(text: str) -> str:
    """The search key of a text: variants of one Arabic letter, diacritics, tatweel, digit forms,
    invisible characters and letter case all fold to one form. Kurdish letters are kept."""
    text = unicodedata.normalize("NFKC", text)  # presentation forms ﻷ → لأ, full-width Latin
    text = text.translate(_BIDI).translate(_ZERO_WIDTH).translate(_HARAKAT)
    text = normalize_digits(text).translate(_LETTERS).casefold()
    # Hamza on yeh: Arabic سائل/شاطئ fold to yeh; a word-initial ئ is Kurdish's vowel carrier (ئەو).
    text = re.sub(r"(?<=\w)ئ", "ي", text)
    # Latin accents: é → e. Only Latin: decomposing ئ would drop its hamza, a different letter.
    text = "".join(_LATIN_BASE.get(ch, ch) for ch in text)
    return " ".join(text.split())


def _latin_base(ch: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))


_LATIN_BASE = {
    chr(cp): _latin_base(chr(cp))
    for cp in range(0x00C0, 0x0250)
    if unicodedata.category(chr(cp)).startswith("L") and _latin_base(chr(cp)) != chr(cp)
}


_AR_TO_KEY = str.maketrans(
    {
        "ب": "b",
        "پ": "b",
        "ت": "t",
        "ط": "t",
        "ث": "d",
        "ج": "j",
        "چ": "j",
        "ح": "h",
        "ه": "h",
        "خ": "x",
        "د": "d",
        "ذ": "d",
        "ض": "d",
        "ظ": "d",
        "ر": "r",
        "ڕ": "r",
        "ز": "d",
        "ژ": "d",
        "س": "s",
        "ص": "s",
        "ش": "s",
        "ع": "",
        "غ": "k",
        "ف": "f",
        "ڤ": "f",
        "ق": "k",
        "ك": "k",
        "گ": "k",
        "ل": "l",
        "ڵ": "l",
        "م": "m",
        "ن": "n",
        "و": "",
        "ۆ": "",
        "ي": "",
        "ێ": "",
        "ا": "",
        "ء": "",
        "ئ": "",
        "ە": "",
    }
)
_LATIN_DIGRAPHS = [
    ("kh", "x"),
    ("sh", "s"),
    ("ch", "j"),
    ("th", "d"),
    ("dh", "d"),
    ("gh", "k"),
    ("ph", "f"),
]
_LATIN_TO_KEY = str.maketrans(
    {
        "q": "k",
        "g": "k",
        "c": "k",
        "v": "f",
        "p": "b",
        "z": "d",
        "a": "",
        "e": "",
        "i": "",
        "o": "",
        "u": "",
        "w": "",
        "y": "",
        "'": "",
        "`": "",
        "-": "",
    }
)


def latin_key(text: str) -> str:
    """A consonant skeleton shared by an Arabic name and its Latin spellings, per word:
    محمد, Mohammed, Muhammad, Mohamed → "mhmd"; الساعدي, al-Saadi → "lsd". Deliberately loose
    (d/dh/th/z, k/q/g, s/sh are one class each, as Iraqi names are spelled every way): a candidate
    finder for search, never a decision."""
    words = []
    for word in fold(text).split():
        if any("\u0600" <= ch <= "\u06ff" for ch in word):
            key = word.translate(_AR_TO_KEY)
        else:
            for pair, single in _LATIN_DIGRAPHS:
                word = word.replace(pair, single)
            key = word.translate(_LATIN_TO_KEY)
        if len(key) > 1 and key.endswith("h"):  # فاطمة = Fatima = Fatimah (final taa marbuta)
            key = key[:-1]
        key = re.sub(r"(.)\1+", r"\1", key)  # Muhammad = Muhamad
        if key:
            words.append(key)
    return " ".join(words)
