"""The ICCS table's structure and the correction of the codes that were wrong (issue #10)."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps

from dalil.audit.models import Entry
from dalil.audit.testing import last_seq
from dalil.cases import services
from dalil.cases.data.iccs import ICCS, REPLACED, SOURCE_CONFIRMED, SOURCE_WRITTEN, rows
from dalil.cases.models import IccsCategory, Offence

pytestmark = pytest.mark.django_db


def test_every_code_sits_under_its_parent_once_and_every_other_division_ends_in_nine():
    codes = [r["code"] for r in rows()]
    assert len(set(codes)) == len(codes), "a code appears twice"
    seen: set[str] = set()
    for row in rows():
        code, label = str(row["code"]), str(row["label_en"])
        assert code.isdigit() and len(code) in (2, 4, 5, 6), code
        if row["parent"] is not None:
            assert row["parent"] in seen, f"{code}: its parent {row['parent']} is not above it"
        seen.add(code)
        # ICCS numbers the "other …" category of every level with a final 9.
        if label.startswith("Other") and len(code) > 2:
            assert code.endswith("9"), f"{code} {label}: an 'other' category ends in 9"
        assert row["source"], f"{code} carries no source"
    # What was wrong is gone, and what replaces it is there.
    assert not set(REPLACED) & set(codes)
    assert set(REPLACED.values()) <= set(codes)


def test_the_three_confirmed_codes_and_the_alcohol_and_tobacco_division():
    by_code = {r["code"]: r for r in rows()}
    for code, label in [
        ("0109", "Other acts leading to death or intending to cause death"),
        ("0219", "Other acts causing harm or intending to cause harm to the person"),
        ("02044", "Trafficking in persons for other purposes"),
    ]:
        assert by_code[code]["label_en"] == label and by_code[code]["source"] == SOURCE_CONFIRMED
    assert {c for c in by_code if c.startswith("0602")} == {"0602", "06021", "06022", "06029"}
    assert not [c for c in by_code if c.startswith("0609") and c != "0609"]
    assert by_code["0101"]["source"] == SOURCE_WRITTEN  # honest about what is not checked yet


def test_the_database_holds_the_table_as_written():
    assert IccsCategory.objects.count() == len(ICCS)
    assert not IccsCategory.objects.filter(code__in=REPLACED).exists()
    row = IccsCategory.objects.get(code="02044")
    assert row.parent.code == "0204" and row.source == SOURCE_CONFIRMED


def test_the_migration_moves_each_offence_off_a_wrong_code_with_one_ledger_entry(make_user, tree):
    """An installation that coded offences with the old table: each offence moves to the right
    code, the case's history says so, and the old categories are gone."""
    lead = make_user("lead.karada", role="investigator", at="BGD-KARADA")
    case = services.case_create(actor=lead, unit=tree["BGD-KARADA"], title="اتجار", lead=lead)
    parent = IccsCategory.objects.get(code="0204")
    IccsCategory.objects.create(code="02049", level=3, parent=parent, label_en="x", label_ar="س")
    offence = services.offence_add(actor=lead, case=case, code="02049", stage="completed")
    kept = services.offence_add(actor=lead, case=case, code="0101", stage="attempted")
    since = last_seq()

    migration = importlib.import_module("dalil.cases.migrations.0006_iccs_corrections")
    migration.recode(apps, None)

    offence.refresh_from_db()
    kept.refresh_from_db()
    assert offence.category.code == "02044" and kept.category.code == "0101"
    assert not IccsCategory.objects.filter(code="02049").exists()
    [entry] = Entry.objects.filter(seq__gt=since)
    assert (entry.action, entry.target_type, entry.target_id) == (
        "cases.offence_recoded",
        "cases.case",
        str(case.pk),
    )
    assert json.loads(entry.payload) == {
        "offence": offence.pk,
        "from": "02049",
        "to": "02044",
        "why": "ICCS 1.0",
    }
    assert Offence.objects.count() == 2
