"""Permission-matrix declaration for the case pages and API (tests/permission_matrix.py).

Object classes: "own" (a case of BGD-KARADA, where the role users sit), "other" (a case of
BGD-MANSOUR), "member" (a BGD-MANSOUR case where the requesting user is an observer member) and
"lead" (a BGD-MANSOUR case the requesting user leads). Viewing: holders of cases.case.view over the
unit, and members. Managing: the lead, and holders of cases.case.manage (commanders).
"""

from __future__ import annotations

import itertools
from typing import Any

from dalil.access.roles import ROLES

EVERYONE = frozenset(ROLES)
NOBODY: frozenset[str] = frozenset()
VIEWERS = {
    "investigator",
    "scene_officer",
    "analyst",
    "commander",
    "lab_examiner",
    "lab_supervisor",
    "legal_adviser",
}
CREATORS = {"investigator", "scene_officer"}
MANAGERS = {"commander"}

_serial = itertools.count(1)


def _case(w: Any, unit: str, lead: Any, member: Any = None) -> Any:
    from dalil.audit.ledger import System
    from dalil.cases import services
    from dalil.cases.models import CaseMember

    case = services.case_create(
        actor=System("test"), unit=w.units[unit], title=f"قضية {next(_serial)}", lead=lead
    )
    if member is not None and member.pk != lead.pk:
        CaseMember.objects.create(case=case, user=member, role=CaseMember.Role.OBSERVER)
    return case


def build(world: Any) -> None:
    world.objects["cases.lead.karada"] = world.make_user("matrix.cases.karada", unit="BGD-KARADA")
    world.objects["cases.lead.mansour"] = world.make_user(
        "matrix.cases.mansour", unit="BGD-MANSOUR"
    )
    world.objects["cases.colleague"] = world.make_user("matrix.cases.colleague", unit="BGD-KARADA")
    from dalil.audit.ledger import System
    from dalil.parties import services as parties

    world.objects["cases.person"] = parties.person_create(
        actor=System("matrix"), unit=world.units["BGD-KARADA"], given_name_ar="شاهد"
    )


def _fresh(kind: str) -> Any:
    """A new case per request (a step or a removal changes it)."""

    def make(w: Any, me: Any) -> Any:
        if kind == "own":
            return _case(w, "BGD-KARADA", w.objects["cases.lead.karada"])
        if kind == "other":
            return _case(w, "BGD-MANSOUR", w.objects["cases.lead.mansour"])
        if kind == "member":
            return _case(w, "BGD-MANSOUR", w.objects["cases.lead.mansour"], member=me)
        return _case(w, "BGD-MANSOUR", me)

    return make


PER_USER = ("member", "lead")  # the classes whose case is the requesting user's own


def user_key(kind: str, me: Any) -> Any:
    """Whose a shared object of class `kind` is: the requesting user's in the classes that are
    their own, else None (everybody's)."""
    return me.pk if kind in PER_USER else None


def shared_case(kind: str, scope: Any) -> Any:
    """A new case for each request that may change it, as `_fresh`; the requests that leave it as
    it is share one (`World.shared`): in the classes that are the user's own ("member", "lead"),
    one per user; in the others, one per `scope` (`_objects` makes one per route, so that the
    refusals ledgered about a case, and what other routes add to theirs, stay off this route's)."""

    def make(w: Any, me: Any) -> Any:
        owner = user_key(kind, me)
        key = ("cases.case", kind, scope if owner is None else owner)
        return w.shared(key, lambda: _fresh(kind)(w, me))

    return make


KINDS = ("own", "other", "member", "lead")


def _objects(extra: Any = None, per_user: bool = False) -> dict[str, Any]:
    """A case of each class and, on it, what `extra(w, me, case)` adds to the URL kwargs, shared
    as the case is; `per_user`: the extra is the requesting user's own (a journal entry they wrote),
    made for each of them."""

    scope = object()  # this route's

    def builder(kind: str) -> Any:
        def kwargs(w: Any, me: Any) -> dict[str, Any]:
            def make() -> dict[str, Any]:
                case = shared_case(kind, scope)(w, me)
                out = {"number": case.number}
                if extra:
                    out.update(extra(w, me, case))
                return out

            if not extra:
                return make()
            owner = me.pk if per_user else user_key(kind, me)
            key = ("cases.objects", extra, kind, scope if owner is None else owner)
            return dict(w.shared(key, make))

        return kwargs

    return {kind: builder(kind) for kind in KINDS}


def _member_pk(w: Any, me: Any, case: Any) -> dict[str, Any]:
    from dalil.cases.models import CaseMember

    m = CaseMember.objects.create(
        case=case, user=w.objects["cases.colleague"], role=CaseMember.Role.ANALYST
    )
    return {"pk": m.pk}


def _offence_pk(w: Any, me: Any, case: Any) -> dict[str, Any]:
    from dalil.cases.models import IccsCategory, Offence

    o = Offence.objects.create(
        case=case, category=IccsCategory.objects.get(code="0101"), stage="completed"
    )
    return {"pk": o.pk}


def _party_pk(w: Any, me: Any, case: Any) -> dict[str, Any]:
    from dalil.cases.models import CaseParty

    p = CaseParty.objects.create(
        case=case, entity_type="person", entity_id=w.objects["cases.person"].pk, role="witness"
    )
    return {"pk": p.pk}


VIEW = {"own": VIEWERS, "other": NOBODY, "member": EVERYONE, "lead": EVERYONE}
MANAGE = {"own": MANAGERS, "other": NOBODY, "member": NOBODY, "lead": EVERYONE}

MATRIX: list[dict[str, Any]] = [
    {"route": "cases:list", "methods": ("GET",), "allowed": EVERYONE},
    {
        "route": "cases:create",
        "methods": ("GET", "POST"),
        "allowed": CREATORS,
        "data": lambda w, me: {
            "unit": w.units["BGD-KARADA"].pk,
            "title": "قضية جديدة",
            "lead": me.pk,
        },
    },
    {"route": "cases:detail", "methods": ("GET",), "objects": _objects(), "allowed": VIEW},
    {
        "route": "cases:edit",
        "methods": ("GET", "POST"),
        "objects": _objects(),
        "allowed": MANAGE,
        "data": lambda w, me: {"version": 1, "title": "عنوان معدل"},
    },
    {
        "route": "cases:step",
        "methods": ("GET", "POST"),
        "objects": _objects(lambda w, me, case: {"step": "start"}),
        "allowed": MANAGE,
        "data": lambda w, me: {"version": 1},
    },
    {
        "route": "cases:member_add",
        "methods": ("GET", "POST"),
        "objects": _objects(),
        "allowed": MANAGE,
        "data": lambda w, me: {"user": w.objects["cases.colleague"].pk, "role": "observer"},
    },
    {
        "route": "cases:member_remove",
        "methods": ("POST",),
        "objects": _objects(_member_pk),
        "allowed": MANAGE,
    },
    {
        "route": "cases:offence_add",
        "methods": ("GET", "POST"),
        "objects": _objects(),
        "allowed": MANAGE,
        "data": lambda w, me: {"category": "0101", "stage": "completed"},
    },
    {
        "route": "cases:offence_remove",
        "methods": ("POST",),
        "objects": _objects(_offence_pk),
        "allowed": MANAGE,
    },
    {
        "route": "cases:party_add",
        "methods": ("GET", "POST"),
        "objects": _objects(),
        "allowed": MANAGE,
        "data": lambda w, me: {
            "entity": f"person:{w.objects['cases.person'].pk}",
            "role": "witness",
        },
    },
    {
        "route": "cases:party_remove",
        "methods": ("POST",),
        "objects": _objects(_party_pk),
        "allowed": MANAGE,
    },
    # The API.
    {
        "route": "api:case-list",
        "methods": ("GET", "POST"),
        "api": "token",
        "allowed": EVERYONE,
        "allowed_for": {"POST": CREATORS},
        "data": lambda w, me: {"unit": "BGD-KARADA", "title": "قضية عبر الواجهة"},
    },
    {
        "route": "api:case-detail",
        "methods": ("GET",),
        "api": "token",
        "objects": _objects(),
        "allowed": VIEW,
    },
    {
        "route": "api:case-transition",
        "methods": ("POST",),
        "api": "token",
        "objects": _objects(),
        "allowed": MANAGE,
        "data": lambda w, me: {"step": "start", "version": 1},
    },
]
MATRIX += [
    {
        "route": "api:case-offences",
        "methods": ("POST",),
        "api": "token",
        "objects": _objects(),
        "allowed": MANAGE,
        "data": lambda w, me: {"iccs": "0101", "stage": "completed"},
    },
    {
        "route": "api:case-parties",
        "methods": ("GET", "POST"),
        "api": "token",
        "objects": _objects(),
        "allowed": VIEW,
        "allowed_for": {"POST": MANAGE},
        "data": lambda w, me: {
            "type": "person",
            "id": w.objects["cases.person"].pk,
            "role": "witness",
        },
    },
]
