from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from dalil.access.models import Assignment
from dalil.accounts import auth
from dalil.accounts.demo import UNITS, USERS
from dalil.accounts.models import Governorate, Unit, User
from dalil.audit import integrity
from dalil.audit.models import Entry

pytestmark = pytest.mark.django_db


def test_eighteen_governorates_with_three_in_the_kurdistan_region():
    assert Governorate.objects.count() == 18
    assert set(
        Governorate.objects.filter(kurdistan_region=True).values_list("code", flat=True)
    ) == {
        "IQ-AR",
        "IQ-DA",
        "IQ-SU",
    }
    assert all(g.name_ar and g.name_ckb and g.name_en for g in Governorate.objects.all())


def test_bootstrap_creates_the_ministry_and_an_administrator_on_the_ledger(monkeypatch):
    monkeypatch.setenv("DALIL_BOOTSTRAP_PASSWORD", "a long enough passphrase 42")
    call_command(
        "bootstrap", username="first.admin", full_name="المدير الأول", stdout=io.StringIO()
    )
    user = User.objects.get(username="first.admin")
    assert Assignment.objects.get(user=user).role.code == "system_admin"
    assert user.unit.parent is None
    actions = list(Entry.objects.values_list("action", flat=True))
    assert actions == [
        "accounts.unit_created",
        "accounts.user_created",
        "access.assignment_granted",
    ]


def test_bootstrap_refuses_a_weak_password_and_writes_nothing(monkeypatch):
    monkeypatch.setenv("DALIL_BOOTSTRAP_PASSWORD", "12345678")
    with pytest.raises(CommandError):
        call_command(
            "bootstrap", username="first.admin", full_name="المدير الأول", stdout=io.StringIO()
        )
    assert not Unit.objects.exists() and not User.objects.exists() and not Entry.objects.exists()


def test_demo_loads_every_unit_and_user_once_and_verifies():
    call_command("demo", stdout=io.StringIO())
    entries = Entry.objects.count()
    call_command("demo", stdout=io.StringIO())  # idempotent: only a checkpoint entry more
    assert Unit.objects.count() == len(UNITS)
    assert User.objects.count() == len(USERS)
    assert Entry.objects.count() == entries + 1
    assert Entry.objects.order_by("-seq").first().action == "audit.checkpoint_signed"
    roles = set(Assignment.objects.values_list("role__code", flat=True))
    assert len(roles) == 15  # every seeded role has a demo user
    assert integrity.verify().ok


def test_demo_otp_prints_the_current_code_of_a_demo_user():
    call_command("demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo_otp", "investigator.karada", stdout=out)
    assert out.getvalue().strip() == auth.current_code(
        User.objects.get(username="investigator.karada")
    )
    with pytest.raises(CommandError):
        call_command("demo_otp", "nobody", stdout=io.StringIO())
