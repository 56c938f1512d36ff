"""EV-2 and EV-6: labels whose QR code opens the right item, the court's custody report, and the
custody bundle that the standalone verifier accepts and rejects after any single change."""

from __future__ import annotations

import io
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from dalil.audit import chain, integrity
from dalil.audit.models import Entry
from dalil.evidence import custody_report, labels, services
from dalil.evidence.models import Item

pytestmark = pytest.mark.django_db


@pytest.fixture
def travelled(item: Item, lead: Any, custodian: Any, shelf: Any) -> Item:
    """An item collected, handed to the store, received and resealed, with a signed checkpoint."""
    services.transfer_release(
        actor=lead, item=item, version=1, to_location=shelf, purpose="حفظ في المخزن"
    )
    item.refresh_from_db()
    services.transfer_confirm(
        actor=custodian, item=item, version=2, seal_state="resealed", seal_number="S-0009"
    )
    integrity.checkpoint_create()
    item.refresh_from_db()
    return item


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout


def qr_codes(data: bytes, tmp_path: Path) -> list[str]:
    """Render each page of the PDF at 300 dpi and read every QR code on it."""
    import zxingcpp
    from PIL import Image

    path = tmp_path / "labels.pdf"
    path.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(path), str(tmp_path / "page")], check=True)
    found = []
    for png in sorted(tmp_path.glob("page*.png")):
        found += [r.text for r in zxingcpp.read_barcodes(Image.open(png))]
    return found


def test_the_label_qr_code_decodes_to_the_items_address(item, record, lead, tmp_path):
    other = record(description="خرطوشة", seal_number="S-0002")
    data = labels.labels_pdf(actor=lead, items=[item, other], size="a4")
    codes = qr_codes(data, tmp_path)
    assert sorted(codes) == sorted([labels.item_address(item), labels.item_address(other)])
    assert codes and all(
        c.endswith(f"/evidence/items/{n}/")
        for c, n in zip(sorted(codes), sorted([item.number, other.number]), strict=True)
    )
    printed = Entry.objects.filter(action="evidence.labels_printed").order_by("seq")
    assert [json.loads(e.payload)["number"] for e in printed] == [item.number, other.number]
    assert [e.target_id for e in printed] == [str(item.pk), str(other.pk)]


def test_a_thermal_label_is_one_label_per_page(item, record, lead, tmp_path):
    other = record(description="خرطوشة", seal_number="S-0002")
    data = labels.labels_pdf(actor=lead, items=[item, other], size="thermal")
    text = pdf_text(data, tmp_path)
    assert text.count("\f") >= 1 and item.number in text and other.number in text


def test_scanning_a_label_opens_the_item(client_for, item, lead):
    address = labels.item_address(item)
    response = client_for(lead).get(reverse("evidence:find"), {"code": address})
    assert response.status_code == 302
    assert response.url == reverse("evidence:item_detail", args=[item.number])


def test_a_batch_with_a_number_of_another_unit_is_refused_and_nothing_written(
    client_for, item, lead, make_user, tree
):
    from decimal import Decimal

    from dalil.cases import services as case_services

    other_lead = make_user(
        "lead.mansour", unit="BGD-MANSOUR", role="investigator", at="BGD-MANSOUR"
    )
    theirs_case = case_services.case_create(
        actor=other_lead, unit=tree["BGD-MANSOUR"], title="سرقة", lead=other_lead
    )
    theirs = services.item_record(
        actor=other_lead,
        case=theirs_case,
        description="ساعة",
        category="other",
        quantity=Decimal(1),
        quantity_unit="piece",
        seal_number="M-1",
    )
    before = Entry.objects.count()
    response = client_for(lead).post(
        reverse("evidence:labels"), {"numbers": f"{item.number}\n{theirs.number}", "size": "a4"}
    )
    assert response.status_code == 200
    assert "not numbers of items you may see" in response.content.decode()
    assert theirs.number in response.content.decode()
    assert Entry.objects.count() == before

    ok = client_for(lead).post(reverse("evidence:labels"), {"numbers": item.number, "size": "a4"})
    assert ok.status_code == 200 and ok["Content-Type"] == "application/pdf"


def test_the_custody_report_lists_every_event_with_its_hashes(travelled, lead, tmp_path):
    issued = custody_report.custody_report(actor=lead, item=travelled)
    text = pdf_text(issued.pdf, tmp_path)
    assert travelled.number in text and "S-0009" in text
    for entry in Entry.objects.filter(target_type="evidence.item", target_id=str(travelled.pk)):
        if entry.action.startswith("evidence.custody") or entry.action == "evidence.item_recorded":
            assert entry.hash[:16] in text.replace(" ", "").replace("\n", "")
    assert "does NOT" not in text
    assert Entry.objects.filter(action="reports.document_issued").count() == 1


def bundle_of(item: Item, actor: Any, tmp_path: Path) -> Path:
    data, _manifest = custody_report.custody_bundle(actor=actor, item=item)
    path = tmp_path / "bundle.zip"
    path.write_bytes(data)
    return path


def rewrite(src: Path, dst: Path, name: str, change: Any) -> Path:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            zout.writestr(info, change(body) if info.filename == name else body)
    return dst


def test_the_custody_bundle_verifies_offline_and_fails_after_any_single_change(
    travelled, lead, tmp_path
):
    path = bundle_of(travelled, lead, tmp_path)
    report = chain.verify_bundle(str(path))
    assert report.problems == [], report.problems
    with zipfile.ZipFile(path) as zf:
        custody = json.loads(zf.read("custody.json"))
        lines = zf.read("entries.jsonl").decode().splitlines()
        assert "verify_ledger.py" in zf.namelist()
    assert [e["kind"] for e in custody["events"]] == ["collected", "released", "received"]
    # The standalone verifier, run as a judge would: Python alone, outside Dalil.
    with zipfile.ZipFile(path) as zf:
        zf.extract("verify_ledger.py", tmp_path)
    run = subprocess.run(
        ["python3", str(tmp_path / "verify_ledger.py"), str(path)], capture_output=True, text=True
    )
    assert run.returncode == 0 and run.stdout.startswith("OK"), run.stdout

    def custody_change(key: str, value: Any, n: int = 1) -> Any:
        def change(body: bytes) -> bytes:
            doc = json.loads(body)
            doc["events"][n][key] = value
            return json.dumps(doc).encode()

        return change

    changes = {
        "a seal number in custody.json": ("custody.json", custody_change("seal_number", "S-0010")),
        "a receiver in custody.json": ("custody.json", custody_change("to", "user:someone.else")),
        "a time in custody.json": (
            "custody.json",
            custody_change("at", "2020-01-01T00:00:00+00:00"),
        ),
        "an event removed": (
            "custody.json",
            lambda b: json.dumps({**json.loads(b), "events": json.loads(b)["events"][1:]}).encode(),
        ),
    }
    # Every entry of the item (a proof bundle carries no other): one character of its payload
    # changed.
    for i, line in enumerate(lines):
        entry = json.loads(line)

        def tamper(body: bytes, i: int = i) -> bytes:
            rows = body.decode().splitlines()
            e = json.loads(rows[i])
            e["payload"] = e["payload"].replace('"', "'", 1) if i % 2 else e["payload"][:-1] + " }"
            rows[i] = json.dumps(e, ensure_ascii=False)
            return ("\n".join(rows) + "\n").encode()

        changes[f"entry {entry['seq']}"] = ("entries.jsonl", tamper)
    assert len(changes) >= 7
    for what, (name, change) in changes.items():
        bad = rewrite(path, tmp_path / "bad.zip", name, change)
        assert chain.verify_bundle(str(bad)).problems, f"{what}: the verifier did not notice"


def test_the_bundle_is_refused_for_an_item_out_of_scope_and_ledgered_when_given(
    client_for, travelled, lead, outsider
):
    url = reverse("evidence:bundle", args=[travelled.number])
    assert client_for(outsider).post(url).status_code == 404
    response = client_for(lead).post(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert zipfile.ZipFile(io.BytesIO(response.content)).testzip() is None
    entry = Entry.objects.filter(action="audit.ledger_exported").latest("seq")
    assert entry.target_id == str(travelled.pk) and entry.actor_id == lead.pk


def test_a_long_chain_is_reported_by_a_job_whose_pdf_only_its_owner_downloads(
    client_for, travelled, lead, custodian, outsider, monkeypatch, tmp_path
):
    from dalil.jobs.models import Job
    from dalil.jobs.testing import run_queued

    monkeypatch.setattr(custody_report, "SYNC_EVENTS", 2)  # this chain has 3 events
    url = reverse("evidence:report", args=[travelled.number])
    page = client_for(lead).get(url)
    assert "prepared in the background" in page.content.decode()
    response = client_for(lead).post(url)
    job = Job.objects.get(kind="evidence.custody_report")
    assert response.status_code == 302 and response["Location"] == reverse(
        "jobs:detail", args=[job.pk]
    )
    assert client_for(outsider).post(url).status_code == 404  # the item is out of their scope
    run_queued()
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    detail = client_for(lead).get(reverse("jobs:detail", args=[job.pk])).content.decode()
    file_url = reverse("jobs:file", args=[job.pk])
    assert file_url in detail
    download = client_for(lead).get(file_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    data = b"".join(download.streaming_content)
    assert travelled.number in pdf_text(data, tmp_path)
    issued = Entry.objects.filter(action="reports.document_issued").latest("seq")
    assert json.loads(issued.payload)["sha256"] == job.result["sha256"]
    assert Entry.objects.filter(action="core.file_downloaded", actor_id=lead.pk).exists()
    # The custodian sees the item, but the PDF was made for the lead: not theirs to download.
    assert client_for(custodian).get(file_url).status_code == 404
