"""CO-9: the ledger extract of a record, as a numbered PDF (WeasyPrint, Arabic, offline).

The PDF is read back with poppler's `pdftotext -layout`, which gives Arabic in logical order when
WeasyPrint shaped and laid it out right to left; so the exact Arabic strings must come out.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest
import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from weasyprint import HTML

from dalil.accounts import services as account_services
from dalil.audit import registry
from dalil.audit.models import Entry
from dalil.core import numbering
from dalil.core.models import Counter
from dalil.reports import documents, pdf

pytestmark = pytest.mark.django_db

# pdftotext marks direction runs with the Unicode embedding controls; drop them, fold spaces.
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ARABIC = re.compile("[\u0600-\u06ff]")
ARABIC_NAME = "مركز شرطة الزعفرانية"
ISSUER_AR = "قيادة شرطة محافظة بغداد"


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return re.sub(r"[ \t]+", " ", _BIDI.sub("", out.stdout))


def pdf_pages(data: bytes, tmp_path: Path) -> int:
    path = tmp_path / "info.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def footer_words(data: bytes, tmp_path: Path) -> list[list[str]]:
    """Per page, the words in the bottom margin in visual order from right to left (`-bbox`)."""
    path = tmp_path / "bbox.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for page in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', out, re.S):
        bottom = float(page.group(2)) - 20 / 25.4 * 72  # the 20 mm bottom margin
        words = [
            (float(x), w)
            for x, y, w in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>',
                page.group(3),
            )
            if float(y) > bottom
        ]
        # -bbox gives each word's characters in visual order: an Arabic word comes out reversed.
        pages.append(
            [
                w[::-1] if _ARABIC.search(w) else w
                for _, w in sorted(((x, _BIDI.sub("", w)) for x, w in words), reverse=True)
            ]
        )
    return pages


def letters(text: str) -> str:
    """Text without spaces and Arabic diacritics: pdftotext places a combining mark (the damma of
    أُنشئت) as a glyph of its own, sometimes with a space; the letters and their order remain."""
    return re.sub(r"[\s\u064b-\u0652\u0670]", "", _BIDI.sub("", text))


def this_year() -> int:
    return pdf.local_time(timezone.now()).year


@pytest.fixture
def station(tree, make_user, operator):
    """A station with an Arabic name and enough history for the extract to run over two pages."""
    admin = make_user("adm.moi", unit="MOI", role="system_admin", at="MOI")
    account_services.unit_update(actor=admin, unit=tree["BGD-POL"], name_ar=ISSUER_AR)
    unit = account_services.unit_create(
        actor=operator,
        parent=tree["BGD-POL"],
        code="BGD-ZAFARANIYA",
        kind="station",
        name_ar=ARABIC_NAME,
        name_en="Zafaraniya police station",
        governorate=tree["BGD-POL"].governorate,
    )
    for i in range(14):
        unit = account_services.unit_update(
            actor=admin, unit=unit, name_en=f"Zafaraniya police station ({i})"
        )
    return unit


@pytest.fixture
def commander(make_user):
    # Holds accounts.unit.view over BGD-POL and below: the new station is in scope.
    return make_user("cmd.bgd", unit="BGD-POL", role="commander", at="BGD-POL")


def extract_url(obj) -> str:
    return reverse(
        "reports:ledger_extract",
        kwargs={
            "app_label": obj._meta.app_label,
            "model": obj._meta.model_name,
            "pk": obj.pk,
        },
    )


def test_ledger_extract_prints_arabic_names_number_every_hash_and_page_count(
    station, commander, client_for, tmp_path
):
    entries = list(
        Entry.objects.filter(target_type="accounts.unit", target_id=str(station.pk)).order_by("seq")
    )
    assert len(entries) == 15
    head_before = Entry.objects.order_by("-seq").first()

    response = client_for(commander).post(extract_url(station), HTTP_ACCEPT_LANGUAGE="ar")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    number = f"DOC-BGD-POL-{this_year()}-000001"
    assert response["Content-Disposition"] == f'attachment; filename="{number}.pdf"'
    data = response.content
    assert data.startswith(b"%PDF-")
    text = pdf_text(data, tmp_path)
    pages = pdf_pages(data, tmp_path)
    assert pages >= 2

    with translation.override("ar"):
        created, changed = (
            registry.label("accounts.unit_created"),
            registry.label("accounts.unit_changed"),
        )
        page_line = [
            translation.gettext("Page %(n)s of %(total)s") % {"n": n, "total": pages}
            for n in range(1, pages + 1)
        ]
        title = translation.gettext("Ledger extract")
    assert ARABIC_NAME in text  # data: the record's Arabic name, shaped and in logical order
    assert (
        "وزارة الداخلية" in text and "Ministry of Interior" in text
    )  # the letterhead, both languages
    assert ISSUER_AR in text and "Unit BGD-POL" in text  # the issuing unit, both languages
    assert letters(created) in letters(text) and letters(changed) in letters(text)
    assert title in text
    # "Page n of N" in the bottom margin of every page, laid out right to left in Arabic.
    assert footer_words(data, tmp_path) == [line.split() for line in page_line]
    assert text.count(number) >= pages  # on the letterhead and at the top of every page
    for e in entries:
        assert e.hash in text and e.prev_hash in text, e.seq
    # The closing statement: the chain head at print time, and that the chain verified.
    assert head_before.hash in text
    with translation.override("ar"):
        verified = translation.ngettext(
            "The whole chain verified: %(counter)s entry recomputed and every signed checkpoint matched.",
            "The whole chain verified: %(counter)s entries recomputed and every signed checkpoint matched.",
            head_before.seq,
        ) % {"counter": head_before.seq}
    # (Untranslated, this English sentence sits in a right-to-left paragraph, so its full stop
    # is printed at its left end; compare the words.)
    # Translated, pdftotext also moves the spaces around the colon and the number ("التحقق :أعيد",
    # "29قيدا"): compare the letters, as for the action labels above.
    assert letters(verified.rstrip(".")) in letters(text)


def test_issuing_writes_one_ledger_entry_with_the_number_and_the_pdf_hash(
    station, commander, client_for
):
    before = Entry.objects.order_by("-seq").first().seq
    response = client_for(commander).post(extract_url(station))
    assert response.status_code == 200
    new = list(Entry.objects.filter(seq__gt=before).exclude(action="accounts.signed_in"))
    assert [e.action for e in new] == ["reports.document_issued"]
    entry = new[0]
    payload = json.loads(entry.payload)
    assert payload["number"] == f"DOC-BGD-POL-{this_year()}-000001"
    assert payload["sha256"] == hashlib.sha256(response.content).hexdigest()
    assert payload["kind"] == "ledger_extract" and payload["size"] == len(response.content)
    assert (entry.target_type, entry.target_id, entry.actor_id) == (
        "accounts.unit",
        str(station.pk),
        commander.pk,
    )
    # The next extract gets the next number, and lists the first issue among the record's entries.
    second = client_for(commander).post(extract_url(station))
    assert second["Content-Disposition"].endswith(f'-{this_year()}-000002.pdf"')
    assert Counter.objects.get(scope="DOC-BGD-POL", year=this_year()).value == 2


def test_the_qr_code_is_an_embedded_vector_image_of_the_record_url(station, commander, monkeypatch):
    url = documents.record_url(station)
    assert url == f"{settings.DALIL_BASE_URL}/admin/units/BGD-ZAFARANIYA/"
    captured = {}
    real = pdf.render

    def spy(template, context):
        captured.update(context)
        return real(template, context)

    monkeypatch.setattr(pdf, "render", spy)
    issued = documents.ledger_extract(actor=commander, obj=station)
    assert captured["qr"] == segno.make(url, error="m").svg_data_uri(scale=4, border=2)
    assert captured["qr"].startswith("data:image/svg+xml")
    # Drawn into the PDF as vector strokes, one per run of dark modules of exactly this code.
    content = _uncompressed(issued.pdf)
    segments = qr_segments(url)
    assert len(segments) > 100
    missing = [seg for seg in segments if seg.encode() not in content]
    assert missing == []
    # (A code for another URL would not be there: the check can tell codes apart.)
    other = qr_segments(url + "x")
    assert any(seg.encode() not in content for seg in other)


def qr_segments(url: str) -> list[str]:
    """The stroke segments WeasyPrint draws for segno's SVG (border 2, one path row per line)."""
    segments = []
    for r, row in enumerate(segno.make(url, error="m").matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                segments.append(f"{start + 2} {r + 2.5} m\n{c + 2} {r + 2.5} l\n")
            else:
                c += 1
    return segments


def _uncompressed(data: bytes) -> bytes:
    """The PDF with its compressed streams (object streams too) inflated, to search for objects."""
    import zlib

    out = [data]
    for m in re.finditer(rb"stream\r?\n", data):
        start = m.end()
        end = data.find(b"endstream", start)
        try:
            out.append(zlib.decompress(data[start:end]))
        except zlib.error:
            continue
    return b"\n".join(out)


def test_an_out_of_scope_record_is_not_found_and_consumes_no_number(tree, make_user, client_for):
    officer = make_user("inv.karada", unit="BGD-KARADA", role="investigator", at="BGD-KARADA")
    mansour = tree["BGD-MANSOUR"]
    before = Entry.objects.order_by("-seq").first().seq
    client = client_for(officer)
    response = client.post(extract_url(mansour))
    assert response.status_code == 404
    assert not Counter.objects.exists()
    new = list(
        Entry.objects.filter(seq__gt=before)
        .exclude(action="accounts.signed_in")
        .values_list("action", flat=True)
    )
    assert new == ["access.denied"]
    # In scope, the same officer gets the first number of the year: nothing was used up.
    ok = client.post(extract_url(tree["BGD-KARADA"]))
    assert ok.status_code == 200
    assert ok["Content-Disposition"].endswith(f'DOC-BGD-KARADA-{this_year()}-000001.pdf"')


@pytest.mark.parametrize(
    "kwargs",
    [
        {"app_label": "accounts", "model": "nosuchmodel", "pk": "1"},
        {"app_label": "audit", "model": "entry", "pk": "1"},  # a model without an access policy
        {"app_label": "accounts", "model": "unit", "pk": "not-a-number"},
        {"app_label": "accounts", "model": "unit", "pk": "999999"},
    ],
)
def test_unknown_models_unpoliced_models_and_bad_keys_are_not_found(kwargs, commander, client_for):
    for method in ("get", "post"):
        response = getattr(client_for(commander), method)(
            reverse("reports:ledger_extract", kwargs=kwargs)
        )
        assert response.status_code == 404
    assert not Counter.objects.exists()
    assert not Entry.objects.filter(action="reports.document_issued").exists()


def test_a_user_record_has_a_ledger_extract_too(make_user, client_for, tmp_path):
    officer = make_user(
        "inv.self",
        unit="BGD-KARADA",
        role="investigator",
        at="BGD-KARADA",
        full_name="علي حسين الموسوي",
    )
    response = client_for(officer).post(extract_url(officer))
    assert response.status_code == 200
    assert "علي حسين الموسوي" in pdf_text(response.content, tmp_path)


def test_officers_do_not_see_oversight_entries_in_the_extract(tree, make_user, client_for):
    officer = make_user("inv.watched", unit="BGD-KARADA", role="investigator", at="BGD-KARADA")
    auditor = make_user("aud.moi", unit="MOI", role="auditor", at="MOI")
    # A refused look at the officer's record by someone else is an access.denied entry about it.
    stranger = make_user("inv.mansour", unit="BGD-MANSOUR", role="investigator", at="BGD-MANSOUR")
    assert (
        client_for(stranger).get(reverse("admin:user_detail", args=[officer.username])).status_code
        == 404
    )
    assert Entry.objects.filter(action="access.denied", target_id=str(officer.pk)).exists()
    assert "access.denied" not in [e.action for e in documents.entries_about(officer, officer)]
    assert "access.denied" in [e.action for e in documents.entries_about(auditor, officer)]


def test_a_number_taken_meanwhile_is_not_skipped_or_reused(
    station, commander, monkeypatch, tmp_path, ledger_guard
):
    ledger_guard.exempt.add("core_counter")  # the other issuer is played by the bare counter
    year = this_year()
    calls = []
    real = pdf.render

    def render_while_someone_else_takes_a_number(template, context):
        calls.append(context["number"])
        if len(calls) == 1:  # another issuer commits number 1 while we are rendering
            from django.db import transaction

            with transaction.atomic():
                numbering.next_number("DOC-BGD-POL", year)
        return real(template, context)

    monkeypatch.setattr(pdf, "render", render_while_someone_else_takes_a_number)
    issued = documents.ledger_extract(actor=commander, obj=station)
    assert calls == [f"DOC-BGD-POL-{year}-000001", f"DOC-BGD-POL-{year}-000002"]
    assert issued.number == f"DOC-BGD-POL-{year}-000002"
    assert issued.number in pdf_text(issued.pdf, tmp_path)
    assert Counter.objects.get(scope="DOC-BGD-POL", year=year).value == 2
    assert json.loads(issued.entry.payload)["number"] == issued.number


def test_weasyprint_fetches_only_data_uris_and_our_static_files():
    fetcher = pdf.LocalFetcher()
    css = fetcher.fetch(pdf.static_url("reports/document.css"))
    assert b"@page" in css.read()
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    for url in [
        "http://example.org/logo.png",
        "https://127.0.0.1:8000/static/reports/document.css",
        "file:///etc/passwd",
        pdf.static_url("../../../etc/passwd"),
        pdf.static_url("reports/missing.css"),
        f"{settings.DALIL_BASE_URL}/admin/units/",
    ]:
        with pytest.raises(pdf.RefusedURL):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 6


def test_a_document_that_asks_for_a_remote_resource_is_refused_not_fetched():
    fetcher = pdf.LocalFetcher()
    html = HTML(
        string='<img src="http://192.0.2.1/tracker.png"><p>x</p>',
        base_url=pdf.base_url(),
        url_fetcher=fetcher,
    )
    from weasyprint.urls import FatalURLFetchingError

    with pytest.raises(FatalURLFetchingError):
        html.write_pdf()
    assert fetcher.refused == ["http://192.0.2.1/tracker.png"]


def test_the_history_panel_links_to_the_ledger_extract(tree, make_user, client_for):
    cmd = make_user("cmd.karada", unit="BGD-KARADA", role="commander", at="BGD-KARADA")
    page = client_for(cmd).get(reverse("admin:unit_detail", args=["BGD-KARADA"]))
    assert page.status_code == 200
    link = extract_url(tree["BGD-KARADA"])
    assert f'href="{link}?back=' in page.content.decode()
    # Following the link only asks; nothing is numbered or ledgered until the POST.
    confirm = client_for(cmd).get(link)
    assert confirm.status_code == 200 and b"%PDF" not in confirm.content
    assert not Entry.objects.filter(action="reports.document_issued").exists()
    assert client_for(cmd).post(link).content.startswith(b"%PDF")
    assert Entry.objects.filter(action="reports.document_issued").count() == 1
