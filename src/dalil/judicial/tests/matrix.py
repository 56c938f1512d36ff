"""Permission-matrix declaration for the investigative-judge pages and API (tests/permission_matrix.py).

Object classes as for the cases (dalil.cases.tests.matrix): "own" (a case of BGD-KARADA), "other"
(a case of BGD-MANSOUR), "member" (a BGD-MANSOUR case where the requesting user is an observer) and
"lead" (a BGD-MANSOUR case the requesting user leads). Requests, decisions and deadlines are seen
through their case (VIEW); drafting, submitting, withdrawing, deciding, marking a deadline done and
issuing the referral dossier need `work` on the case: the lead, the case's investigators and the
unit's commanders (the same roles as MANAGE in these classes, observers excluded).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from dalil.cases.tests.matrix import (
    EVERYONE,
    KINDS,
    MANAGE,
    MANAGERS,
    VIEW,
    _case,
    shared_case,
    user_key,
)

GROUNDS = "تشير الأدلة المضبوطة وإفادات الشهود إلى تورط المشتبه به في الجريمة."
WORK = MANAGE


def _draft(case: Any) -> Any:
    from dalil.judicial import services

    return services.request_create(
        actor=case.lead, case=case, kind="search_warrant", grounds=GROUNDS, court="محكمة تحقيق"
    )


def _submitted(case: Any) -> Any:
    from dalil.judicial import services

    return services.request_submit(actor=case.lead, req=_draft(case))


def _decision(case: Any, scan: bool = False) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from dalil.judicial import services

    req = _submitted(case)
    return services.decision_record(
        actor=case.lead,
        req=req,
        order_number="1/ت/2026",
        decided_on=timezone.localdate(),
        judge_name="القاضي",
        outcome="granted",
        text="تقرر الإذن.",
        deadlines=[
            services.DeadlineInput("warrant_valid_until", timezone.now() + dt.timedelta(days=3))
        ],
        scan=SimpleUploadedFile("order.pdf", b"%PDF-1.4 matrix") if scan else None,
    )


def _objects(make: Any, shared: bool = True) -> dict[str, Any]:
    """A case of each class and, on it, what `make(w, case)` returns as URL kwargs: new for each
    request that may change them, made once for the requests that leave them as they are
    (`World.shared`). `shared=False`: `make` is called for every request (it sets what the
    request's data names)."""

    scope = object()  # this route's

    def builder(kind: str) -> Any:
        def kwargs(w: Any, me: Any) -> dict[str, Any]:
            def made() -> dict[str, Any]:
                return make(w, shared_case(kind, scope)(w, me))

            if not shared:
                return made()
            owner = user_key(kind, me)
            key = ("judicial.objects", make, kind, scope if owner is None else owner)
            return dict(w.shared(key, made))

        return kwargs

    return {kind: builder(kind) for kind in KINDS}


def _case_kwargs(w: Any, case: Any) -> dict[str, Any]:
    return {"number": case.number}


def _draft_kwargs(w: Any, case: Any) -> dict[str, Any]:
    return {"number": _draft(case).number}


def _submitted_kwargs(w: Any, case: Any) -> dict[str, Any]:
    req = _submitted(case)
    w.objects["judicial.submitted"] = req.number
    return {"number": case.number}


def _decision_kwargs(w: Any, case: Any) -> dict[str, Any]:
    return {"pk": _decision(case).pk}


def _scan_kwargs(w: Any, case: Any) -> dict[str, Any]:
    return {"pk": _decision(case, scan=True).pk}


def _deadline_kwargs(w: Any, case: Any) -> dict[str, Any]:
    return {"pk": _decision(case).deadlines.get().pk}


def _decision_data(w: Any, me: Any) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "order_number": "2/ت/2026",
        "decided_on": timezone.localdate().isoformat(),
        "judge_name": "القاضي",
        "outcome": "granted",
        "text": "تقرر الإذن.",
    }


def _own_case_number(w: Any) -> str:
    return str(_case(w, "BGD-KARADA", w.objects["cases.lead.karada"]).number)


def _api_decision(w: Any, me: Any) -> dict[str, Any]:
    case = _case(w, "BGD-KARADA", w.objects["cases.lead.karada"])
    return {"request": _submitted(case).number, **_decision_data(w, me)}


MATRIX: list[dict[str, Any]] = [
    {"route": "judicial:requests", "methods": ("GET",), "allowed": EVERYONE},
    {"route": "judicial:deadlines", "methods": ("GET",), "allowed": EVERYONE},
    {
        "route": "judicial:request_detail",
        "methods": ("GET",),
        "objects": _objects(_draft_kwargs),
        "allowed": VIEW,
    },
    {
        "route": "judicial:request_create",
        "methods": ("GET", "POST"),
        "objects": _objects(_case_kwargs),
        "allowed": WORK,
        "data": lambda w, me: {"kind": "travel_ban", "court": "محكمة", "grounds": GROUNDS},
    },
    {
        "route": "judicial:request_edit",
        "methods": ("GET", "POST"),
        "objects": _objects(_draft_kwargs),
        "allowed": WORK,
        "data": lambda w, me: {"kind": "travel_ban", "court": "محكمة", "grounds": GROUNDS},
    },
    {
        "route": "judicial:request_submit",
        "methods": ("GET", "POST"),
        "objects": _objects(_draft_kwargs),
        "allowed": WORK,
    },
    {
        "route": "judicial:request_withdraw",
        "methods": ("GET", "POST"),
        "objects": _objects(_draft_kwargs),
        "allowed": WORK,
        "data": lambda w, me: {"reason": "لم تعد هناك حاجة"},
    },
    {
        "route": "judicial:decision_create",
        "methods": ("GET", "POST"),
        "objects": _objects(_submitted_kwargs, shared=False),
        "allowed": WORK,
        "data": lambda w, me: {"request": w.objects["judicial.submitted"], **_decision_data(w, me)},
    },
    {
        "route": "judicial:decision_correct",
        "methods": ("GET", "POST"),
        "objects": _objects(_decision_kwargs),
        "allowed": WORK,
        "data": lambda w, me: {"reason": "تصحيح رقم الأمر", **_decision_data(w, me)},
    },
    {
        "route": "judicial:decision_scan",
        "methods": ("GET",),
        "objects": _objects(_scan_kwargs),
        "allowed": VIEW,
    },
    {
        "route": "judicial:deadline_done",
        "methods": ("POST",),
        "objects": _objects(_deadline_kwargs),
        "allowed": WORK,
    },
    {
        "route": "judicial:dossier",
        "methods": ("GET", "POST"),
        "objects": _objects(_case_kwargs),
        "allowed": WORK,
    },
    # The API: lists for everybody (scoped), writes on an own case for the unit's commander.
    {
        "route": "api:judicial-request-list",
        "methods": ("GET", "POST"),
        "api": "token",
        "allowed": EVERYONE,
        "allowed_for": {"POST": MANAGERS},
        "data": lambda w, me: {
            "case": _own_case_number(w),
            "kind": "release",
            "court": "محكمة",
            "grounds": GROUNDS,
        },
    },
    {
        "route": "api:judicial-request-detail",
        "methods": ("GET",),
        "api": "token",
        "objects": _objects(_draft_kwargs),
        "allowed": VIEW,
    },
    {
        "route": "api:judicial-request-submit",
        "methods": ("POST",),
        "api": "token",
        "objects": _objects(_draft_kwargs),
        "allowed": WORK,
    },
    {
        "route": "api:judicial-request-withdraw",
        "methods": ("POST",),
        "api": "token",
        "objects": _objects(_draft_kwargs),
        "allowed": WORK,
        "data": lambda w, me: {"reason": "لم تعد هناك حاجة"},
    },
    {
        "route": "api:judicial-decision-list",
        "methods": ("GET", "POST"),
        "api": "token",
        "allowed": EVERYONE,
        "allowed_for": {"POST": MANAGERS},
        "data": _api_decision,
    },
]
