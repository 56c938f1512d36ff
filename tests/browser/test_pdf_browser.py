"""Download the ledger extract of a unit in a real browser and read its Arabic back."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from dalil.accounts import auth

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Correct-horse-battery-9"  # what the root conftest's `make_user` sets


def test_administrator_downloads_the_ledger_extract_pdf_with_correct_arabic(
    make_user: Any, new_page: Any, tmp_path: Any
):
    admin = make_user("pdf.admin", unit="MOI", role="system_admin", at="MOI")
    page = new_page(locale="ar-IQ")
    page.goto("/accounts/login/")
    page.fill("input[name=username]", admin.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/accounts/login/code/")
    page.fill("input[name=token]", auth.current_code(admin))
    page.click("button[type=submit]")
    page.wait_for_load_state()

    page.goto("/admin/units/BGD-KARADA/")
    page.click("a[href*='/documents/ledger-extract/']")
    page.wait_for_url("**/documents/ledger-extract/**")
    with page.expect_download() as info:
        page.click("main button[type=submit]")
    download = info.value
    target = tmp_path / "extract.pdf"
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")

    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    # pdftotext wraps runs of each direction in embedding marks; the words themselves must be intact.
    plain = text.translate({cp: None for cp in range(0x202A, 0x202F)})
    unit_line = next(line for line in plain.splitlines() if "BGD-KARADA" in line and "وحدة" in line)
    assert "وحدة" in unit_line.replace(":", " ").split()  # the Arabic name, letters intact
    assert "وزارة الداخلية" in plain  # the letterhead
