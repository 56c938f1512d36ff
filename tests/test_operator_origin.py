"""The operator's exception (ADR 0006) depends on where a write comes from, not on the actor's
type: only the operator's command line (`access.operator_command`, entered by `dalil demo` and
`dalil bootstrap`) passes the door as a `System` actor. Skipping authorization and relaxing the
checks of typing errors are two separate questions."""

from __future__ import annotations

import datetime as dt
import io
import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from dalil import access
from dalil.audit.ledger import System
from dalil.audit.models import Entry
from dalil.detention.services import ALERT_ACTOR

pytestmark = pytest.mark.django_db


def _person(actor: Any, unit: Any) -> Any:
    from dalil.parties import services

    return services.person_create(actor=actor, unit=unit, given_name_ar="سليم")


def test_a_system_actor_outside_the_operators_command_line_passes_no_door(tree: Any) -> None:
    from dalil.parties.models import Person

    before = Entry.objects.count()
    for actor in (System("cli:demo"), System("job:7:reports.bundle"), ALERT_ACTOR):
        assert not access.is_operator(actor)
        with pytest.raises(access.Denied):
            _person(actor, tree["BGD-KARADA"])
    assert not Person.objects.exists() and Entry.objects.count() == before


def test_the_operators_command_line_passes_and_is_named_on_the_ledger(tree: Any) -> None:
    with access.operator_command("bootstrap") as actor:
        assert access.is_operator(actor) and actor == System("cli:bootstrap")
        person = _person(actor, tree["BGD-KARADA"])
        # A signed-in user inside the same process is still only themselves.
        assert not access.is_operator(object())
    entry = Entry.objects.get(action="parties.person_created", target_id=str(person.pk))
    assert (entry.actor, entry.source, entry.actor_id) == (
        "system:cli:bootstrap",
        "cli:bootstrap",
        None,
    )
    assert not access.is_operator(actor)  # the block has ended


def test_another_thread_does_not_inherit_the_operators_command_line(tree: Any) -> None:
    seen: list[bool] = []
    with access.operator_command("demo") as actor:
        worker = threading.Thread(target=lambda: seen.append(access.is_operator(actor)))
        worker.start()
        worker.join()
    assert seen == [False]


def test_relaxing_a_typing_check_is_not_implied_by_skipping_authorization(
    tree: Any, make_user: Any
) -> None:
    """A deadline before the case was opened is a typing error, except when the operator's
    command says it records older paper files (`history=True`)."""
    from dalil.cases import services as cases
    from dalil.casework import services
    from dalil.casework.models import Task

    lead = make_user("lead.karada", role="investigator", at="BGD-KARADA")
    case = cases.case_create(actor=lead, unit=tree["BGD-KARADA"], title="ملف قديم", lead=lead)
    before = timezone.localdate() - dt.timedelta(days=30)
    with access.operator_command("import") as actor:
        assert access.is_operator(actor) and not access.records_history(actor)
        with pytest.raises(ValidationError) as refused:
            services.task_create(actor=actor, case=case, title="مهلة", due_on=before)
        assert list(refused.value.message_dict) == ["due_on"]
    with access.operator_command("import", history=True) as actor:
        assert access.records_history(actor)
        services.task_create(actor=actor, case=case, title="مهلة", due_on=before)
    assert not access.records_history(lead)
    with pytest.raises(ValidationError):
        services.task_create(actor=lead, case=case, title="مهلة أخرى", due_on=before)
    assert Task.objects.count() == 1


def test_the_bootstrap_command_acts_as_the_operator(monkeypatch: Any) -> None:
    monkeypatch.setenv("DALIL_BOOTSTRAP_PASSWORD", "Correct-horse-battery-9")
    call_command(
        "bootstrap", username="first.admin", full_name="المدير الأول", stdout=io.StringIO()
    )
    created = Entry.objects.get(action="accounts.user_created")
    assert (created.actor, created.source) == ("system:cli:bootstrap", "cli:bootstrap")
