"""Compartments and case scope hold on every path (issue #9 §2; RELIABILITY.md "Paths that leaked
once").

The walk reads the access registry (`access.door.POLICIES`), not a list of models:

* every policy behind a clearance (`Policy.gated`: a compartment field, or a clearance such as the
  informants') needs a builder in BUILDERS, or the walk fails naming it. Each record is built in a
  compartment and checked, on every surface in SURFACES, against a user who holds *every*
  permission at the ministry and is even a member of the case, but lacks the clearance: the
  record must stay invisible, answered as a missing one. The same user, once cleared, sees it all
  (so the fixtures are not invisible for some other reason).
* every policy whose records hang on a case (a foreign-key path to `cases.Case`) must be built by
  the one helper `cases.policies.through_case` (or say why not in OWN_RULES). Each record is built
  in a case of BGD-KARADA and walked against a user of BGD-MANSOUR; break-glass on the case must
  open every record `through_case` covers, and the case page must list them.

A surface is a function `(walk, record)` that fails when the outsider can learn of the record.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.db.models import ForeignKey, Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dalil import access, search
from dalil.access import door
from dalil.access.models import Assignment, BreakGlass, Clearance, Compartment, Role, RolePermission
from dalil.audit import selectors as audit_selectors
from dalil.audit import visibility
from dalil.audit.models import Entry
from dalil.cases.models import Case, CaseMember, CaseParty, IccsCategory, Offence
from dalil.cases.policies import ThroughCase
from dalil.reports import documents

pytestmark = pytest.mark.django_db

MARK = "WALKMARK"  # in every free-text label the builders write, so a page that names it is caught
_serial = itertools.count(1)


# --- The world ----------------------------------------------------------------------------------------
@dataclass
class Walk:
    tree: dict[str, Any]
    lead: Any  # leads the cases, holds every clearance
    outsider: Any  # the user the records must stay hidden from
    case: Any  # the case the records hang on
    client_for: Callable[[Any], Client]
    person: Any = None
    tokens: dict[int, str] = field(default_factory=dict)

    def client(self) -> Client:
        return self.client_for(self.outsider)

    def api(self) -> Client:
        from dalil.api import services

        if self.outsider.pk not in self.tokens:
            self.outsider.is_verified = lambda: True
            self.tokens[self.outsider.pk] = services.token_create(
                actor=self.outsider, name="walk", days=1
            )[1]
        return Client(
            HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {self.tokens[self.outsider.pk]}"
        )


def _role(code: str, permissions: set[str]) -> Role:
    role = Role.objects.create(code=code, name_ar=code)
    now = timezone.now()  # in force at once, as the operator's seeding is (ADR 0014)
    RolePermission.objects.bulk_create(
        [RolePermission(role=role, code=c, approved_at=now) for c in permissions]
    )
    return role


def _now() -> dt.datetime:
    return timezone.now()


# --- Builders: one record of each kind, hanging on `case` ---------------------------------------------
def _detainee(w: Walk, case: Case) -> Any:
    from dalil.detention.models import Detainee
    from dalil.parties.models import Person

    # A person is held at most once at a time in a case (a database constraint): one each.
    return Detainee.objects.create(
        number=f"D-{MARK}-{next(_serial)}",
        case=case,
        person=Person.objects.create(unit=case.unit, given_name_ar=MARK),
        arrested_at=_now() - dt.timedelta(hours=3),
        arrest_place=MARK,
        arresting_unit=case.unit,
        registered_at=_now() - dt.timedelta(hours=2),
        registered_late=False,
        penalty_years=10,
        place_of_detention=MARK,
    )


def _file(w: Walk, case: Case, kind: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dalil.core import vault

    upload = SimpleUploadedFile(f"{MARK}-{next(_serial)}.txt", f"{MARK} {kind}".encode())
    return vault.store_upload(actor=w.lead, unit=case.unit, upload=upload, attached_to=kind)


def _injury(w: Walk, case: Case) -> Any:
    from dalil.detention.models import IntakeInjury

    return IntakeInjury.objects.create(
        detainee=_detainee(w, case),
        noted_at=_now() - dt.timedelta(hours=1),
        noted_by=MARK,
        description=MARK,
        body_location=f"{MARK} arm",
        photo=_file(w, case, "detention.intake_injury"),
    )


def _statement(w: Walk, case: Case, detainee: Any = None) -> Any:
    from dalil.detention.models import Statement

    return Statement.objects.create(
        detainee=detainee or _detainee(w, case),
        kind="confession",
        taken_at=_now() - dt.timedelta(minutes=30),
        taken_by=MARK,
        summary=MARK,
        document=_file(w, case, "detention.statement"),
    )


def _referral(w: Walk, case: Case) -> Any:
    from dalil.detention.models import IntegrityReferral

    injury = _injury(w, case)
    referral = IntegrityReferral.objects.create(
        number=f"IR-{MARK}-{next(_serial)}",
        compartment=Compartment.objects.get(code="internal_affairs"),
        detainee=injury.detainee,
        statement=_statement(w, case, injury.detainee),
        detainee_name=MARK,
        case_number=case.number,
        unit=case.unit,
    )
    referral.injuries.set([injury])
    return referral


def _alert_recipient(w: Walk, case: Case) -> Any:
    from dalil.detention.models import Alert, AlertRecipient

    alert = Alert.objects.create(
        detainee=_detainee(w, case), kind="first_order", level="due_soon", deadline_at=_now()
    )
    return AlertRecipient.objects.create(alert=alert, user=w.outsider)  # addressed to them


def _order(w: Walk, case: Case) -> Any:
    from dalil.detention.models import DetentionOrder

    start = _now() - dt.timedelta(hours=1)
    return DetentionOrder.objects.create(
        detainee=_detainee(w, case),
        kind="detention",
        starts_at=start,
        days=10,
        ends_at=start + dt.timedelta(days=10),
        order_number=f"{MARK}/{next(_serial)}",
        judge_name=MARK,
        court=MARK,
        issued_on=timezone.localdate(),
    )


def _court_permission(w: Walk, case: Case) -> Any:
    from dalil.detention.models import CourtPermission

    return CourtPermission.objects.create(
        detainee=_detainee(w, case),
        court=MARK,
        decision_number=f"{MARK}/{next(_serial)}",
        decided_on=timezone.localdate(),
        permitted_until=_now() + dt.timedelta(days=200),
    )


def _transfer(w: Walk, case: Case) -> Any:
    from dalil.detention.models import Transfer

    return Transfer.objects.create(
        detainee=_detainee(w, case),
        moved_at=_now() - dt.timedelta(minutes=20),
        from_place=MARK,
        from_unit=case.unit,
        to_place=f"{MARK} prison",
        to_unit=case.unit,
        reason=MARK,
    )


def _task(w: Walk, case: Case) -> Any:
    from dalil.casework.models import Task

    return Task.objects.create(case=case, title=f"{MARK} task", created_by=w.lead)


def _journal(w: Walk, case: Case) -> Any:
    from dalil.casework.models import JournalEntry

    return JournalEntry.objects.create(case=case, author=w.lead, occurred_at=_now())


def _journal_version(w: Walk, case: Case) -> Any:
    from dalil.casework.models import JournalVersion

    entry = _journal(w, case)
    return JournalVersion.objects.create(
        entry=entry, number=1, text=MARK, occurred_at=entry.occurred_at, author=w.lead
    )


def _document(w: Walk, case: Case) -> Any:
    from dalil.casework.models import Document

    return Document.objects.create(
        case=case,
        title=f"{MARK} document",
        kind=Document.Kind.values[0],
        stored=_file(w, case, "casework.document"),
        added_by=w.lead,
    )


def _request(w: Walk, case: Case) -> Any:
    from dalil.judicial.models import JudicialRequest

    serial = next(_serial)
    return JudicialRequest.objects.create(
        case=case,
        number=f"{case.number}-R-{serial:03d}",
        serial=serial,
        kind=JudicialRequest.Kind.values[0],
        grounds=MARK,
        court=MARK,
        requested_by=w.lead,
    )


def _decision(w: Walk, case: Case) -> Any:
    from dalil.judicial.models import Decision

    return Decision.objects.create(
        request=_request(w, case),
        case=case,
        order_number=f"{MARK}/{next(_serial)}",
        decided_on=timezone.localdate(),
        judge_name=MARK,
        outcome=Decision.Outcome.values[0],
        text=MARK,
        scan=_file(w, case, "judicial.decision"),
        recorded_by=w.lead,
    )


def _deadline(w: Walk, case: Case) -> Any:
    from dalil.judicial.models import Deadline

    decision = _decision(w, case)
    return Deadline.objects.create(
        case=case,
        decision=decision,
        kind=Deadline.Kind.values[0],
        due_at=_now() + dt.timedelta(days=3),
    )


def _member(w: Walk, case: Case) -> Any:
    from dalil.accounts.models import User

    user = User.objects.create(
        username=f"walk.member{next(_serial)}", full_name=f"{MARK} member", unit=case.unit
    )
    return CaseMember.objects.create(case=case, user=user, role=CaseMember.Role.ANALYST)


def _offence(w: Walk, case: Case) -> Any:
    return Offence.objects.create(
        case=case, category=IccsCategory.objects.get(code="0101"), stage="completed", article=MARK
    )


def _party(w: Walk, case: Case) -> Any:
    return CaseParty.objects.create(
        case=case, entity_type="person", entity_id=w.person.pk, role="suspect", note=MARK
    )


# Keyed by "app_label.model". A new policy behind a clearance, or a new record that hangs on a
# case, needs one here: the walk fails until it has one.
def _item(w: Walk, case: Case) -> Any:
    from decimal import Decimal

    from dalil.evidence import services

    return services.item_record(
        actor=w.lead,
        case=case,
        description=f"{MARK} pistol",
        category="weapon",
        quantity=Decimal(1),
        quantity_unit="piece",
        seal_number=f"WALK-{next(_serial)}",
    )


def _custody_event(w: Walk, case: Case) -> Any:
    from dalil.evidence.models import CustodyEvent

    return CustodyEvent.objects.get(item=_item(w, case), seq=1)


def _disposition(w: Walk, case: Case) -> Any:
    from dalil.evidence.models import Disposition

    return Disposition.objects.create(
        item=_item(w, case),
        kind="retain",
        legal_basis=MARK,
        order_number=MARK[:60],
        order_date=_now().date(),
        requested_at=_now(),
    )


def _audit_scan(w: Walk, case: Case) -> Any:
    from dalil.evidence.models import AuditScan, InventoryAudit, StorageLocation

    location = StorageLocation.objects.create(
        unit=case.unit, code=f"WALK-{next(_serial)}", name=MARK, kind="shelf"
    )
    count = InventoryAudit.objects.create(location=location, started_at=_now())
    item = _item(w, case)
    return AuditScan.objects.create(audit=count, code=item.number, item=item, scanned_at=_now())


def _digital_file(w: Walk, case: Case) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dalil.evidence import digital
    from dalil.evidence.models import Item

    item = _item(w, case)
    Item.objects.filter(pk=item.pk).update(category="digital")
    item.refresh_from_db()
    data = f"{MARK} image {next(_serial)}".encode()
    return digital.file_add(
        actor=w.lead,
        item=item,
        upload=SimpleUploadedFile("walk.E01", data),
        sha256=digital.hashes([data])["sha256"],
        acquired_by=MARK,
    )


def _file_verification(w: Walk, case: Case) -> Any:
    from dalil.evidence import digital

    return digital.verify(actor=w.lead, file=_digital_file(w, case))


def _scene(w: Walk, case: Case) -> Any:
    from dalil.accounts.models import Governorate
    from dalil.scenes import services

    return services.scene_record(
        actor=w.lead,
        case=case,
        title=f"{MARK} scene",
        governorate=Governorate.objects.get(code="IQ-BG"),
        address=MARK,
        called_at=_now() - dt.timedelta(hours=2),
        lead_officer=w.lead,
    )


def _cordon_entry(w: Walk, case: Case) -> Any:
    from dalil.scenes import services

    return services.cordon_enter(
        actor=w.lead, scene=_scene(w, case), cordon="inner", reason=MARK, person_name=MARK
    )


def _scene_photo(w: Walk, case: Case) -> Any:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from dalil.scenes import services

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (next(_serial) % 255, 0, 0)).save(buf, "PNG")
    upload = SimpleUploadedFile("walk.png", buf.getvalue(), content_type="image/png")
    return services.photo_add(actor=w.lead, scene=_scene(w, case), upload=upload, description=MARK)


def _lab_request(w: Walk, case: Case) -> Any:
    from dalil.access import operator_command
    from dalil.accounts import services as accounts
    from dalil.accounts.models import Unit
    from dalil.labs import services
    from dalil.labs.models import Section

    lab = Unit.objects.filter(code="WALK-LAB").first()
    if lab is None:
        with operator_command("walk") as actor:
            lab = accounts.unit_create(
                actor=actor,
                parent=Unit.objects.get(code="MOI"),
                code="WALK-LAB",
                kind="lab",
                name_ar="مختبر",  # not the mark: a unit is no secret of the case
                name_en="Laboratory",
            )
        Section.objects.create(lab=lab, kind="firearms")
    return services.request_submit(
        actor=w.lead, case=case, lab=lab, exams=[(_item(w, case), "firearms")], questions=MARK
    )


def _requested_exam(w: Walk, case: Case) -> Any:
    return _lab_request(w, case).exams.get()


def _lab_item(w: Walk, case: Case) -> Any:
    from dalil.labs.models import LabItem

    request = _lab_request(w, case)
    item = request.exams.get().item
    return LabItem.objects.create(
        lab=request.lab,
        lab_number=f"WALK-LAB-{next(_serial)}",
        request=request,
        item=item,
        receipt=item.custody.get(),
        received_at=_now(),
        received_by=w.lead,
    )


BUILDERS: dict[str, Callable[[Walk, Case], Model]] = {
    "cases.case": lambda w, case: case,
    "cases.casemember": _member,
    "cases.offence": _offence,
    "cases.caseparty": _party,
    "casework.task": _task,
    "casework.journalentry": _journal,
    "casework.journalversion": _journal_version,
    "casework.document": _document,
    "judicial.judicialrequest": _request,
    "judicial.decision": _decision,
    "judicial.deadline": _deadline,
    "detention.detainee": _detainee,
    "detention.detentionorder": _order,
    "detention.courtpermission": _court_permission,
    "detention.transfer": _transfer,
    "detention.intakeinjury": _injury,
    "detention.statement": _statement,
    "detention.integrityreferral": _referral,
    "detention.alertrecipient": _alert_recipient,
    "evidence.item": _item,
    "evidence.custodyevent": _custody_event,
    "evidence.disposition": _disposition,
    "evidence.auditscan": _audit_scan,
    "evidence.digitalfile": _digital_file,
    "evidence.fileverification": _file_verification,
    "scenes.scene": _scene,
    "scenes.cordonentry": _cordon_entry,
    "scenes.scenephoto": _scene_photo,
    "labs.labrequest": _lab_request,
    "labs.requestedexam": _requested_exam,
    "labs.labitem": _lab_item,
}

# Records that hang on a case but follow rules of their own instead of the case's scope.
OWN_RULES = {
    "detention.integrityreferral": "internal affairs' compartment: IA reads it without the case",
    "detention.alertrecipient": "addressed to one user, and only while they may see the case",
    "evidence.item": "its case's scope, its unit's custodians, whoever holds it, and the staff "
    "of a laboratory it was sent to",
    "evidence.custodyevent": "follows its item",
    "evidence.disposition": "follows its item",
    "evidence.auditscan": "the store's record: its custodians, and the item's compartment",
    "evidence.digitalfile": "follows its item",
    "evidence.fileverification": "follows its item",
    "labs.labrequest": "its case's scope, and also the staff of the laboratory it was sent to",
    "labs.requestedexam": "follows its request",
    "labs.labitem": "its case's scope, and also the staff of the laboratory that received it",
}


def gated_policies() -> list[type[Model]]:
    return sorted(
        (m for m, p in door.POLICIES.items() if p.gated), key=lambda m: m._meta.label_lower
    )


def case_path(model: type[Model], depth: int = 3) -> str | None:
    """The lookup from `model` to its case along foreign keys, or None."""
    if model is Case:
        return ""
    if depth == 0:
        return None
    for f in model._meta.get_fields():
        if isinstance(f, ForeignKey) and f.related_model is not None:
            rest = case_path(f.related_model, depth - 1)  # type: ignore[arg-type]
            if rest is not None:
                return f.name if rest == "" else f"{f.name}__{rest}"
    return None


def case_records() -> list[type[Model]]:
    """Every record with a policy that hangs on a case."""
    found = [m for m in door.POLICIES if m is not Case and case_path(m) is not None]
    return sorted(found, key=lambda m: m._meta.label_lower)


def case_of(record: Model) -> Case:
    path = case_path(type(record))
    if path == "":
        return record  # type: ignore[return-value]
    pk = type(record)._default_manager.filter(pk=record.pk).values_list(path, flat=True).get()
    return Case.objects.get(pk=pk)


def build(w: Walk, models: list[type[Model]]) -> list[Model]:
    missing = [m._meta.label_lower for m in models if m._meta.label_lower not in BUILDERS]
    if missing:
        pytest.fail(
            "No fixture for "
            + ", ".join(missing)
            + ": add a builder to BUILDERS in tests/test_compartments_walk.py so the walk covers it."
        )
    records = [BUILDERS[m._meta.label_lower](w, w.case) for m in models]
    for record in records:  # each one was refused to the outsider once: the home page's case
        assert w.client().get(_extract_path(record)).status_code == 404
    return records


def _ref(record: Model) -> tuple[str, str]:
    return record._meta.label_lower, str(record.pk)


# Pages of their own, besides `documents.record_url` (where a record's QR code points: its
# `get_absolute_url`, or its ledger extract). A type without one here is walked on that only.
PAGES: dict[str, Callable[[Any], str]] = {
    "cases.case": lambda r: reverse("cases:detail", args=[r.number]),
    "casework.task": lambda r: reverse("casework:task_detail", args=[r.case.number, r.pk]),
    "casework.journalentry": lambda r: reverse(
        "casework:journal_detail", args=[r.case.number, r.pk]
    ),
    "casework.document": lambda r: reverse(
        "casework:document_download", args=[r.case.number, r.pk]
    ),
    "detention.detainee": lambda r: reverse("detention:detail", args=[r.pk]),
    "detention.statement": lambda r: reverse("detention:statement_detail", args=[r.pk]),
    "detention.integrityreferral": lambda r: reverse("detention:referral_detail", args=[r.pk]),
    "evidence.item": lambda r: reverse("evidence:item_detail", args=[r.number]),
    "scenes.scene": lambda r: reverse("scenes:detail", args=[r.number]),
    "scenes.scenephoto": lambda r: reverse("scenes:photo_file", args=[r.scene.number, r.seq]),
    "labs.labrequest": lambda r: reverse("labs:detail", args=[r.number]),
}


def _extract_path(record: Model) -> str:
    """The record's ledger extract: every policy's record has one, fetched by its own id."""
    meta = record._meta
    return reverse(
        "reports:ledger_extract",
        kwargs={"app_label": meta.app_label, "model": meta.model_name, "pk": str(record.pk)},
    )


def _detail_paths(record: Model) -> list[str]:
    paths = [_extract_path(record), urlsplit(documents.record_url(record)).path]
    page = PAGES.get(record._meta.label_lower)
    return list(dict.fromkeys([*paths, page(record)] if page else paths))


def _label(record: Model) -> str:
    return str(record)


def _marked(text: str, record: Model) -> list[str]:
    """The record's marked free text found in `text` (its label, or anything a builder wrote)."""
    return [s for s in (_label(record), MARK) if MARK in s and s in text]


# --- Surfaces -----------------------------------------------------------------------------------------
def s_list(w: Walk, record: Model) -> None:
    qs = access.scope(w.outsider, "view", type(record)._default_manager.all())
    assert not qs.filter(pk=record.pk).exists(), "listed"


def s_counts(w: Walk, record: Model) -> None:
    model = type(record)
    seen = access.scope(w.outsider, "view", model._default_manager.all()).count()
    without = access.scope(w.outsider, "view", model._default_manager.exclude(pk=record.pk))
    assert seen == without.count(), "counted"
    if isinstance(record, CaseParty):  # "appears in N other cases" on the entity's page
        from dalil.cases.selectors import appearances

        shown = appearances(w.outsider, w.person)
        assert shown is not None
        assert record.case_id not in {p.case_id for p in shown.visible}, "appears in"
        if record.case.compartment_id or record.role == CaseParty.Role.INFORMANT:
            assert shown.hidden_count == 0, "counted in appearances"


def s_detail(w: Walk, record: Model) -> None:
    for path in _detail_paths(record):
        response = w.client().get(path)
        assert response.status_code == 404, f"{path} answered {response.status_code}"
        assert not _marked(response.content.decode(), record), f"named on {path}"


def s_search(w: Walk, record: Model) -> None:
    from dalil.search import registry
    from dalil.search.query import parse, run

    try:
        searchable = registry.searchable_for(type(record))
    except LookupError:
        searchable = None
    if searchable is not None:
        search.index(record)
        query = parse(searchable.text(record)[:150]).query
        assert query is not None
        hits = [h.url for g in run(w.outsider, query).groups for h in g.hits]
        assert searchable.url(record) not in hits, "found by the global search"
    for entry in Entry.objects.filter(target_type=_ref(record)[0], target_id=_ref(record)[1]):
        query = parse(f"#{entry.seq}").query
        assert query is not None
        for group in run(w.outsider, query).groups:
            assert all(f"#{entry.seq} " not in h.code for h in group.hits), "ledger search"


def s_home(w: Walk, record: Model) -> None:
    """The outsider's own refusal: hidden when the record is behind a clearance, else type and
    id only."""
    mine = [
        e
        for e in audit_selectors.recent_activity(w.outsider, limit=500)
        if _ref(record) == (e.target_type, e.target_id)
    ]
    for e in mine:
        assert e.target_label == "" and e.payload == "{}", "named in recent activity"
    if not door.cleared_for(w.outsider, record):
        assert mine == [], "listed in recent activity"
    body = w.client().get(reverse("ui:home")).content.decode()
    assert not _marked(body, record), "named on the home page"


def _explain(w: Walk, target_type: str, target_id: str) -> Any:
    return w.client().post(
        reverse("access:explain"),
        {
            "target_type": target_type,
            "target_id": target_id,
            "username": w.lead.username,
            "action": "view",
        },
    )


def s_explain(w: Walk, record: Model) -> None:
    kind, pk = _ref(record)
    hidden, missing = _explain(w, kind, pk), _explain(w, kind, "999999")
    assert (hidden.status_code, missing.status_code) == (404, 404), "explained"
    assert hidden.content == missing.content, "answered unlike a missing record"


def _glass(w: Walk, target_type: str, target_id: str) -> Any:
    return w.client().post(
        reverse("access:break_glass"),
        {
            "target_type": target_type,
            "target_id": target_id,
            "reason": "A walk through every side path of the door",
            "minutes": 30,
        },
    )


def s_break_glass(w: Walk, record: Model) -> None:
    kind, pk = _ref(record)
    hidden, missing = _glass(w, kind, pk), _glass(w, kind, "999999")
    assert hidden.status_code == missing.status_code == 200, "break-glass"
    assert hidden.context["form"].errors == missing.context["form"].errors, "unlike a missing one"
    assert not BreakGlass.objects.filter(target_type=kind, target_id=pk).exists(), "opened"
    listed = w.client().get(reverse("access:break_glass_list")).content.decode()
    assert not _marked(listed, record), "named in the grant list"


def s_ledger_page(w: Walk, record: Model) -> None:
    kind, pk = _ref(record)
    assert not audit_selectors.entry_list(w.outsider).filter(target_type=kind, target_id=pk)
    response = w.client().get(reverse("audit:ledger"), {"target_type": kind, "target_id": pk})
    assert response.status_code == 200
    assert not _marked(response.content.decode(), record), "named on the ledger page"


def s_ledger_api(w: Walk, record: Model) -> None:
    kind, pk = _ref(record)
    api = w.api()
    listed = api.get("/api/v1/ledger/", {"target_type": kind, "target_id": pk})
    assert listed.status_code == 200 and listed.json()["results"] == [], "in the ledger API"
    for seq in Entry.objects.filter(target_type=kind, target_id=pk).values_list("seq", flat=True):
        assert api.get(f"/api/v1/ledger/{seq}/").status_code == 404, "by number in the API"


def s_ledger_export(w: Walk, record: Model) -> None:
    """The bundle an uncleared auditor downloads keeps the record's entries as hashes only."""
    kind, pk = _ref(record)
    response = w.client().post(reverse("audit:export"), {"since": "", "until": ""})
    assert response.status_code == 200, f"export answered {response.status_code}"
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
        texts = {n: bundle.read(n).decode("utf-8", "replace") for n in bundle.namelist()}
    seqs = set(Entry.objects.filter(target_type=kind, target_id=pk).values_list("seq", flat=True))
    for name, text in texts.items():
        assert not _marked(text, record), f"named in the bundle's {name}"
        if not name.endswith(".jsonl"):
            continue
        for line in text.splitlines():
            row = json.loads(line)
            if row.get("seq") in seqs:
                assert row.get("withheld") is True, f"entry #{row['seq']} exported in full"


def s_pdfs(w: Walk, record: Model) -> None:
    assert w.client().post(_extract_path(record)).status_code == 404, "ledger extract"
    if case_path(type(record)) is not None:
        dossier = reverse("judicial:dossier", args=[case_of(record).number])
        assert w.client().post(dossier).status_code == 404, "the case's dossier"


# (name, check, walks it applies to). Readers of the ledger read the labels of every record they
# are cleared for (audit.visibility), and explaining is the auditors': those surfaces are walked
# for compartments, not for the case scope of a user of another unit.
SURFACES: list[tuple[str, Callable[[Walk, Model], None], set[str]]] = [
    ("list", s_list, {"compartment", "case"}),
    ("detail", s_detail, {"compartment", "case"}),
    ("search", s_search, {"compartment", "case"}),
    ("home activity", s_home, {"compartment", "case"}),
    ("explain", s_explain, {"compartment"}),
    ("break-glass", s_break_glass, {"compartment"}),
    ("ledger page", s_ledger_page, {"compartment"}),
    ("ledger API", s_ledger_api, {"compartment"}),
    ("ledger export", s_ledger_export, {"compartment"}),
    ("PDFs", s_pdfs, {"compartment", "case"}),
    ("counts", s_counts, {"compartment", "case"}),
]


def _surfaces(walk: str) -> list[Any]:
    return [pytest.param(name, check, id=name) for name, check, walks in SURFACES if walk in walks]


def _check(w: Walk, records: list[Model], check: Callable[[Walk, Model], None]) -> None:
    problems = []
    for record in records:
        try:
            check(w, record)
        except AssertionError as exc:
            problems.append(f"{record._meta.label_lower} #{record.pk}: {exc}")
    assert problems == []


# --- The compartment walk -----------------------------------------------------------------------------
@pytest.fixture
def everything() -> Role:
    return _role("walk_everything", set(door.PERMISSIONS))


@pytest.fixture
def walk(tree, make_user, client_for, everything) -> Walk:
    from dalil.parties.models import Person

    lead = make_user("walk.lead", role="investigator")
    for compartment in Compartment.objects.all():
        Clearance.objects.create(user=lead, compartment=compartment)
    op = Compartment.objects.create(code="walk_op", name_ar="عملية")
    Clearance.objects.create(user=lead, compartment=op)
    outsider = make_user("walk.outsider", unit="MOI")
    Assignment.objects.create(
        user=outsider, role=everything, unit=tree["MOI"], approved_at=timezone.now()
    )
    case = Case.objects.create(
        number=f"BGD-KARADA-2026-9{next(_serial):04d}",
        unit=tree["BGD-KARADA"],
        year=2026,
        serial=90000 + next(_serial),
        title=f"{MARK} secret operation",
        lead=lead,
        compartment=op,
    )
    CaseMember.objects.create(case=case, user=lead, role=CaseMember.Role.LEAD)
    CaseMember.objects.create(case=case, user=outsider, role=CaseMember.Role.INVESTIGATOR)
    person = Person.objects.create(unit=tree["BGD-KARADA"], given_name_ar=MARK)
    return Walk(tree, lead, outsider, case, client_for, person)


def test_every_policy_behind_a_clearance_has_a_fixture():
    missing = [m._meta.label_lower for m in gated_policies() if m._meta.label_lower not in BUILDERS]
    assert missing == [], f"add builders for {missing} to BUILDERS"
    assert len(gated_policies()) >= 18  # cases, case work, the judge, detention


@pytest.mark.parametrize(("surface", "check"), _surfaces("compartment"))
def test_a_compartmented_record_stays_hidden_without_the_clearance(walk, surface, check):
    records = build(walk, gated_policies())
    _check(walk, records, check)


def test_the_clearance_alone_opens_what_the_walk_hid(walk):
    records = build(walk, gated_policies())
    for compartment in Compartment.objects.all():
        Clearance.objects.create(user=walk.outsider, compartment=compartment)
    door.forget(walk.outsider)
    blind = [r._meta.label_lower for r in records if not access.can(walk.outsider, "view", r)]
    assert blind == []
    for record in records:  # and the ledger shows a cleared auditor every entry about them
        kind, pk = _ref(record)
        assert audit_selectors.entry_list(walk.outsider).filter(target_type=kind, target_id=pk)


# --- The case-scope walk ------------------------------------------------------------------------------
@pytest.fixture
def case_walk(tree, make_user, client_for) -> Walk:
    """Records of a BGD-KARADA case; the outsider holds every role of a station at BGD-MANSOUR."""
    from dalil.parties.models import Person

    lead = make_user("walk.lead", role="investigator")
    outsider = make_user("walk.mansour", unit="BGD-MANSOUR")
    for code in ("investigator", "commander", "analyst", "lab_supervisor"):
        Assignment.objects.create(
            user=outsider,
            role=Role.objects.get(code=code),
            unit=tree["BGD-MANSOUR"],
            approved_at=timezone.now(),
        )
    case = Case.objects.create(
        number=f"BGD-KARADA-2026-8{next(_serial):04d}",
        unit=tree["BGD-KARADA"],
        year=2026,
        serial=80000 + next(_serial),
        title=f"{MARK} theft",
        lead=lead,
    )
    CaseMember.objects.create(case=case, user=lead, role=CaseMember.Role.LEAD)
    person = Person.objects.create(unit=tree["BGD-KARADA"], given_name_ar=MARK)
    return Walk(tree, lead, outsider, case, client_for, person)


def test_every_record_that_hangs_on_a_case_follows_it_through_one_helper():
    strays = []
    for model in case_records():
        key = model._meta.label_lower
        through = any(isinstance(r, ThroughCase) for r in door.POLICIES[model].rules("view"))
        if not through and key not in OWN_RULES:
            strays.append(key)
        if key not in BUILDERS:
            strays.append(f"{key} (no builder)")
    assert strays == [], "use cases.policies.through_case (or explain in OWN_RULES)"
    assert {"cases.casemember", "cases.offence", "cases.caseparty"} <= {
        m._meta.label_lower for m in case_records()
    }


@pytest.mark.parametrize(("surface", "check"), _surfaces("case"))
def test_a_record_of_another_units_case_stays_hidden(case_walk, surface, check):
    records = build(case_walk, case_records())
    _check(case_walk, records, check)


def test_break_glass_on_a_case_opens_every_record_that_hangs_on_it(case_walk):
    w = case_walk
    records = build(w, case_records())
    opened = [r for r in records if r._meta.label_lower not in OWN_RULES]
    assert all(not access.can(w.outsider, "view", r) for r in opened)
    response = w.client().post(
        reverse("access:break_glass"),
        {
            "target_type": "cases.case",
            "target_id": str(w.case.pk),
            "reason": "Kidnapping: the suspects of this theft hold a child",
            "minutes": 30,
        },
    )
    assert response.status_code == 302
    grant = BreakGlass.objects.get(user=w.outsider)
    assert grant.target_label == ""  # no label of the record kept on the grant
    door.forget(w.outsider)
    blind = [r._meta.label_lower for r in opened if not access.can(w.outsider, "view", r)]
    assert blind == [], "break-glass on the case does not open them"
    task = next(r for r in records if r._meta.label_lower == "casework.task")
    why = access.explain(w.outsider, "view", task)
    assert any("Kidnapping" in line for line in why)  # "through its case: break-glass …"
    referral = next(r for r in records if r._meta.label_lower == "detention.integrityreferral")
    assert not access.can(w.outsider, "view", referral)  # internal affairs' own, whatever opens
    # The case page lists its members, offences and parties through the door.
    page = w.client().get(reverse("cases:detail", args=[w.case.number]))
    assert page.status_code == 200
    body = page.content.decode()
    member = next(r for r in records if isinstance(r, CaseMember))
    offence = next(r for r in records if isinstance(r, Offence))
    assert member.user.full_name in body and offence.article in body
    assert [m.pk for m in page.context["members"]] == list(
        CaseMember.objects.filter(case=w.case).order_by("pk").values_list("pk", flat=True)
    )
    assert [x.party.role for x in page.context["parties"]] == ["suspect"]


def test_the_case_page_reads_members_and_offences_through_the_door(walk):
    """A member of a compartmented case who lost the clearance reads nothing of it; the cleared
    lead reads the members and offences (scoped selectors, not related managers)."""
    offence = _offence(walk, walk.case)
    lead_page = walk.client_for(walk.lead).get(reverse("cases:detail", args=[walk.case.number]))
    assert list(lead_page.context["offences"]) == [offence]
    assert {m.user for m in lead_page.context["members"]} == {walk.lead, walk.outsider}
    assert walk.client().get(reverse("cases:detail", args=[walk.case.number])).status_code == 404


# --- Informants in the ledger ---------------------------------------------------------------------
def test_a_payload_naming_an_informant_is_hidden_from_ledger_readers_without_the_clearance(
    tree, make_user, client_for
):
    from dalil.cases import services
    from dalil.parties.models import Person

    lead = make_user("walk.lead", role="investigator")
    Clearance.objects.create(user=lead, compartment=Compartment.objects.get(code="informants"))
    auditor = make_user("walk.auditor", unit="MOI", role="auditor")
    cleared = make_user("walk.cleared", unit="MOI", role="auditor")
    Clearance.objects.create(user=cleared, compartment=Compartment.objects.get(code="informants"))
    case = services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="تهريب", lead=lead)
    source = Person.objects.create(unit=tree["BGD-KARADA"], given_name_ar="مصدر")
    services.case_party_add(actor=lead, case=case, entity=source, role="informant")
    services.case_party_add(actor=lead, case=case, entity=source, role="witness")
    added = Entry.objects.filter(action="cases.party_added").order_by("seq")
    informant, witness = list(added)
    assert '"role":"informant"' in informant.payload

    def seen(reader: Any) -> set[int]:
        return set(audit_selectors.entry_list(reader).values_list("seq", flat=True))

    assert informant.seq not in seen(auditor) and witness.seq in seen(auditor)
    assert {informant.seq, witness.seq} <= seen(cleared)
    assert visibility.decide(auditor, informant) == visibility.HIDDEN
    assert visibility.decide(cleared, informant) == visibility.SHOWN
    listed = client_for(auditor).get("/audit/", {"action": "cases.party_added"})
    assert listed.status_code == 200
    payloads = [json.loads(e.payload) for e in listed.context["rows"]]
    assert all(p.get("role") != "informant" for p in payloads) and payloads
    # The case's history panel follows the same rule for a reader of the case.
    reader = make_user("walk.reader", role="investigator")
    history = client_for(reader).get(reverse("cases:detail", args=[case.number])).context["history"]
    assert informant.seq not in {e.seq for e in history} and witness.seq in {e.seq for e in history}


def test_models_of_every_walked_type_exist():
    for key in BUILDERS:
        assert apps.get_model(key) in door.POLICIES, f"{key} no longer has a policy"
