"""Every write service of the case apps decides inside its own `transaction.atomic(durable=True)`
(ARCHITECTURE rule 7): the door, the checks, the writes and the ledger entry commit together, and
no caller can fold a service into a larger transaction whose earlier reads it would then trust.
Called inside someone else's transaction, a service refuses before doing anything."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.db import transaction

from dalil.cases import services as cases
from dalil.casework import services as casework
from dalil.detention import services as detention
from dalil.evidence import digital, disposal, inventory
from dalil.evidence import services as evidence
from dalil.judicial import services as judicial
from dalil.labs import services as labs
from dalil.parties import services as parties
from dalil.scenes import services as scenes

pytestmark = pytest.mark.django_db


def write_services() -> list[Callable[..., Any]]:
    """The public functions of the apps' services that act for someone (`actor=` keyword)."""
    found = []
    for module in (
        cases,
        casework,
        detention,
        evidence,
        digital,
        disposal,
        inventory,
        judicial,
        labs,
        parties,
        scenes,
    ):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            params = inspect.signature(fn).parameters
            actor = params.get("actor")
            if not name.startswith("_") and actor is not None and actor.kind == actor.KEYWORD_ONLY:
                found.append(fn)
    return found


def test_the_write_services_are_all_found() -> None:
    names = {fn.__name__ for fn in write_services()}
    assert {"arrest_record", "task_create", "journal_write", "decision_record"} <= names
    assert {"item_record", "transfer_release", "transfer_confirm", "location_create"} <= names
    assert {"audit_start", "audit_scan", "audit_finish", "file_add", "verify"} <= names
    assert {"disposition_request", "disposition_decide", "disposition_execute"} <= names
    assert {"scene_record", "scene_update", "cordon_enter", "cordon_leave", "photo_add"} <= names
    assert {"request_submit", "request_accept", "request_return"} <= names
    assert len(names) >= 35


@pytest.mark.parametrize(
    "service", write_services(), ids=lambda fn: f"{fn.__module__}.{fn.__name__}"
)
def test_a_write_service_refuses_to_run_inside_another_transaction(service: Any) -> None:
    required = {
        name: mock.MagicMock()
        for name, p in inspect.signature(service).parameters.items()
        if p.kind == p.KEYWORD_ONLY and p.default is p.empty
    }
    with transaction.atomic(), pytest.raises(RuntimeError, match="durable"):
        service(**required)
