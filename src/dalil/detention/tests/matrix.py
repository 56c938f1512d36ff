"""Permission-matrix declaration for the detainee register (tests/permission_matrix.py).

A detainee is seen through its case, with the object classes of dalil.cases.tests.matrix: "own" (a
case of BGD-KARADA, where the role users sit), "other" (a case of BGD-MANSOUR), "member" (a
BGD-MANSOUR case where the requesting user is an observer) and "lead" (a BGD-MANSOUR case the
requesting user leads). Viewing: as the case. Recording (arrests, orders, transfers, releases,
injuries, statements): the case's "work" action — its lead and investigators, and commanders.

Integrity referrals ("ia"): internal-affairs staff with the internal-affairs clearance, which this
module's build() grants to the matrix's two internal-affairs users, as the demo does. Alerts:
"self" is an alert (on an "own" case) addressed to the requesting user, "other" one addressed to
someone else; the addressee reads it only while they may see the case.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from dalil.cases.tests.matrix import EVERYONE, MANAGE, NOBODY, VIEW, _case, user_key

IA = frozenset({"ia_investigator", "ia_commander"})
KINDS = ("own", "other", "member", "lead")
_serial = itertools.count(1)


def build(world: Any) -> None:
    from dalil.access import services as access_services
    from dalil.access.models import Compartment
    from dalil.audit.ledger import System
    from dalil.parties import services as parties

    actor = System("matrix")
    world.objects["detention.person"] = parties.person_create(
        actor=actor, unit=world.units["BGD-KARADA"], given_name_ar="موقوف", family_name_ar="تجربة"
    )
    world.objects["detention.lead.karada"] = world.make_user("matrix.det.karada", unit="BGD-KARADA")
    world.objects["detention.lead.mansour"] = world.make_user(
        "matrix.det.mansour", unit="BGD-MANSOUR"
    )
    compartment = Compartment.objects.get(code="internal_affairs")
    for role in IA:
        access_services.clearance_grant(
            actor=actor, user=world.users[role], compartment=compartment
        )


def _detainee(w: Any, me: Any, kind: str, scope: Any) -> Any:
    """A detainee of a case of class `kind`: a new one for each request that may change it; for
    the requests that leave it as it is, one per user in the classes that are the user's own, else
    one per `scope` (a route's requests), as `dalil.cases.tests.matrix.shared_case` shares cases."""
    owner = user_key(kind, me)
    key = ("detention.detainee", kind, scope if owner is None else owner)
    return w.shared(key, lambda: _new_detainee(w, me, kind))


def _new_detainee(w: Any, me: Any, kind: str) -> Any:
    from django.utils import timezone

    from dalil.audit.ledger import System
    from dalil.detention import services

    if kind == "own":
        case = _case(w, "BGD-KARADA", w.objects["detention.lead.karada"])
    elif kind == "other":
        case = _case(w, "BGD-MANSOUR", w.objects["detention.lead.mansour"])
    elif kind == "member":
        case = _case(w, "BGD-MANSOUR", w.objects["detention.lead.mansour"], member=me)
    else:
        case = _case(w, "BGD-MANSOUR", me)
    return services.arrest_record(
        actor=System("matrix"),
        case=case,
        person=w.objects["detention.person"],
        arrested_at=timezone.now() - dt.timedelta(hours=2),
        arrest_place="الكرادة",
        arresting_unit=case.unit,
        place_of_detention="موقف المركز",
        penalty="years",
        penalty_years=10,
    )


def _upload(w: Any, png: bool = True) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dalil.core import vault
    from dalil.detention.demo import png as make_png

    content = make_png() if png else f"محضر {next(_serial)}".encode()
    name, ctype = ("photo.png", "image/png") if png else ("statement.txt", "text/plain")
    return vault.store_upload(
        actor=w.objects["detention.lead.karada"],
        unit=w.units["BGD-KARADA"],
        upload=SimpleUploadedFile(name, content, content_type=ctype),
        attached_to="detention.matrix",
    )


def _injury(w: Any, detainee: Any) -> Any:
    from django.utils import timezone

    from dalil.detention.models import IntakeInjury

    return IntakeInjury.objects.create(
        detainee=detainee,
        noted_at=timezone.now() - dt.timedelta(hours=1),
        noted_by="المسعف",
        description="كدمة",
        body_location="الذراع",
        photo=_upload(w),
    )


def _objects(extra: Any = None) -> dict[str, Any]:
    """A detainee of each class and what `extra(w, detainee)` makes of it as URL kwargs (the same
    for every requesting user: their case is what makes the "member" and "lead" classes theirs)."""

    scope = object()  # this route's

    def builder(kind: str) -> Any:
        def kwargs(w: Any, me: Any) -> dict[str, Any]:
            if not extra:
                return {"pk": _detainee(w, me, kind, scope).pk}
            owner = user_key(kind, me)
            key = ("detention.objects", extra, kind, scope if owner is None else owner)
            return dict(w.shared(key, lambda: extra(w, _detainee(w, me, kind, scope))))

        return kwargs

    return {kind: builder(kind) for kind in KINDS}


def _case_number(w: Any, detainee: Any) -> dict[str, Any]:
    return {"number": detainee.case.number}


def _photo(w: Any, detainee: Any) -> dict[str, Any]:
    return {"pk": detainee.pk, "injury": _injury(w, detainee).pk}


def _statement(w: Any, detainee: Any) -> dict[str, Any]:
    from django.utils import timezone

    from dalil.detention.models import Statement

    statement = Statement.objects.create(
        detainee=detainee,
        kind="statement",
        taken_at=timezone.now() - dt.timedelta(minutes=30),
        taken_by="المحقق",
        summary="إفادة",
        document=_upload(w, png=False),
    )
    return {"pk": statement.pk}


def _referral(w: Any, me: Any) -> Any:
    from django.utils import timezone

    from dalil.audit.ledger import System
    from dalil.detention import services

    detainee = _new_detainee(w, me, "own")  # its own: a confession makes the referral
    injury = _injury(w, detainee)
    statement = services.statement_record(
        actor=System("matrix"),
        detainee=detainee,
        kind="confession",
        taken_at=timezone.now() - dt.timedelta(minutes=30),
        taken_by="المحقق",
        summary="اعتراف",
    )
    return statement.referral, injury


def _referral_pk(w: Any, me: Any) -> dict[str, Any]:
    referral, _injured = w.shared("detention.referral", lambda: _referral(w, me))
    return {"pk": referral.pk}


def _referral_file(w: Any, me: Any) -> dict[str, Any]:
    referral, injury = w.shared("detention.referral", lambda: _referral(w, me))
    return {"pk": referral.pk, "file": injury.photo_id}


def _alert(owner: str) -> Any:
    scope = object()

    def kwargs(w: Any, me: Any) -> dict[str, Any]:
        from django.utils import timezone

        from dalil.detention.models import Alert, AlertRecipient

        def make() -> dict[str, Any]:
            detainee = _detainee(w, me, "own", scope)
            alert = Alert.objects.create(
                detainee=detainee, kind="first_order", level="due_soon", deadline_at=timezone.now()
            )
            user = me if owner == "self" else w.objects["detention.lead.karada"]
            return {"pk": AlertRecipient.objects.create(alert=alert, user=user).pk}

        # Reading marks the addressee's copy read: "self" is the requesting user's own.
        return dict(w.shared(("detention.alert", owner, me.pk if owner == "self" else None), make))

    return kwargs


def _order_data(w: Any, me: Any) -> dict[str, Any]:
    from django.utils import timezone

    now = timezone.now()
    return {
        "starts_at": (now - dt.timedelta(minutes=30)).isoformat(),
        "days": 10,
        "order_number": f"م/{next(_serial)}",
        "judge_name": "القاضي",
        "court": "محكمة التحقيق",
        "issued_on": timezone.localdate(now).isoformat(),
    }


def _permission_data(w: Any, me: Any) -> dict[str, Any]:
    from django.utils import timezone

    from dalil.detention import clock

    # Every matrix detainee was arrested two hours ago for a 10-year offence: seven months is
    # past the six-month point and within the cap (30 months).
    return {
        "court": "محكمة جنايات الرصافة",
        "decision_number": f"ج/{next(_serial)}",
        "decided_on": timezone.localdate().isoformat(),
        "permitted_until": clock.add_months(timezone.now(), 7).isoformat(),
    }


def _extension_data(w: Any, me: Any) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "granted_by": "القاضي",
        "granted_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(),
    }


def _appearance_data(w: Any, me: Any) -> dict[str, Any]:
    from django.utils import timezone

    return {"presented_at": (timezone.now() - dt.timedelta(hours=1)).isoformat()}


def _transfer_data(w: Any, me: Any) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "moved_at": (timezone.now() - dt.timedelta(minutes=30)).isoformat(),
        "from_place": "موقف المركز",  # where _detainee() holds every matrix detainee
        "to_place": "سجن الرصافة",
        "reason": "نقل بأمر القاضي",
    }


def _release_data(w: Any, me: Any) -> dict[str, Any]:
    from django.utils import timezone

    return {"released_at": (timezone.now() - dt.timedelta(minutes=30)).isoformat(), "basis": "bail"}


WORK = MANAGE  # the case's "work" in these classes: commanders (own), the lead (lead)

MATRIX: list[dict[str, Any]] = [
    {"route": "detention:list", "methods": ("GET",), "allowed": EVERYONE},
    {"route": "detention:rules", "methods": ("GET",), "allowed": EVERYONE},
    {"route": "detention:penalties", "methods": ("GET",), "allowed": EVERYONE},
    {
        "route": "detention:penalty_edit",
        "methods": ("GET", "POST"),
        "objects": {"scale": lambda w, me: {"code": "aggravated_life"}},
        # The scale is national: the right at the ministry; the matrix's adviser sits at a station.
        "allowed": {"scale": NOBODY},
        "data": lambda w, me: {"years": 25, "source": "المادة 87 من قانون العقوبات"},
    },
    {"route": "detention:alerts", "methods": ("GET",), "allowed": EVERYONE},
    {
        "route": "detention:alert_read",
        "methods": ("POST",),
        "objects": {"self": _alert("self"), "other": _alert("other")},
        # An alert is read by its addressee while they may still see its case.
        "allowed": {"self": VIEW["own"], "other": NOBODY},
    },
    {
        "route": "detention:arrest",
        "methods": ("GET", "POST"),
        "objects": _objects(_case_number),
        "allowed": WORK,
    },
    {"route": "detention:detail", "methods": ("GET",), "objects": _objects(), "allowed": VIEW},
    *[
        {
            "route": f"detention:{name}",
            "methods": ("GET", "POST"),
            "objects": _objects(),
            "allowed": WORK,
        }
        for name in (
            "order_add",
            "hold_extend",
            "appearance",
            "court_permission_add",
            "transfer_add",
            "release",
            "injury_add",
            "statement_add",
        )
    ],
    {
        "route": "detention:injury_photo",
        "methods": ("GET",),
        "objects": _objects(_photo),
        "allowed": VIEW,
    },
    {
        "route": "detention:statement_detail",
        "methods": ("GET",),
        "objects": _objects(_statement),
        "allowed": VIEW,
    },
    {
        "route": "detention:statement_document",
        "methods": ("GET",),
        "objects": _objects(_statement),
        "allowed": VIEW,
    },
    {"route": "detention:referral_list", "methods": ("GET",), "allowed": IA},
    {
        "route": "detention:referral_detail",
        "methods": ("GET",),
        "objects": {"ia": _referral_pk},
        "allowed": {"ia": IA},
    },
    {
        "route": "detention:referral_file",
        "methods": ("GET",),
        "objects": {"ia": _referral_file},
        "allowed": {"ia": IA},
    },
    # The API.
    {"route": "api:detainee-list", "methods": ("GET",), "api": "token", "allowed": EVERYONE},
    {
        "route": "api:detainee-detail",
        "methods": ("GET",),
        "api": "token",
        "objects": _objects(),
        "allowed": VIEW,
    },
    {
        "route": "api:detainee-orders",
        "methods": ("POST",),
        "api": "token",
        "objects": _objects(),
        "allowed": WORK,
        "data": _order_data,
    },
    {
        "route": "api:detainee-court-permissions",
        "methods": ("POST",),
        "api": "token",
        "objects": _objects(),
        "allowed": WORK,
        "data": _permission_data,
    },
    {
        "route": "api:detainee-hold-extension",
        "methods": ("POST",),
        "api": "token",
        "objects": _objects(),
        "allowed": WORK,
        "data": _extension_data,
    },
    {
        "route": "api:detainee-appearance",
        "methods": ("POST",),
        "api": "token",
        "objects": _objects(),
        "allowed": WORK,
        "data": _appearance_data,
    },
    {
        "route": "api:detainee-transfers",
        "methods": ("POST",),
        "api": "token",
        "objects": _objects(),
        "allowed": WORK,
        "data": _transfer_data,
    },
    {
        "route": "api:detainee-release",
        "methods": ("POST",),
        "api": "token",
        "objects": _objects(),
        "allowed": WORK,
        "data": _release_data,
    },
]
