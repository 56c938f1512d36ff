from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from dalil import access
from dalil.accounts.models import Unit

from .models import PARTY_TYPE_CHOICES, Case, CaseMember, CaseParty, Offence
from .policies import sees_informants


def case_list(actor: Any) -> QuerySet[Case]:
    return access.scope(actor, "view", Case.objects.select_related("unit", "lead", "compartment"))


def case_for(actor: Any, number: str, action: str = "view") -> Case:
    """The case a page hangs on, opened through the door for `action`: out of scope answers 404
    (and the refusal goes on the ledger). Every app's pages under /cases/<number>/ use this one."""
    qs = Case.objects.select_related("unit", "lead", "compartment")
    return access.get_or_404(actor, action, qs, number=number)


def case_members(actor: Any, case: Case) -> QuerySet[CaseMember]:
    """The members of a case, through the door (never `case.members`: see `through_case`)."""
    qs = CaseMember.objects.filter(case=case).select_related("user", "user__unit")
    return access.scope(actor, "view", qs).order_by("pk")


def case_offences(actor: Any, case: Case) -> QuerySet[Offence]:
    qs = Offence.objects.filter(case=case).select_related("category", "governorate")
    return access.scope(actor, "view", qs).order_by("pk")


def with_offences(actor: Any) -> Prefetch:
    """Prefetch the offences of many cases, each through the door (the cases API)."""
    qs = Offence.objects.select_related("category", "governorate").order_by("pk")
    return Prefetch("offences", queryset=access.scope(actor, "view", qs))


def workable(actor: Any, case: Case) -> bool:
    """Day-to-day work may be done on the case now: it is not closed and the actor may `work` on
    it. Pages use it to offer (or hide) the buttons that add to the case file."""
    return case.status != Case.Status.CLOSED and access.can(actor, "work", case)


@dataclass
class Party:
    party: CaseParty
    entity: Any  # None when the reader may not see the entity


def parties_seen(actor: Any, qs: QuerySet[CaseParty]) -> QuerySet[CaseParty]:
    """A confidential source's part in a case is shown only to those cleared for informants."""
    return qs if sees_informants(actor) else qs.exclude(role=CaseParty.Role.INFORMANT)


def hidden_informants(actor: Any, case: Case) -> int:
    """How many confidential sources the case has that this reader may not see (ADR 0010: the
    count is shown, nothing more). Deliberately not through the door, which hides them."""
    if sees_informants(actor):
        return 0
    return CaseParty.objects.filter(case=case, role=CaseParty.Role.INFORMANT).count()


def case_parties(actor: Any, case: Case) -> list[Party]:
    """The parties of a case, each with its entity when the reader may see it."""
    from dalil.parties.models import ENTITY_MODELS

    rows = list(access.scope(actor, "view", CaseParty.objects.filter(case=case)).order_by("pk"))
    wanted: dict[str, set[int]] = {}
    for p in rows:
        wanted.setdefault(p.entity_type, set()).add(p.entity_id)
    found: dict[tuple[str, int], Any] = {}
    for kind, pks in wanted.items():
        qs = access.scope(actor, "view", ENTITY_MODELS[kind]._default_manager.filter(pk__in=pks))
        for obj in qs:
            found[(kind, obj.pk)] = obj
    return [Party(p, found.get((p.entity_type, p.entity_id))) for p in rows]


@dataclass
class Appearances:
    """Where one entity appears (IN-7): the cases the reader may see, with the role, and only a
    count and the units to ask for the others. Compartmented cases the reader may not see are
    left out altogether: even their existence is need-to-know."""

    visible: list[CaseParty] = field(default_factory=list)
    hidden_count: int = 0
    hidden_units: list[Unit] = field(default_factory=list)


def appearances(actor: Any, entity: Any) -> Appearances | None:
    kind = getattr(entity, "TYPE", "")
    if kind not in dict(PARTY_TYPE_CHOICES):
        return None
    # An informant's part is not even counted for an uncleared reader: "appears in a case you
    # may see, but not listed" would name the source.
    rows = parties_seen(actor, CaseParty.objects.filter(entity_type=kind, entity_id=entity.pk))
    case_ids = set(rows.values_list("case_id", flat=True))
    seen = set(
        access.scope(actor, "view", Case.objects.filter(pk__in=case_ids)).values_list(
            "pk", flat=True
        )
    )
    shown = parties_seen(actor, rows.filter(case_id__in=seen))
    seen = set(shown.values_list("case_id", flat=True))
    visible = list(shown.select_related("case", "case__unit").order_by("-case__opened_at", "pk"))
    hidden = Case.objects.filter(pk__in=case_ids - seen, compartment__isnull=True)
    units = Unit.objects.filter(pk__in=hidden.values("unit_id")).order_by("path")
    return Appearances(visible, hidden.count(), list(units))
