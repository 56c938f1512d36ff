"""The auditors' side of alerts (raised by `dalil.audit.alerts`, below the door): the list, the
count in the navigation bar and the acknowledgement, each through the door."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import access

from . import text_digest
from .ledger import record as ledger_record
from .models import Alert


def alert_acknowledge(*, actor: Any, alert: Alert, note: str) -> Alert:
    """An auditor closes an alert, saying what was found. A note is required."""
    note = note.strip()
    with transaction.atomic():
        locked = Alert.objects.select_for_update().get(pk=alert.pk)
        access.require(actor, "manage", locked)
        if locked.acknowledged_at is not None:
            raise ValidationError(_("This alert has already been acknowledged."))
        if len(note) < 5:
            raise ValidationError({"note": _("Say what you found, in at least 5 characters.")})
        locked.acknowledged_at = timezone.now()
        locked.acknowledged_by = actor.get_username()
        locked.note = note
        locked.save(update_fields=["acknowledged_at", "acknowledged_by", "note"])
        ledger_record(
            actor=actor,
            action="audit.alert_acknowledged",
            target=("audit.alert", str(locked.pk), f"alert {locked.pk}"),
            payload={"kind": locked.kind, "note_sha256": text_digest(note)},
        )
    return locked


def alert_list(actor: Any, *, open_only: bool = False) -> QuerySet[Alert]:
    qs = access.scope(actor, "view", Alert.objects.all())
    return qs.filter(acknowledged_at__isnull=True) if open_only else qs


def open_count(actor: Any) -> int:
    if not access.has_permission(actor, "audit.alert.view"):
        return 0
    return alert_list(actor, open_only=True).count()
