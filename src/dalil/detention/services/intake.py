"""What the intake examination saw (Mandela Rules 7–8): one injury, with an optional photo, or
that no injury was visible. Allowed on a closed case too (the detainee is still in custody)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dalil import audit
from dalil.core import dates, vault
from dalil.core.records import acting_user

from ..models import Detainee, IntakeInjury
from .common import Problems, aware, check_photo, held, held_between, iso, text


def injury_record(
    *,
    actor: Any,
    detainee: Detainee,
    noted_at: dt.datetime,
    noted_by: str,
    none_visible: bool = False,
    description: str = "",
    body_location: str = "",
    photo: Any = None,
    now: dt.datetime | None = None,
) -> IntakeInjury:
    """Record what the intake examination saw: one injury (with an optional JPEG/PNG photo), or
    that no injury was visible."""
    with transaction.atomic(durable=True):
        locked = held(actor, detainee, closed_ok=True)
        dates.check_years(noted_at=noted_at)
        now = now or timezone.now()
        noted_at = aware(noted_at)
        p = Problems()
        noted_by = text(p, "noted_by", noted_by, _("Give the name of who examined the detainee."))
        description = text(p, "description", description)
        body_location = text(p, "body_location", body_location)
        held_between(p, "noted_at", noted_at, locked, now)
        if none_visible:
            if description or body_location or photo:
                p.add(
                    "none_visible",
                    _(
                        "Either no injury is visible, or describe the injury: not both. Record each injury separately."
                    ),
                )
        else:
            if not description and "description" not in p.by_field:
                p.add("description", _("Describe the injury, or tick “no injury visible”."))
            if not body_location and "body_location" not in p.by_field:
                p.add("body_location", _("Say where on the body the injury is."))
            if photo:
                check_photo(p, "photo", photo)
        p.raise_any()
        stored = None
        if photo and not none_visible:
            stored = vault.store_upload(
                actor=actor,
                unit=locked.case.unit,
                upload=photo,
                description=_("Intake injury photo, detainee %(number)s")
                % {"number": locked.number},
                attached_to="detention.intake_injury",
            )
        injury = IntakeInjury.objects.create(
            detainee=locked,
            noted_at=noted_at,
            noted_by=noted_by,
            none_visible=bool(none_visible),
            description=description if not none_visible else "",
            body_location=body_location if not none_visible else "",
            photo=stored,
            recorded_by=acting_user(actor),
        )
        audit.record(
            actor=actor,
            action="detention.injury_recorded",
            target=locked,
            payload={
                "injury": injury.pk,
                "noted_at": iso(noted_at),
                "noted_by": noted_by,
                "none_visible": injury.none_visible,
                "body_location": injury.body_location,
                "description_sha256": audit.text_digest(injury.description),
                "photo": stored.blob_id if stored else None,
            },
        )
    return injury
