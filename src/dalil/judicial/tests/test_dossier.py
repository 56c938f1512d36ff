"""IN-5: the referral dossier, a numbered PDF read back with poppler's pdftotext.

pdftotext gives Arabic in logical order when WeasyPrint shaped and laid it out right to left, so
the exact Arabic strings must come out (see tests/test_pdf_ledger_extract.py)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dalil.audit.models import Entry
from dalil.cases import contributions as contrib
from dalil.cases import services as case_services
from dalil.reports import pdf

from .conftest import TITLE, decide

pytestmark = pytest.mark.django_db

_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
EXHIBITS_AR = "قائمة المبرزات الجرمية"
EXHIBIT_ROW = "هاتف نقال مضبوط"


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "dossier.pdf"
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


@pytest.fixture
def exhibits():
    """Another app's section, registered as casework will: Arabic title, a hashed row."""
    sha = "ab" * 32

    def section(reader, case):
        return contrib.DossierSection(
            title=EXHIBITS_AR,
            columns=["الوصف", "الرقم"],
            rows=[[EXHIBIT_ROW, "EX-0001"]],
            hashes=[(sha, "cd" * 32)],
        )

    contrib.register_dossier("test.exhibits", section)
    yield sha
    contrib._DOSSIER.pop("test.exhibits", None)


@pytest.fixture
def full_case(case, lead, submitted):
    case_services.offence_add(
        actor=lead,
        case=case,
        code="0401",
        stage="completed",
        article="المادة 441 من قانون العقوبات رقم 111 لسنة 1969",
        committed_on=timezone.localdate(),
    )
    scan = SimpleUploadedFile("order.pdf", b"%PDF-1.4 scanned", content_type="application/pdf")
    decide(lead, submitted, scan=scan)
    return case


def test_the_dossier_is_issued_in_arabic_with_contents_sections_and_one_ledger_entry(
    full_case, lead, client_for, exhibits, tmp_path
):
    client = client_for(lead)
    url = f"/judicial/cases/{full_case.number}/dossier/"
    assert client.get(url).status_code == 200  # the confirmation page
    before = Entry.objects.order_by("-seq").first().seq
    response = client.post(url, HTTP_ACCEPT_LANGUAGE="ar")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    year = pdf.local_time(timezone.now()).year
    number = f"DOC-BGD-KARADA-{year}-000001"
    assert response["Content-Disposition"] == f'attachment; filename="{number}.pdf"'

    new = list(Entry.objects.filter(seq__gt=before).exclude(action="accounts.signed_in"))
    assert [e.action for e in new] == ["reports.document_issued"]
    payload = json.loads(new[0].payload)
    assert payload["kind"] == "referral_dossier" and payload["number"] == number
    assert (new[0].target_type, new[0].target_id) == ("cases.case", str(full_case.pk))

    text = pdf_text(response.content, tmp_path)
    assert TITLE in text  # the case title, shaped and in logical order
    assert text.count(EXHIBITS_AR) == 2  # in the contents and as the section's heading
    assert EXHIBIT_ROW in text and exhibits in text  # another app's row and its SHA-256
    assert "412" in text and "0401" in text and full_case.number in text
    assert f"{full_case.number}-R-001" in text  # a code cell: left to right, never broken
    scan_sha = full_case.judicial_decisions.get().scan.blob_id
    assert scan_sha in text  # the scanned order's fingerprint
    assert number in text
    assert pdf_pages(response.content, tmp_path) >= 2  # the cover and contents, then the file


def test_the_dossier_is_in_english_for_an_english_reader_with_numbered_sections(
    full_case, lead, client_for, exhibits, tmp_path
):
    lead.language = "en"
    lead.save(update_fields=["language"])
    response = client_for(lead).post(f"/judicial/cases/{full_case.number}/dossier/")
    assert response.status_code == 200
    text = pdf_text(response.content, tmp_path)
    assert "Referral dossier" in text and "Contents" in text
    for n, title in enumerate(
        [
            "Case summary",
            "Offences (ICCS)",
            "Persons and entities in the case",
            "Requests to the investigative judge",
            "Decisions and orders of the judge",
        ],
        start=1,
    ):
        assert f"{n}. {title}" in text, title
    assert f"{full_case.number}-R-001" in text and "412" in text
    # Other apps' sections follow, numbered on (the contents and the heading).
    numbers = re.findall(rf"(\d+)\. {EXHIBITS_AR}", text)
    assert len(numbers) == 2 and int(numbers[0]) >= 6
    # The contents give each section's page: a dotted leader, then the page number.
    assert re.search(r"Case summary ?\.{5,} ?2\b", text), text[:2000]
    assert TITLE in text


def test_only_those_who_work_on_the_case_may_issue_it(case, member, client_for):
    observer = member("dossier.obs", "observer")
    client = client_for(observer)
    assert client.get(f"/judicial/cases/{case.number}/dossier/").status_code == 404
    before = Entry.objects.filter(action="reports.document_issued").count()
    assert client.post(f"/judicial/cases/{case.number}/dossier/").status_code == 404
    assert Entry.objects.filter(action="reports.document_issued").count() == before
