"""The Arabic and Sorani message catalogues are complete, correct in form and in use (issues #3, #4).

The .po files under src/dalil/locale are the source; `make messages` compiles them to .mo files
(never committed). These tests read the .po files with the standard-library parser of
scripts/compile_messages.py (the fallback compiler, itself checked against GNU msgfmt here) and
need GNU gettext (`xgettext`, `msgfmt`), which `make test` installs with the system packages.
"""

from __future__ import annotations

import gettext
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "dalil"
LOCALE = SRC / "locale"
NPLURALS = {"ar": 6, "ckb": 2}
LANGS = sorted(NPLURALS)
# The same ignores as `make makemessages`: test code is never shown to users.
IGNORES = ["--ignore", "tests/*", "--ignore", "*/tests/*"]


def _load_compiler() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "dalil_compile_messages", ROOT / "scripts" / "compile_messages.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while it loads
    spec.loader.exec_module(module)
    return module


compiler = _load_compiler()


def gnu(tool: str) -> str:
    """A GNU gettext program; `make test` installs them (Debian package `gettext`)."""
    found = shutil.which(tool)
    assert found, f"{tool} is missing: install gettext (`make system-packages`)"
    return found


def po_path(lang: str) -> Path:
    return LOCALE / lang / "LC_MESSAGES" / "django.po"


def entries(lang: str) -> list[Any]:
    """Every message of the catalogue, without the header."""
    return [
        e for e in compiler.parse(po_path(lang).read_text("utf-8"), str(po_path(lang))) if e.msgid
    ]


def header(lang: str) -> dict[str, str]:
    (head,) = [e for e in compiler.parse(po_path(lang).read_text("utf-8")) if not e.msgid]
    return dict(line.split(": ", 1) for line in head.msgstr[0].splitlines() if ": " in line)


def where(e: Any) -> str:
    return f"line {e.line}: {e.msgid!r}"


# --- Form: complete, not fuzzy, placeholders kept ------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_header_names_the_language_and_its_plural_forms(lang: str) -> None:
    info = header(lang)
    assert info["Language"] == lang
    assert info["Content-Type"] == "text/plain; charset=UTF-8"
    assert re.match(rf"nplurals={NPLURALS[lang]};", info["Plural-Forms"])


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_has_a_translation_in_every_plural_form(lang: str) -> None:
    found = entries(lang)
    assert len(found) > 300  # the whole interface, not a stub
    missing = []
    for e in found:
        forms = range(NPLURALS[lang]) if e.plural else [0]
        if any(not e.msgstr.get(i, "").strip() for i in forms):
            missing.append(where(e))
    assert missing == []


@pytest.mark.parametrize("lang", LANGS)
def test_no_message_is_fuzzy_or_obsolete(lang: str) -> None:
    bad = [where(e) for e in entries(lang) if "fuzzy" in e.flags or e.obsolete]
    assert bad == []
    assert "#, fuzzy" not in po_path(lang).read_text("utf-8")


PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxX%]|\{[^{}\s]*\}")
MARKUP = re.compile(r"<[^<>]+>")


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_of_every_translation_match_the_original(lang: str) -> None:
    """Format placeholders, and the HTML tags some templates translate, stay exactly as they are."""
    wrong = []
    for e in entries(lang):
        if e.plural:
            wanted = set(PLACEHOLDER.findall(e.msgid)) | set(PLACEHOLDER.findall(e.msgid_plural))
            for i, text in e.msgstr.items():
                if set(PLACEHOLDER.findall(text)) != wanted:
                    wrong.append(f"{where(e)} form {i}: {text!r}")
        else:
            wanted_count = Counter(PLACEHOLDER.findall(e.msgid))
            if Counter(PLACEHOLDER.findall(e.msgstr[0])) != wanted_count:
                wrong.append(f"{where(e)}: {e.msgstr[0]!r}")
        for text in e.msgstr.values():
            if Counter(MARKUP.findall(text)) != Counter(MARKUP.findall(e.msgid)):
                wrong.append(f"{where(e)} markup: {text!r}")
    assert wrong == []


@pytest.mark.parametrize("lang", LANGS)
def test_gnu_msgfmt_accepts_the_catalogue_with_format_checks(lang: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [
            gnu("msgfmt"),
            "--check",
            "--statistics",
            "-o",
            str(tmp_path / "x.mo"),
            str(po_path(lang)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "fuzzy" not in done.stderr and "untranslated" not in done.stderr, done.stderr


# --- Coverage: every string the code can show is in the catalogue, nothing stale -----------------
def _keys(found: list[Any]) -> set[tuple[str | None, str, str | None]]:
    return {(e.msgctxt, e.msgid, e.msgid_plural) for e in found if not e.obsolete}


def test_catalogues_cover_exactly_the_strings_extractable_from_the_code(tmp_path: Path) -> None:
    copy = tmp_path / "dalil"
    shutil.copytree(SRC, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "static"))
    (copy / "locale").mkdir()
    gnu("xgettext")
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "ar", *IGNORES],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    fresh = compiler.parse((copy / "locale/ar/LC_MESSAGES/django.po").read_text("utf-8"))
    extracted = _keys([e for e in fresh if e.msgid])
    assert len(extracted) > 300
    for lang in LANGS:
        have = _keys(entries(lang))
        assert sorted(extracted - have, key=str) == [], f"{lang}: run `make makemessages`"
        assert sorted(have - extracted, key=str) == [], f"{lang}: strings no longer in the code"


# --- Wording: the glossary's terms, the right alphabet -------------------------------------------
# English pattern -> the Arabic and the Sorani term every translation of it must use
# (docs/glossary.md).
GLOSSARY: list[tuple[str, str, str]] = [
    (r"\bledger\b", r"السجل الرقابي", r"تۆماری چاودێری"),
    (r"\bentry\b|\bentries\b", r"قيد|قيود", r"بڕگە"),
    (r"\bhash\b|fingerprint", r"بصم\w* الرقمية", r"پەنجەمۆری دیجیتاڵی"),
    (r"checkpoint", r"نقطة تحقق|نقاط التحقق", r"خاڵ"),
    (r"\bvault\b", r"خزنة الأدلة الرقمية", r"گەنجینەی بەڵگە دیجیتاڵییەکان"),
    (r"\bunits?\b", r"وحد", r"یەک(?:ە|ان)"),
    (r"\broles?\b", r"دور|أدوار", r"ڕۆڵ"),
    # A permission in Dalil; in the detention clock "permission" is the criminal court's (next rows).
    (r"(?s)^(?!.*\b(?:court|detention)\b).*\bpermissions?\b", r"صلاحي", r"دەسەڵات"),
    (r"court's permission", r"إذن محكمة الجنايات", r"ڕێپێدانی دادگای تاوانەکان"),
    (r"\bdetention orders?\b", r"أمر توقيف|أمر التوقيف", r"فەرمانی دەستبەسەرکردن"),
    (r"\bextensions?\b", r"تمديد", r"درێژکردنەوە"),
    (r"\bdetainee\b", r"الموقوف", r"دەستبەسەرکراو"),
    (r"\barrest\b", r"القبض|قبض", r"دەستگیرکردن"),
    (r"quarter of the maximum penalty", r"ربع الحد الأقصى للعقوبة", r"چارەکی بەرزترین سزا"),
    (r"break-glass", r"طارئ", r"دەستڕاگەیشتن\w* فریاکەوتن"),
    (
        r"second[- ]factor",
        r"عامل التحقق الثاني|عوامل التحقق الثانية",
        r"هۆکاری دووەمی پشتڕاستکردنەوە",
    ),
    (r"recovery code", r"رمز استرداد|رموز الاسترداد", r"کۆد\w* گەڕاندنەوە"),
    (r"compartment", r"حيز|أحياز", r"بەش\w* نهێنی"),
    (r"\bclearances?\b", r"تصري|تصاريح", r"مۆڵەت"),
    (r"\bsign(?:ed|ing)?[- ]ins?\b", r"دخول", r"ژوورەوە"),
    (r"\bsign(?:ed)?[- ]out\b", r"الخروج", r"دەرەوە"),
    (r"\bauditors?\b", r"مدقق", r"وردبین"),
    # "record" is also the verb: to record a person is تسجيل (docs/glossary.md).
    (r"\brecords?\b", r"سجل|تسجيل", r"تۆمار"),
    (r"\bpasswords?\b", r"كلم\w* (?:ال)?مرور", r"وشە\w* نهێنی"),
    (r"\busers?\b", r"مستخدم", r"بەکارهێنەر"),
    (r"\badministrator", r"مسؤول", r"بەڕێوەبەر"),
    (r"\bgovernorates?\b", r"محافظ", r"پارێزگا"),
    (r"\bDalil\b", r"دليل", r"دەلیل"),
    (r"\btokens?\b", r"رم\w* (?:ال)?وصول", r"تۆکن"),
    (r"\bjobs?\b", r"مهم|مهام", r"کار"),
]


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_terms_are_translated_the_same_way_everywhere(lang: str) -> None:
    column = 1 if lang == "ar" else 2
    off = []
    for e in entries(lang):
        english = PLACEHOLDER.sub("", e.msgid)
        for row in GLOSSARY:
            if re.search(row[0], english, re.IGNORECASE):
                for text in e.msgstr.values():
                    if not re.search(row[column], text):
                        off.append(f"{where(e)} should use {row[column]!r}: {text!r}")
    assert off == []


# Letters only Sorani uses, and the Arabic kaf/yeh/teh marbuta that Sorani writes differently.
KURDISH_ONLY = set("کیەڕڵۆێپگچژڤ")
ARABIC_ONLY = set("كيىة")


def test_arabic_catalogue_is_written_with_arabic_letters() -> None:
    bad = [
        f"{where(e)}: {t!r}"
        for e in entries("ar")
        for t in e.msgstr.values()
        if set(t) & KURDISH_ONLY
    ]
    assert bad == []


def test_sorani_catalogue_is_written_with_kurdish_letters() -> None:
    bad = [
        f"{where(e)}: {t!r}"
        for e in entries("ckb")
        for t in e.msgstr.values()
        if set(t) & ARABIC_ONLY
    ]
    assert bad == []


@pytest.mark.parametrize("lang", LANGS)
def test_translations_are_not_the_english_text(lang: str) -> None:
    """Only codes and names that stay Latin (SHA-256) may equal their msgid."""
    same = [where(e) for e in entries(lang) if e.msgstr[0] == e.msgid and e.msgid != "SHA-256"]
    assert same == []


# --- Compiled catalogues ------------------------------------------------------------------------
def _catalog(mo: Path) -> dict[Any, str]:
    with mo.open("rb") as fh:
        found = gettext.GNUTranslations(fh)
    return {k: v for k, v in found._catalog.items() if k != ""}  # type: ignore[attr-defined]


def test_fallback_compiler_builds_the_same_catalogue_as_gnu_msgfmt(tmp_path: Path) -> None:
    for lang in LANGS:
        theirs, ours = tmp_path / f"{lang}-gnu.mo", tmp_path / f"{lang}-py.mo"
        subprocess.run([gnu("msgfmt"), "-o", str(theirs), str(po_path(lang))], check=True)
        compiler.compile_file(po_path(lang), ours)
        assert _catalog(ours) == _catalog(theirs)
        with theirs.open("rb") as a, ours.open("rb") as b:
            t_gnu, t_ours = gettext.GNUTranslations(a), gettext.GNUTranslations(b)
        assert t_ours.info() == t_gnu.info()
        for n in range(0, 230):
            assert t_ours.ngettext("%(n)s entry", "%(n)s entries", n) == t_gnu.ngettext(
                "%(n)s entry", "%(n)s entries", n
            )


def test_fallback_compiler_leaves_out_fuzzy_and_untranslated_messages(tmp_path: Path) -> None:
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\nmsgid "Guess"\nmsgstr "تخمين"\n\n'
        'msgid "Empty"\nmsgstr ""\n\n'
        'msgid "Quote \\"x\\""\nmsgstr ""\n"اقتباس "\n"\\"x\\""\n',
        "utf-8",
    )
    compiler.compile_file(po, tmp_path / "x.mo")
    assert _catalog(tmp_path / "x.mo") == {'Quote "x"': 'اقتباس "x"'}


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalogue_is_current_with_its_source(lang: str, tmp_path: Path) -> None:
    mo = po_path(lang).with_suffix(".mo")
    assert mo.exists(), "the catalogues are not compiled: run `make messages`"
    compiler.compile_file(po_path(lang), tmp_path / "fresh.mo")
    assert _catalog(mo) == _catalog(tmp_path / "fresh.mo"), "stale .mo: run `make messages`"


# CLDR plural categories: Arabic zero/one/two/few (3-10)/many (11-99)/other; Sorani one/other.
PLURAL_INDEX = {
    "ar": {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 102: 5, 103: 3, 111: 4, 1000: 5},
    "ckb": {0: 1, 1: 0, 2: 1, 5: 1, 11: 1, 100: 1},
}


@pytest.mark.parametrize("lang", LANGS)
def test_each_number_gets_the_plural_form_the_grammar_needs(lang: str) -> None:
    plurals = [e for e in entries(lang) if e.plural]
    assert plurals, "no plural messages to check"
    with translation.override(lang):
        for e in plurals:
            for n, index in PLURAL_INDEX[lang].items():
                assert translation.ngettext(e.msgid, e.msgid_plural, n) == e.msgstr[index], (
                    n,
                    e.msgid,
                )


# --- Pages --------------------------------------------------------------------------------------
LOGIN = "/accounts/login/"


def _page(accept: str) -> str:
    response = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE=accept).get(LOGIN)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_login_page_in_arabic_is_right_to_left_and_arabic() -> None:
    page = _page("ar")
    assert '<html lang="ar" dir="rtl">' in page
    assert "تسجيل الدخول إلى دليل" in page
    assert "اسم المستخدم" in page and "كلمة المرور" in page
    assert "Sign in to Dalil" not in page


@pytest.mark.django_db
def test_login_page_in_sorani_is_right_to_left_and_sorani() -> None:
    page = _page("ckb")
    assert '<html lang="ckb" dir="rtl">' in page
    assert "چوونەژوورەوە بۆ دەلیل" in page
    assert "ناوی بەکارهێنەر" in page and "وشەی نهێنی" in page
    assert "Sign in to Dalil" not in page


@pytest.mark.django_db
def test_login_page_in_english_is_left_to_right() -> None:
    page = _page("en")
    assert '<html lang="en" dir="ltr">' in page
    assert "Sign in to Dalil" in page


@pytest.mark.django_db
def test_login_page_without_a_language_preference_is_arabic() -> None:
    response = Client(HTTP_HOST="127.0.0.1").get(LOGIN)
    assert '<html lang="ar" dir="rtl">' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "message"),
    [
        ("ar", "اسم المستخدم أو كلمة المرور غير صحيحة."),
        ("ckb", "ناوی بەکارهێنەر یان وشەی نهێنی هەڵەیە."),
        ("en", "The user name or password is wrong."),
    ],
    ids=["ar", "ckb", "en"],
)
def test_a_refused_sign_in_is_explained_in_the_browsers_language(accept: str, message: str) -> None:
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE=accept)
    response = client.post(LOGIN, {"username": "nobody", "password": "Not-the-password-1"})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_signed_in_users_language_choice_beats_the_browsers(
    make_user: Any, client_for: Any
) -> None:
    user = make_user("kawa", language="ckb")
    client = client_for(user)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ckb" dir="rtl">' in page
    assert "چوونەدەرەوە" in page  # sign out
    assert "Sign out" not in page
