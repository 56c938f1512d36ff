"""The one door for authorization: permissions, policies, scope(), can(), require(), explain().

Every model that users can reach registers a `Policy`: for each action, the rules that open an
object (any rule is enough) and the compartment that must also be held. `scope()` turns the rules
into one queryset filter; `can()` is `scope()` applied to one object, so the list and the object
page can never disagree. There is no superuser: a user with no matching rule sees nothing.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db.models import BigIntegerField, Exists, Model, Prefetch, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

M = TypeVar("M", bound=Model)


# --- Permission codes ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Permission:
    code: str
    label: str | Promise
    # Administrative permissions (units, users, roles) open no case or internal-affairs content.
    # Every other permission opens content, so a grant of it needs a second person (ADR 0014):
    # a module that adds a permission is on the safe side unless it says otherwise.
    administrative: bool = False


PERMISSIONS: dict[str, Permission] = {}


def register_permission(code: str, label: str | Promise, *, administrative: bool = False) -> str:
    if code in PERMISSIONS:
        raise ValueError(f"permission {code!r} registered twice")
    PERMISSIONS[code] = Permission(code, label, administrative)
    return code


def opens_content(codes: Iterable[str]) -> set[str]:
    """The codes among `codes` whose grant needs a second person (unknown codes included)."""
    return {c for c in codes if c not in PERMISSIONS or not PERMISSIONS[c].administrative}


class Denied(Http404):
    """Raised by `require()`. A 404, so a refused object looks exactly like a missing one."""

    def __init__(self, actor: Any, action: str, obj: Any | None) -> None:
        super().__init__(_("Not found."))
        self.actor, self.action, self.obj = actor, action, obj


# --- What an actor holds (cached on the user object for one request) --------------------------
@dataclass
class Grants:
    # permission code -> list of (unit path, include_subtree, role code, unit label)
    by_permission: dict[str, list[tuple[str, bool, str, str]]] = field(default_factory=dict)
    compartments: set[str] = field(default_factory=set)


def _is_user(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and getattr(actor, "is_active", False)


def grants_of(actor: Any) -> Grants:
    if not _is_user(actor) or getattr(actor, "locked_at", None):
        return Grants()
    cached = getattr(actor, "_dalil_grants", None)
    if cached is None:
        _load_grants([actor])
        cached = actor._dalil_grants
    return cached


def _load_grants(actors: Sequence[Any]) -> None:
    """Read what these users hold (three queries however many users) and cache it on each."""
    from .models import Assignment, Clearance, RolePermission

    by_user = {actor.pk: Grants() for actor in actors}
    # Only approved grants count: a request waiting for its second person opens nothing.
    rows = list(
        Assignment.objects.filter(user_id__in=by_user, approved_at__isnull=False).values_list(
            "user_id", "role_id", "role__code", "unit__path", "include_subtree", "unit__name_ar"
        )
    )
    perms: dict[int, list[str]] = {}
    for role_id, code in RolePermission.objects.filter(
        role_id__in={r[1] for r in rows}, approved_at__isnull=False
    ).values_list("role_id", "code"):
        perms.setdefault(role_id, []).append(code)
    for user_id, role_id, role_code, path, subtree, unit_name in rows:
        grants = by_user[user_id]
        for code in perms.get(role_id, []):
            grants.by_permission.setdefault(code, []).append((path, subtree, role_code, unit_name))
    for user_id, code in Clearance.objects.filter(user_id__in=by_user).values_list(
        "user_id", "compartment__code"
    ):
        by_user[user_id].compartments.add(code)
    for actor in actors:
        actor._dalil_grants = by_user[actor.pk]


def forget(actor: Any) -> None:
    """Drop the per-request cache after a grant changes."""
    if hasattr(actor, "_dalil_grants"):
        del actor._dalil_grants


def has_permission(actor: Any, code: str) -> bool:
    """Holds `code` at some unit (for pages that are not about one object)."""
    return bool(grants_of(actor).by_permission.get(code))


def units_with(actor: Any, code: str) -> QuerySet:
    """Units where the actor holds `code` (directly or through a parent with subtree)."""
    from dalil.accounts.models import Unit

    return scope_by_unit(Unit.objects.all(), actor, code, "path")


def scope_by_unit(qs: QuerySet[M], actor: Any, code: str, path_field: str) -> QuerySet[M]:
    return qs.filter(_unit_q(actor, code, path_field))


def _unit_q(actor: Any, code: str, path_field: str) -> Q:
    q = Q(pk__in=[])
    for path, subtree, _role, _unit in grants_of(actor).by_permission.get(code, []):
        q |= Q(**{f"{path_field}__startswith": path}) if subtree else Q(**{path_field: path})
    return q


# --- Rules ---------------------------------------------------------------------------------------
class Rule(abc.ABC):
    @abc.abstractmethod
    def q(self, actor: Any) -> Q:
        """The queryset filter of the objects this rule opens to `actor`."""

    @abc.abstractmethod
    def reasons(self, actor: Any, obj: Model) -> list[str]:
        """Human explanations of how this rule opens `obj` (empty when it does not)."""


@dataclass
class UnitGrant(Rule):
    """Open objects whose unit lies where the actor holds `permission`."""

    permission: str
    path_field: str  # lookup from the object to its unit's path, e.g. "unit__path"

    def q(self, actor: Any) -> Q:
        return _unit_q(actor, self.permission, self.path_field)

    def reasons(self, actor: Any, obj: Model) -> list[str]:
        out = []
        value = (
            type(obj)
            ._default_manager.filter(pk=obj.pk)
            .values_list(self.path_field, flat=True)
            .first()
        )
        for path, subtree, role, unit in grants_of(actor).by_permission.get(self.permission, []):
            if value and (value.startswith(path) if subtree else value == path):
                out.append(
                    _("role “%(role)s” at %(unit)s%(below)s grants %(perm)s")
                    % {
                        "role": role,
                        "unit": unit,
                        "perm": self.permission,
                        "below": _(" (and the units below it)") if subtree else "",
                    }
                )
        return out


@dataclass
class Anywhere(Rule):
    """Open every object to an actor who holds `permission` at any unit (ministry-wide data)."""

    permission: str

    def q(self, actor: Any) -> Q:
        return Q(pk__isnull=False) if has_permission(actor, self.permission) else Q(pk__in=[])

    def reasons(self, actor: Any, obj: Model) -> list[str]:
        return [
            _("role “%(role)s” at %(unit)s grants %(perm)s")
            % {"role": role, "unit": unit, "perm": self.permission}
            for _p, _s, role, unit in grants_of(actor).by_permission.get(self.permission, [])
        ]


@dataclass
class AtTop(Rule):
    """Open every object to an actor who holds `permission` over the whole organisation (at a
    top unit, with the units below): ministry-wide decisions such as widening a role."""

    permission: str

    def _grants(self, actor: Any) -> list[tuple[str, bool, str, str]]:
        return [
            g
            for g in grants_of(actor).by_permission.get(self.permission, [])
            if g[1] and g[0].count("/") == 2  # "/MOI/": a unit without a parent
        ]

    def q(self, actor: Any) -> Q:
        return Q(pk__isnull=False) if self._grants(actor) else Q(pk__in=[])

    def reasons(self, actor: Any, obj: Model) -> list[str]:
        return [
            _("role “%(role)s” at %(unit)s grants %(perm)s")
            % {"role": role, "unit": unit, "perm": self.permission}
            for _p, _s, role, unit in self._grants(actor)
        ]


@dataclass
class Member(Rule):
    """Open objects whose `user_field` (a user FK or a many-to-many of users) is the actor."""

    user_field: str
    label: str | Promise = "member"
    # Conditions on the same membership row, e.g. {"members__role__in": [...]}: in one Q they
    # join the same related row as `user_field`, so "a member *in this role*" is one condition.
    where: dict[str, Any] = field(default_factory=dict)

    def q(self, actor: Any) -> Q:
        if not _is_user(actor):
            return Q(pk__in=[])
        return Q(**{self.user_field: actor.pk, **self.where})

    def reasons(self, actor: Any, obj: Model) -> list[str]:
        qs = type(obj)._default_manager.filter(pk=obj.pk).filter(self.q(actor))
        return (
            [_("listed as %(what)s of this record") % {"what": self.label}] if qs.exists() else []
        )


class BreakGlassRule(Rule):
    """Open the records the actor has opened by break-glass, until each grant expires."""

    def __init__(self, model: type[Model]) -> None:
        self.type = model._meta.label_lower

    def _active(self, actor: Any) -> QuerySet:
        from .models import BreakGlass

        return BreakGlass.objects.filter(
            user_id=actor.pk, target_type=self.type, expires_at__gt=timezone.now()
        )

    def q(self, actor: Any) -> Q:
        if not _is_user(actor):
            return Q(pk__in=[])
        # A subquery, not a list read now: building the filter costs no query.
        ids = self._active(actor).values_list(Cast("target_id", BigIntegerField()), flat=True)
        return Q(pk__in=ids)

    def reasons(self, actor: Any, obj: Model) -> list[str]:
        grant = self._active(actor).filter(target_id=str(obj.pk)).order_by("-expires_at").first()
        if not grant:
            return []
        return [
            _("break-glass access until %(until)s: %(reason)s")
            % {
                "until": timezone.localtime(grant.expires_at).strftime("%Y-%m-%d %H:%M"),
                "reason": grant.reason,
            }
        ]


@dataclass
class Policy:
    model: type[Model]
    actions: dict[str, Sequence[Rule]]
    compartment_field: str | None = None  # an object with a compartment needs the clearance too
    break_glass: Sequence[str] = ()  # actions that break-glass may open
    # A clearance the object needs besides its compartment, which no rule gives: actor -> Q of the
    # rows the actor is cleared for (a confidential source's part in a case: informants).
    clearance: Callable[[Any], Q] | None = None
    # A condition every action needs besides its rules (e.g. an alert only while its case is
    # seen): actor -> Q. Unlike `clearance`, it is scope, not secrecy.
    restrict: Callable[[Any], Q] | None = None

    @property
    def gated(self) -> bool:
        """Some of its objects sit behind a clearance that no role gives."""
        return bool(self.compartment_field or self.clearance)

    def cleared_q(self, actor: Any) -> Q:
        """The objects `actor` is cleared for (compartment and `clearance`). An object outside is,
        for that actor, as if it did not exist on every path: lists, pages, break-glass, the
        ledger (`dalil.audit.visibility`)."""
        q = Q()
        if self.compartment_field:
            held = grants_of(actor).compartments
            q &= Q(**{f"{self.compartment_field}__isnull": True}) | Q(
                **{f"{self.compartment_field}__code__in": held}
            )
        if self.clearance is not None:
            q &= self.clearance(actor)
        return q

    def rules(self, action: str) -> list[Rule]:
        rules = list(self.actions.get(action, ()))
        if action in self.break_glass:
            rules.append(BreakGlassRule(self.model))
        return rules

    def q(self, actor: Any, action: str) -> Q:
        rules = self.rules(action)
        if not rules or not _is_user(actor):
            return Q(pk__in=[])
        q = Q(pk__in=[])
        for rule in rules:
            q |= rule.q(actor)
        q &= self.cleared_q(actor)
        if self.restrict is not None:
            q &= self.restrict(actor)
        return q


POLICIES: dict[type[Model], Policy] = {}


def register_policy(policy: Policy) -> Policy:
    if policy.model in POLICIES:
        raise ValueError(f"a policy for {policy.model.__name__} is registered twice")
    POLICIES[policy.model] = policy
    return policy


def _policy(model: type[Model]) -> Policy | None:
    return POLICIES.get(model)


def model_for(target_type: str) -> type[Model] | None:
    """The model with a policy that `app_label.model` names (as the ledger and break-glass do)."""
    for model in POLICIES:
        if model._meta.label_lower == target_type:
            return model
    return None


# --- The door --------------------------------------------------------------------------------------
def scope(actor: Any, action: str, qs: QuerySet[M]) -> QuerySet[M]:
    """The objects of `qs` that `actor` may `action`. Deny by default (no policy: nothing).

    The rules join related rows (members, parties), so one object may match several times: the
    filter goes through a `pk__in` subquery (as NetBox's `RestrictedQuerySet.restrict`) rather
    than a `.distinct()` over the caller's whole query, which would forbid `select_for_update()`
    on PostgreSQL and get in the way of the caller's annotations and ordering."""
    policy = _policy(qs.model)
    if policy is None:
        return qs.none()
    allowed = _narrowed(qs).filter(policy.q(actor, action)).values("pk")
    return qs.filter(pk__in=allowed)


def _narrowed(qs: QuerySet[M]) -> QuerySet[M]:
    """Where the subquery of `scope()` starts: the caller's own filters when it has some (the
    events of one item, the tasks of one case), so the rules are weighed for those rows only
    and not for every row of the table; the same rows either way, as the outer query keeps
    the caller's filters too. A query locking its rows starts from the whole table, since a
    subquery may not lock, and so does one counting (the rules' joins would change its counts)."""
    query = qs.query
    counts = any(getattr(a, "contains_aggregate", False) for a in query.annotations.values())
    if query.has_filters() and not (query.select_for_update or query.combinator or counts):
        return qs.order_by()
    return qs.model._base_manager.all()


def can(actor: Any, action: str, obj: Model) -> bool:
    """`scope()` applied to one object (the same rules: the list and the page never disagree)."""
    policy = _policy(type(obj))
    if policy is None:
        return False
    return type(obj)._default_manager.filter(pk=obj.pk).filter(policy.q(actor, action)).exists()


def cleared_for(actor: Any, obj: Model) -> bool:
    """`obj` is not behind a clearance `actor` lacks (see `Policy.cleared_q`). A model without a
    policy is nobody's."""
    policy = _policy(type(obj))
    if policy is None:
        return False
    if not policy.gated:
        return True
    qs = type(obj)._default_manager.filter(pk=obj.pk)
    return qs.filter(policy.cleared_q(actor)).exists()


def visible_records(
    actor: Any, refs: Iterable[tuple[str, str]], action: str = "view"
) -> dict[tuple[str, str], Model]:
    """The records among `refs` (type and id, as the ledger names them) that `actor` may
    `action`, one query per type. Unknown types and ids are simply not there."""
    from django.core.exceptions import ValidationError

    wanted: dict[str, set[str]] = {}
    for target_type, target_id in refs:
        wanted.setdefault(target_type, set()).add(target_id)
    found: dict[tuple[str, str], Model] = {}
    for target_type, ids in wanted.items():
        model = model_for(target_type)
        if model is None:
            continue
        pks = []
        for raw in ids:
            try:
                pks.append(model._meta.pk.to_python(raw))
            except ValidationError:
                continue
        for obj in scope(actor, action, model._default_manager.filter(pk__in=pks)):
            found[(target_type, str(obj.pk))] = obj
    return found


def require(actor: Any, action: str, obj: Model) -> None:
    if not can(actor, action, obj):
        raise Denied(actor, action, obj)


def scoped_prefetch(
    actor: Any, action: str, lookup: str, qs: QuerySet, to_attr: str | None = None
) -> Prefetch:
    """`prefetch_related()` through the door: only the related rows of `qs` that `actor` may
    `action`, so a page never lists a relation through an unscoped related manager.
    `Case.objects.prefetch_related(scoped_prefetch(user, "view", "members", CaseMember.objects))`"""
    return Prefetch(lookup, queryset=scope(actor, action, qs), to_attr=to_attr)


def users_who_can(users: Iterable[Any], action: str, obj: Model) -> list[Any]:
    """The users among `users` who may `action` `obj` (as `can()` answers for each), in their
    order and in a constant number of queries: their grants in three, then one query holding
    one EXISTS per user. For forms that offer a choice of people (a few hundred at most)."""
    users = list(users)
    policy = _policy(type(obj))
    candidates = [u for u in users if _is_user(u) and not getattr(u, "locked_at", None)]
    if policy is None or not candidates:
        return []
    _load_grants([u for u in candidates if getattr(u, "_dalil_grants", None) is None])
    one = type(obj)._default_manager.filter(pk=obj.pk)
    checks = {f"u{i}": Exists(one.filter(policy.q(u, action))) for i, u in enumerate(candidates)}
    row = one.values(**checks).first()
    if row is None:
        return []
    return [u for i, u in enumerate(candidates) if row[f"u{i}"]]


def add_rule(model: type[Model], action: str, rule: Rule) -> None:
    """Open `model` by one more rule, registered by an app above the one that owns the policy:
    cases opens the persons of a case the reader may see, and parties does not know cases."""
    policy = POLICIES[model]
    policy.actions = {**policy.actions, action: [*policy.actions.get(action, ()), rule]}


def is_operator(actor: Any) -> bool:
    """Skip authorization: the operator's own command line only (demo data, bootstrap) — a `System`
    actor inside `origin.operator_command()`, which only management commands enter. Never a web or
    API request, nor a background job (its actor is the user who started it), nor another `System`
    actor such as the alert raiser."""
    from dalil.audit.ledger import System

    from .origin import current

    return isinstance(actor, System) and current() is not None


def records_history(actor: Any) -> bool:
    """Relax the input checks that catch typing errors in live work (a deadline before the case
    was opened): only for an operator's command that records older paper files and says so
    (`operator_command(..., history=True)`). A separate question from authorization."""
    from .origin import current

    command = current()
    return is_operator(actor) and command is not None and command.history


def require_unless_operator(actor: Any, action: str, obj: Model) -> None:
    """`require()` for services the operator's command line also calls (ADR 0006)."""
    if not is_operator(actor):
        require(actor, action, obj)


def holds_at(actor: Any, code: str, unit: Model) -> bool:
    """Holds `code` at `unit` (directly or through an ancestor with subtree)."""
    return units_with(actor, code).filter(pk=unit.pk).exists()


def require_permission(actor: Any, code: str) -> None:
    """For pages and services that are not about one object (e.g. the ledger page)."""
    if not has_permission(actor, code):
        raise Denied(actor, code, None)


def get_or_404(actor: Any, action: str, qs: QuerySet[M] | type[M], **lookup: Any) -> M:
    """Fetch one object the actor may `action`; missing and forbidden look the same (404)."""
    if not isinstance(qs, QuerySet):
        qs = qs._default_manager.all()
    obj = scope(actor, action, qs).filter(**lookup).first()
    if obj is None:
        existing = qs.filter(**lookup).first()
        raise Denied(actor, action, existing) if existing is not None else Http404(_("Not found."))
    return obj


def explain(actor: Any, action: str, obj: Model) -> list[str]:
    """Why can `actor` `action` `obj`? One line per rule that opens it (empty: it cannot)."""
    policy = _policy(type(obj))
    if policy is None or not can(actor, action, obj):
        return []
    out: list[str] = []
    for rule in policy.rules(action):
        out.extend(rule.reasons(actor, obj))
    if policy.compartment_field:
        comp = getattr(obj, policy.compartment_field, None)
        if comp is not None:
            out.append(_("holds clearance for compartment “%(c)s”") % {"c": comp})
    return out


def break_glass_open(*, actor: Any, obj: Model | None, reason: str, minutes: int) -> Any:
    """Open one record for at most four hours, with a reason, on the ledger.

    `obj` None is a record that does not exist. It, a record behind a clearance the opener lacks
    and a kind of record break-glass never opens are refused in the same words, so the answer never
    tells whether a record exists; the refusal of an existing record is ledgered, as the door's
    refusals are. The grant keeps no label of the record: lists show it to who may see it."""
    from django.conf import settings
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from dalil import audit
    from dalil.audit import alerts

    from .models import BreakGlass

    require_permission(actor, "access.break_glass")
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError(_("State the reason in at least 10 characters."))
    limit = settings.DALIL_BREAK_GLASS_MAX_SECONDS // 60
    if not 1 <= minutes <= limit:
        raise ValidationError(
            _("Choose a duration between 1 and %(max)d minutes.") % {"max": limit}
        )
    cleared = obj is not None and cleared_for(actor, obj)
    if obj is not None and not cleared:
        audit.record_now(
            actor=actor, action="access.denied", target=obj, payload={"action": "break_glass"}
        )
    if obj is None or not cleared or type(obj) not in break_glass_types():
        raise ValidationError(_("No such record."))
    now = timezone.now()
    with transaction.atomic():
        grant = BreakGlass.objects.create(
            user=actor,
            target_type=obj._meta.label_lower,
            target_id=str(obj.pk),
            target_label="",
            reason=reason,
            started_at=now,
            expires_at=now + dt.timedelta(minutes=minutes),
        )
        opened = audit.record(
            actor=actor,
            action="access.break_glass_opened",
            target=obj,
            payload={"reason": reason, "minutes": minutes, "grant": grant.pk},
        )
        # Auditors look at every break-glass: the alert names the record by type and id only.
        alerts.raise_alert(
            kind="access.break_glass",
            facts={
                "user": actor.get_username(),
                "record": f"{obj._meta.label_lower} #{obj.pk}",
                "minutes": minutes,
            },
            entries=[opened.seq],
        )
    forget(actor)
    return grant


def break_glass_types() -> list[type[Model]]:
    """The kinds of record break-glass may open (the policies that allow it)."""
    return [model for model, policy in POLICIES.items() if policy.break_glass]
