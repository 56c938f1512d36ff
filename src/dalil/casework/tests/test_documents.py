"""Case documents (IN-4): stored in the vault by SHA-256 after the door check, downloaded through
the case, never deleted (withdrawn with a reason), listed in the referral dossier with the hash of
the ledger entry that recorded them."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dalil import access
from dalil.audit.models import Entry
from dalil.audit.testing import actions_since, last_seq
from dalil.cases import services as case_services
from dalil.casework import contributions, services
from dalil.casework.models import Document
from dalil.core.models import StoredFile

pytestmark = pytest.mark.django_db

CONTENT = "إفادة الشاهد الأولى".encode()


def _upload(content: bytes = CONTENT, name: str = "statement.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


def _add(case, user, **kwargs):
    return services.document_add(
        actor=user,
        case=case,
        title=kwargs.pop("title", "إفادة الشاهد"),
        kind=kwargs.pop("kind", "statement"),
        upload=kwargs.pop("upload", None) or _upload(),
        **kwargs,
    )


def test_an_upload_is_stored_by_its_hash_and_ledgered_once(case, lead, client_for):
    client = client_for(lead)
    since = last_seq()
    response = client.post(
        reverse("casework:document_create", args=[case.number]),
        {"title": "إفادة الشاهد", "kind": "statement", "file": _upload()},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    doc = Document.objects.get()
    sha = hashlib.sha256(CONTENT).hexdigest()
    assert doc.sha256 == sha and doc.stored.unit == case.unit and doc.added_by == lead
    # The vault records the file; the case records the document: one entry for this write.
    assert actions_since(since) == ["core.file_uploaded", "casework.document_added"]
    entry = Entry.objects.get(action="casework.document_added")
    assert (doc.ledger_seq, doc.ledger_hash) == (entry.seq, entry.hash)
    assert entry.target_type == "casework.document" and entry.target_id == str(doc.pk)
    assert json.loads(entry.payload)["sha256"] == sha
    listing = client.get(reverse("casework:document_list", args=[case.number])).content.decode()
    assert f'<bdi dir="ltr" class="hash small">{sha}</bdi>' in listing


def test_a_download_goes_through_the_case_and_is_ledgered(case, lead, observer, client_for):
    doc = _add(case, lead)
    url = reverse("casework:document_download", args=[case.number, doc.pk])
    since = last_seq()
    response = client_for(observer).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == CONTENT
    assert response["Content-Type"] == "application/octet-stream"
    assert actions_since(since) == ["core.file_downloaded"]


def test_another_unit_gets_404_for_the_list_and_the_download(case, lead, outsider, client_for):
    doc = _add(case, lead)
    client = client_for(outsider)
    assert client.get(reverse("casework:document_list", args=[case.number])).status_code == 404
    url = reverse("casework:document_download", args=[case.number, doc.pk])
    since = last_seq()
    assert client.get(url).status_code == 404
    assert actions_since(since) == ["access.denied"]


def test_a_document_of_another_case_is_not_found_under_this_one(tree, case, lead, client_for):
    other = case_services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="أخرى", lead=lead)
    doc = _add(other, lead)
    url = reverse("casework:document_download", args=[case.number, doc.pk])
    assert client_for(lead).get(url).status_code == 404


def test_an_empty_file_is_refused_with_a_message_and_nothing_is_written(case, lead, client_for):
    since = last_seq()
    response = client_for(lead).post(
        reverse("casework:document_create", args=[case.number]),
        {"title": "فارغ", "kind": "report", "file": _upload(b"", "empty.txt")},
    )
    assert response.status_code == 200
    assert "The file is empty" in response.content.decode()
    assert not Document.objects.exists() and not StoredFile.objects.exists()
    assert actions_since(since) == []


def test_a_file_over_the_vault_limit_is_refused(case, lead, settings):
    settings.DALIL_VAULT_MAX_BYTES = 8
    since = last_seq()
    with pytest.raises(ValidationError) as exc:
        _add(case, lead, upload=_upload(b"0123456789"))
    assert "file" in exc.value.message_dict
    assert not Document.objects.exists() and actions_since(since) == []


@pytest.mark.parametrize(
    ("kwargs", "field"), [({"title": " "}, "title"), ({"kind": "memo"}, "kind")]
)
def test_bad_document_input_is_refused(case, lead, kwargs, field):
    with pytest.raises(ValidationError) as exc:
        _add(case, lead, **kwargs)
    assert field in exc.value.message_dict
    assert not StoredFile.objects.exists()


def test_a_withdrawal_keeps_the_row_and_the_file_with_the_reason(case, lead, client_for):
    doc = _add(case, lead)
    client = client_for(lead)
    since = last_seq()
    short = client.post(
        reverse("casework:document_withdraw", args=[case.number, doc.pk]), {"reason": "خطأ"}
    )
    assert short.status_code == 200 and actions_since(since) == []
    response = client.post(
        reverse("casework:document_withdraw", args=[case.number, doc.pk]),
        {"reason": "رُفع في هذه القضية خطأً"},
    )
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.withdrawn and doc.withdrawn_by == lead
    assert doc.withdrawal_reason == "رُفع في هذه القضية خطأً"
    assert actions_since(since) == ["casework.document_withdrawn"]
    with pytest.raises(ValidationError, match="already"):
        services.document_withdraw(actor=lead, document=doc, reason="مرة أخرى للتأكد")
    listing = client.get(reverse("casework:document_list", args=[case.number])).content.decode()
    assert "رُفع في هذه القضية خطأً" in listing
    url = reverse("casework:document_download", args=[case.number, doc.pk])
    assert client.get(url).status_code == 200  # still in the record


def test_an_observer_cannot_upload_or_withdraw(case, lead, observer, client_for):
    doc = _add(case, lead)
    client = client_for(observer)
    since = last_seq()
    upload = client.post(
        reverse("casework:document_create", args=[case.number]),
        {"title": "x", "kind": "report", "file": _upload()},
    )
    withdraw = client.post(
        reverse("casework:document_withdraw", args=[case.number, doc.pk]),
        {"reason": "سبب طويل بما يكفي"},
    )
    assert upload.status_code == 404 and withdraw.status_code == 404
    assert actions_since(since) == ["access.denied", "access.denied"]
    with pytest.raises(access.Denied):
        _add(case, observer)
    assert Document.objects.count() == 1 and StoredFile.objects.count() == 1


def test_a_closed_case_takes_no_document(case, lead):
    case_services.case_transition(actor=lead, case=case, step="close", version=case.version)
    with pytest.raises(ValidationError, match="closed"):
        _add(case, lead)
    assert not StoredFile.objects.exists()


def test_the_dossier_lists_each_document_with_its_hash_and_its_ledger_entry(case, lead):
    first = _add(case, lead, title="تقرير الكشف", kind="report")
    second = _add(case, lead, title="كتاب", kind="correspondence", upload=_upload(b"letter"))
    withdrawn = _add(case, lead, title="مسحوب", kind="other", upload=_upload(b"gone"))
    services.document_withdraw(actor=lead, document=withdrawn, reason="رُفع خطأً في القضية")
    section = contributions.dossier_documents(lead, case)
    assert section is not None and section.order == 50
    assert [r[0] for r in section.rows] == ["تقرير الكشف", "كتاب"]
    assert section.hashes == [
        (first.sha256, first.ledger_hash),
        (second.sha256, second.ledger_hash),
    ]
    assert all(len(h) == 64 for pair in section.hashes for h in pair)
