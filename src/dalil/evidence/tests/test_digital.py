"""EV-7 digital evidence: a file or image is kept only if its hashes are the acquisition's;
re-verification on demand (a job with progress) and on the worker's schedule, each on the ledger;
a changed or missing file raises the alarm."""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.urls import reverse

from dalil import access
from dalil.audit.models import Entry
from dalil.core import vault
from dalil.core.models import StoredFile
from dalil.evidence import digital
from dalil.evidence.models import DigitalFile, FileVerification

pytestmark = pytest.mark.django_db(transaction=True)

IMAGE = b"disk image " * 50_000  # about half a megabyte


def upload(data: bytes = IMAGE) -> Any:
    return SimpleUploadedFile("phone.E01", data, content_type="application/octet-stream")


def declared(data: bytes = IMAGE, **override: str) -> dict[str, str]:
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "md5": hashlib.md5(data).hexdigest(),
        "sha1": hashlib.sha1(data).hexdigest(),
        **override,
    }


@pytest.fixture
def phone(record: Any) -> Any:
    return record(category="digital", description="هاتف سامسونج", seal_number="D-1")


def add(actor: Any, item: Any, data: bytes = IMAGE, **override: str) -> DigitalFile:
    return digital.file_add(
        actor=actor,
        item=item,
        upload=upload(data),
        acquired_by="م. رنا الخفاجي",
        tool="FTK Imager 4.7",
        **declared(data, **override),
    )


def counts() -> tuple[int, int, int]:
    return (DigitalFile.objects.count(), StoredFile.objects.count(), Entry.objects.count())


def test_a_file_with_the_acquisition_hashes_is_kept_and_ledgered(phone: Any, lead: Any) -> None:
    kept = add(lead, phone)
    assert kept.sha256 == kept.stored.blob_id == hashlib.sha256(IMAGE).hexdigest()
    assert kept.size == len(IMAGE) and kept.stored.attached_to == "evidence.digital_file"
    entry = Entry.objects.get(seq=kept.ledger_seq)
    assert entry.action == "evidence.file_added"
    assert json.loads(entry.payload)["md5"] == hashlib.md5(IMAGE).hexdigest()
    with transaction.atomic(), pytest.raises(DatabaseError):
        DigitalFile.objects.filter(pk=kept.pk).update(sha256="0" * 64)


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"sha256": "a" * 64}, "sha256"),
        ({"md5": "b" * 32}, "md5"),
        ({"sha1": "c" * 40}, "sha1"),
        ({"sha256": "xyz"}, "sha256"),
        ({"sha256": ""}, "sha256"),
        ({"md5": "1234"}, "md5"),
    ],
)
def test_a_file_that_is_not_the_acquired_one_is_refused_and_nothing_kept(
    phone: Any, lead: Any, override: dict[str, str], field: str
) -> None:
    before = counts()
    with pytest.raises(ValidationError) as refused:
        add(lead, phone, **override)
    assert field in refused.value.message_dict
    assert counts() == before


def test_only_a_digital_item_and_only_who_may_work_on_it(
    record: Any, phone: Any, lead: Any, outsider: Any, custodian: Any
) -> None:
    pistol = record(category="weapon", seal_number="W-1")
    with pytest.raises(ValidationError, match="digital item"):
        add(lead, pistol)
    with pytest.raises(access.Denied):
        add(outsider, phone)
    with pytest.raises(access.Denied):  # sees the unit's register, neither works on it nor holds it
        add(custodian, phone)
    assert not DigitalFile.objects.exists()


def test_re_verification_finds_a_changed_or_a_missing_file(phone: Any, lead: Any) -> None:
    kept = add(lead, phone)
    assert digital.verify(actor=lead, file=kept).result == "ok"
    path = vault.blob_path(kept.sha256)
    os.chmod(path, 0o640)
    path.write_bytes(IMAGE[:-1] + b"X")  # one byte changed on the disk
    changed = digital.verify(actor=lead, file=kept)
    assert changed.result == "mismatch" and changed.computed_sha256 != kept.sha256
    assert Entry.objects.get(seq=changed.ledger_seq).action == "evidence.file_integrity_alarm"
    path.unlink()
    assert digital.verify(actor=lead, file=kept).result == "missing"
    assert FileVerification.objects.count() == 3


def test_the_schedule_verifies_what_is_due_once(phone: Any, lead: Any) -> None:
    kept = add(lead, phone)
    assert digital.due() == [kept]
    line = digital.reverify_due()
    assert line == "1 digital files re-verified, 0 alarms"
    check = FileVerification.objects.get()
    assert check.checked_by is None and check.result == "ok"
    assert Entry.objects.get(seq=check.ledger_seq).actor == "system:worker:evidence.reverify"
    assert digital.due() == [] and digital.reverify_due() == ""


def test_verify_now_runs_as_a_job_with_progress(client_for: Any, phone: Any, lead: Any) -> None:
    from dalil.jobs.models import Job
    from dalil.jobs.testing import run_queued

    kept = add(lead, phone)
    client = client_for(lead)
    page = client.get(reverse("evidence:item_detail", args=[phone.number])).content.decode()
    assert (
        kept.sha256 in page
        and reverse("evidence:file_verify", args=[phone.number, kept.pk]) in page
    )
    response = client.post(reverse("evidence:file_verify", args=[phone.number, kept.pk]))
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    run_queued()
    job.refresh_from_db()
    assert job.status == "succeeded", job.status
    assert job.result["result"] == "ok" and job.done == job.total
    assert FileVerification.objects.get().checked_by == lead


def test_the_page_refuses_a_wrong_hash_beside_its_field(
    client_for: Any, phone: Any, lead: Any
) -> None:
    client = client_for(lead)
    url = reverse("evidence:file_add", args=[phone.number])
    bad = client.post(url, {"upload": upload(), "acquired_by": "x", **declared(sha256="d" * 64)})
    assert bad.status_code == 200 and "not the acquired file" in bad.content.decode()
    good = client.post(url, {"upload": upload(), "acquired_by": "x", **declared()})
    assert good.status_code == 302 and DigitalFile.objects.count() == 1
