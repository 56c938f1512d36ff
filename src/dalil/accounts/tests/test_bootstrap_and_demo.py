from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from dalil.access.models import Assignment
from dalil.access.roles import ROLES
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


def test_bootstrap_refuses_a_bad_user_name_and_writes_nothing():
    with pytest.raises(CommandError):
        call_command("bootstrap", username="مدير", full_name="المدير الأول", stdout=io.StringIO())
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
    assert roles == set(ROLES)  # every seeded role has a demo user
    assert integrity.verify().ok


def test_demo_otp_prints_the_current_code_of_a_demo_user(time_machine):
    call_command("demo", stdout=io.StringIO())
    # Frozen: a 30-second step must not roll over between the command and the comparison.
    time_machine.move_to(timezone.now(), tick=False)
    out = io.StringIO()
    call_command("demo_otp", "investigator.karada", stdout=out)
    assert out.getvalue().strip() == auth.current_code(
        User.objects.get(username="investigator.karada")
    )
    with pytest.raises(CommandError):
        call_command("demo_otp", "nobody", stdout=io.StringIO())
