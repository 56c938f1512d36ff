"""The permission matrix (RELIABILITY R-01, R-04, R-13): every route × every seeded role × object
class × HTTP method, checked against a machine-readable declaration.

Where the declaration lives
---------------------------
Each app declares its own routes in ``src/dalil/<app>/tests/matrix.py``, as plain data:

    MATRIX = [
        {
            "route": "admin:unit_detail",              # namespaced URL name, as in {% url %}
            "methods": ("GET",),                       # the methods to try
            "objects": {                               # object class -> kwargs builder
                "own": lambda w, me: {"code": "BGD-KARADA"},
                "other": lambda w, me: {"code": "BGD-MANSOUR"},
            },
            "allowed": {                               # object class -> roles that get 2xx/3xx
                "own": {"system_admin", "auditor", ...},
                "other": {"system_admin", "auditor"},
            },
            "data": lambda w, me: {...},               # optional POST body (default: empty form)
        },
        # A page without an object: leave out "objects" and give "allowed" as one set of roles.
        {"route": "admin:role_list", "methods": ("GET",), "allowed": {"system_admin", "auditor"}},
        # Pages anyone may open, signed in or not (sign-in steps, language switch):
        {"route": "accounts:login", "methods": ("GET", "POST"), "public": True},
    ]

    def build(world):          # optional: create the objects the builders above return
        world.objects["file.own"] = ...

A kwargs builder is called before *every* request with the world and the requesting user (for an
anonymous request: the world's ``anonymous_stand_in``), so a builder may return the user's own record
(class "self") or create a fresh object for a route that destroys it (revoking an assignment).

Fresh or shared objects: making a case (a detainee, a request, …) for each of thousands of requests
was most of the matrix's own time, and most requests leave their object as they found it: every GET,
every refusal (its work rolls back; only the ``access.denied`` entry stays) and every undeclared
method. Before each builder call the runner says which it is, in ``world.fresh``: True for a request
that may change its object (a method other than GET, by a role the route lets in); False otherwise
(and True outside the runner). A builder may pass what it makes through ``world.shared(key, make)``,
which calls ``make()`` for a fresh request and otherwise hands out what it made for the first
request with that key; a builder that does not still makes a new object for every request. The key
says whose the object is: the requesting user's when it is theirs ("member", "lead", a journal entry
they wrote), else the route's (``dalil.cases.tests.matrix._objects``), so that one route's refusals,
ledgered about its object, never pile up on another route's.

Object classes used so far (later modules add theirs, e.g. "ia", "informant", "sealed"):
  own    an object of BGD-KARADA, the unit where most role users sit
  other  an object of BGD-MANSOUR, a sibling station (outside their scope)
  self   the requesting user's own record
  global a ministry-wide object (a role definition)
  page   no object (the route takes no kwargs)

Who the role users are (PLACEMENT): one user per seeded role (``dalil.access.roles.ROLES``), holding
that role over BGD-KARADA and its subtree, except the ministry-wide roles, which the demo grants at
MOI (``dalil.accounts.demo.GRANTED_AT``): system_admin, auditor, donor_officer, security_officer.

Expected answers
  allowed role           200 or 302 (a 302 that is not a bounce to the sign-in page), no access.denied
  an undeclared method   405, nothing on the ledger (asked by a role the route lets in)
  any other signed-in    404, never 403, never 2xx; exactly one new ledger entry, ``access.denied``
  anonymous              302 to the sign-in page, nothing on the ledger
  public route           2xx/3xx for everybody

REST API routes (CO-8) say so with ``"api": "token"`` (the role users call with their own API token,
``Authorization: Bearer …``) or ``"api": "session"`` (with their signed-in session: creating a token).
Their bodies are JSON; an allowed role gets 200, 201 or 204; anonymous gets a 401 problem
(``application/problem+json``), not a redirect, and nothing on the ledger; any other signed-in role
gets 404 and one ``access.denied``, as for the pages. A route whose methods differ in who may use
them (GET a list for everybody, POST to it for administrators) gives ``"allowed_for": {"POST": ...}``,
in the same form as ``allowed``; methods it does not name use ``allowed``.
"""

from __future__ import annotations

import functools
import importlib
import json
import logging
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.http.cookie import SimpleCookie
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from dalil.access import operator_command
from dalil.audit.models import Entry

# Ministry-wide roles sit at MOI, as in the demo; all others at BGD-KARADA (subtree).
HOME_UNIT = "BGD-KARADA"
PLACEMENT: dict[str, str] = {
    "system_admin": "MOI",
    "auditor": "MOI",
    "donor_officer": "MOI",
    "security_officer": "MOI",
}
OTHER_UNIT = "BGD-MANSOUR"

METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
ENTRY_KEYS = {
    "route",
    "methods",
    "objects",
    "allowed",
    "data",
    "public",
    "signs_out",
    "note",
    "api",
    "allowed_for",
}
ALLOWED_STATUS = {200, 302}
API_ALLOWED_STATUS = {200, 201, 204}
API_MODES = {"token", "session"}
PROBLEM_JSON = "application/problem+json"


def role_codes() -> list[str]:
    from dalil.access.roles import ROLES

    return sorted(ROLES)


# --- The URLconf ----------------------------------------------------------------------------------
def url_patterns() -> Iterator[tuple[str | None, str]]:
    """Every URL pattern of the project: (namespaced name or None, the pattern as written)."""

    def walk(
        resolver: URLResolver, namespaces: tuple[str, ...], prefix: str
    ) -> Iterator[tuple[str | None, str]]:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                ns = (*namespaces, p.namespace) if p.namespace else namespaces
                yield from walk(p, ns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield (":".join((*namespaces, p.name)) if p.name else None), prefix + str(p.pattern)

    yield from walk(get_resolver(), (), "/")


# --- The declaration -------------------------------------------------------------------------------
@dataclass
class Route:
    name: str
    methods: tuple[str, ...]
    objects: dict[str, Callable[[Any, Any], dict[str, Any]]]
    allowed: dict[str, frozenset[str]]
    data: Callable[[Any, Any], dict[str, Any]] | None = None
    public: bool = False
    signs_out: bool = False
    module: str = ""
    api: str = ""  # "" (a page), "token" or "session"
    allowed_for: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)

    def allowed_roles(self, method: str, cls: str) -> frozenset[str]:
        return self.allowed_for.get(method, self.allowed)[cls]

    def expected_requests(self, roles: int) -> int:
        return len(self.methods) * len(self.objects) * (roles + 1) + len(self.undeclared())

    def undeclared(self) -> list[str]:
        """The methods the route does not declare: each must answer 405 and write nothing."""
        return sorted(METHODS - set(self.methods))


def _no_kwargs(w: Any, me: Any) -> dict[str, Any]:
    return {}


def _as_operator(builder: Callable[..., Any]) -> Callable[..., Any]:
    """The apps' builders set up what a request needs as the operator's command line (ADR 0006):
    their `System` actors pass the door; the requests themselves act as the signed-in users."""

    @functools.wraps(builder)
    def build(*args: Any) -> Any:
        with operator_command("matrix"):
            return builder(*args)

    return build


def _allowed_map(
    allowed_raw: Any, objects: dict[str, Any], roles: set[str], where: str
) -> dict[str, frozenset[str]]:
    if isinstance(allowed_raw, set | frozenset | list | tuple):
        if set(objects) != {"page"}:
            raise ValueError(f"{where}: with object classes, 'allowed' maps each class to roles")
        allowed_raw = {"page": allowed_raw}
    if set(allowed_raw) != set(objects):
        raise ValueError(
            f"{where}: 'allowed' classes {sorted(allowed_raw)} differ from 'objects' {sorted(objects)}"
        )
    allowed = {cls: frozenset(rs) for cls, rs in allowed_raw.items()}
    for cls, rs in allowed.items():
        if rs - roles:
            raise ValueError(f"{where}: unknown roles for {cls!r}: {sorted(rs - roles)}")
    return allowed


def _parse(entry: dict[str, Any], module: str, roles: set[str]) -> Route:
    where = f"{module}: {entry.get('route', entry)!r}"
    unknown = set(entry) - ENTRY_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    if not isinstance(entry.get("route"), str):
        raise ValueError(f"{where}: 'route' must be the namespaced URL name")
    methods = tuple(m.upper() for m in entry.get("methods", ()))
    if not methods or set(methods) - METHODS:
        raise ValueError(f"{where}: 'methods' must list HTTP methods, got {methods!r}")
    public = bool(entry.get("public", False))
    objects = {
        cls: _as_operator(b) for cls, b in (entry.get("objects") or {"page": _no_kwargs}).items()
    }
    allowed_raw = entry.get("allowed")
    if public:
        if "allowed" in entry:
            raise ValueError(f"{where}: a public route is open to everybody; do not list roles")
        allowed = {cls: frozenset(roles) for cls in objects}
    else:
        if allowed_raw is None:
            raise ValueError(f"{where}: say which roles are allowed (an empty set is fine)")
        allowed = _allowed_map(allowed_raw, objects, roles, where)
    api = entry.get("api", "")
    if api and api not in API_MODES:
        raise ValueError(f"{where}: 'api' is one of {sorted(API_MODES)}, got {api!r}")
    if api and public:
        raise ValueError(f"{where}: an API route is never public")
    allowed_for = {}
    for method, raw in (entry.get("allowed_for") or {}).items():
        if method.upper() not in methods:
            raise ValueError(f"{where}: 'allowed_for' names {method!r}, which is not in 'methods'")
        allowed_for[method.upper()] = _allowed_map(raw, objects, roles, f"{where} [{method}]")
    return Route(
        name=entry["route"],
        methods=methods,
        objects=objects,
        allowed=allowed,
        data=_as_operator(entry["data"]) if entry.get("data") else None,
        public=public,
        signs_out=bool(entry.get("signs_out", False)),
        module=module,
        api=api,
        allowed_for=allowed_for,
    )


def matrix_modules() -> list[Any]:
    """`<app>.tests.matrix` of every Dalil app that has one."""
    out = []
    for config in apps.get_app_configs():
        if not config.name.startswith("dalil."):
            continue
        name = f"{config.name}.tests.matrix"
        try:
            out.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name not in {name, f"{config.name}.tests"}:
                raise
    return out


def declaration() -> dict[str, Route]:
    roles = set(role_codes())
    routes: dict[str, Route] = {}
    for module in matrix_modules():
        for entry in getattr(module, "MATRIX", []):
            route = _parse(entry, module.__name__, roles)
            if route.name in routes:
                raise ValueError(
                    f"{route.name} is declared twice ({routes[route.name].module}, {module.__name__})"
                )
            routes[route.name] = route
    return routes


# --- The world the matrix runs in -------------------------------------------------------------------
@dataclass
class World:
    units: dict[str, Any]
    users: dict[str, Any]  # role code -> the user who holds it (see PLACEMENT)
    make_user: Callable[..., Any]
    objects: dict[str, Any] = field(default_factory=dict)  # filled by the apps' build()
    # Whether the coming request may change the object a builder makes (see the module's docstring):
    # True unless the runner says otherwise, so a builder called by any other test makes a new one.
    fresh: bool = True
    _shared: dict[Any, Any] = field(default_factory=dict)

    def shared(self, key: Any, make: Callable[[], Any]) -> Any:
        """`make()` for a request that may change what it makes; for one that leaves it as it found
        it, what `make()` returned for the first such request with this key."""
        if self.fresh:
            return make()
        if key not in self._shared:
            self._shared[key] = make()
        return self._shared[key]

    @property
    def anonymous_stand_in(self) -> Any:
        """Whose 'self' an anonymous request asks for (it is refused before it matters)."""
        return self.users["donor_officer"]


def build_world(tree: dict[str, Any], make_user: Callable[..., Any]) -> World:
    users = {}
    for role in role_codes():
        unit = PLACEMENT.get(role, HOME_UNIT)
        users[role] = make_user(f"matrix.{role}", unit=unit, role=role, at=unit)
    world = World(units=tree, users=users, make_user=make_user)
    for module in matrix_modules():
        build = getattr(module, "build", None)
        if build is not None:
            _as_operator(build)(world)
    return world


# --- Running it ---------------------------------------------------------------------------------------
@dataclass
class Result:
    checked: int = 0
    allowed: int = 0
    refused: int = 0
    anonymous: int = 0
    unexpected_2xx: int = 0
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.checked} requests checked: {self.allowed} allowed, {self.refused} refused (404), "
            f"{self.anonymous} anonymous; {self.unexpected_2xx} unexpected 2xx; {len(self.failures)} failures"
        )


@functools.cache
def _root_conftest() -> Any:
    """The repository's conftest.py as pytest loaded it (`import conftest` may find another one)."""
    path = Path(__file__).resolve().parent.parent / "conftest.py"
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if file and Path(file).resolve() == path:
            return module
    raise LookupError(f"{path} is not loaded")


def signed_in_client(user: Any, **kwargs: Any) -> Client:
    """A client with a fully signed-in session (both factors), as the root conftest makes them."""
    return _root_conftest().sign_in(Client(HTTP_HOST="127.0.0.1", **kwargs), user)


def _login_url() -> str:
    return resolve_url(settings.LOGIN_URL)


def api_client(user: Any) -> Client:
    """A client that calls the REST API with the user's own API token (made as the "My API tokens"
    page makes one: by a session that passed the second factor)."""
    from dalil.api import services

    user.is_verified = lambda: True
    _token, secret = services.token_create(actor=user, name="permission matrix")
    del user.is_verified
    return Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")


def _send(client: Client, method: str, url: str, data: dict[str, Any], api: str = "") -> Any:
    if api:
        if method == "GET":
            return client.get(url)
        return client.generic(method, url, json.dumps(data), content_type="application/json")
    if method == "GET":
        return client.get(url)
    if method == "POST":
        return client.post(url, data)
    return getattr(client, method.lower())(
        url, data, content_type="application/x-www-form-urlencoded"
    )


def _last_seq() -> int:
    """The newest ledger entry's sequence number (`dalil.audit.testing.last_seq`, in plain SQL: the
    matrix asks twice per request)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(seq) FROM {connection.ops.quote_name(Entry._meta.db_table)}")
        return int(cursor.fetchone()[0] or 0)


def _actions_since(seq: int) -> list[str]:
    """The actions of the entries after `seq`, in order (`dalil.audit.testing.actions_since`)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT action FROM {connection.ops.quote_name(Entry._meta.db_table)}"
            " WHERE seq > %s ORDER BY seq",
            [seq],
        )
        return [action for (action,) in cursor.fetchall()]


class _Anonymous:
    """A client that has never signed in, for each anonymous request: one client whose cookies are
    emptied before each use, as a new `Client()` would be (a new one sets up the whole middleware
    stack again on its first request)."""

    def __init__(self) -> None:
        self._client = Client(HTTP_HOST="127.0.0.1")

    def __call__(self) -> Client:
        self._client.cookies = SimpleCookie()
        return self._client


def run(world: World, routes: dict[str, Route]) -> Result:
    """Send every declared request; collect every deviation instead of stopping at the first."""
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # hundreds of expected 404s; server errors are still logged
    try:
        return _run(world, routes)
    finally:
        world.fresh = True
        quiet.setLevel(level)


def _allowed(route: Route, method: str, cls: str, role: str | None) -> bool:
    return route.public or (role is not None and role in route.allowed_roles(method, cls))


def _run(world: World, routes: dict[str, Route]) -> Result:
    result = Result()
    clients = {role: signed_in_client(user) for role, user in world.users.items()}
    token_clients: dict[str, Client] = {}
    anonymous = _Anonymous()
    login = _login_url()
    for route in routes.values():
        for cls, builder in route.objects.items():
            for method in route.methods:
                for role in [*sorted(world.users), None]:
                    me = world.users[role] if role else world.anonymous_stand_in
                    where = f"{method} {route.name} [{cls}] as {role or 'anonymous'}"
                    try:
                        # Only a request the route lets through, by a method other than GET, may
                        # change its object: it gets a fresh one; the others may share one.
                        world.fresh = method != "GET" and _allowed(route, method, cls, role)
                        url = reverse(route.name, kwargs=builder(world, me))
                        data = route.data(world, me) if route.data and method != "GET" else {}
                        if not role:
                            client = anonymous()
                        elif route.api == "token":
                            if role not in token_clients:
                                token_clients[role] = api_client(world.users[role])
                            client = token_clients[role]
                        else:
                            client = clients[role]
                        since = _last_seq()
                        response = _send(client, method, url, data, route.api)
                        new = _actions_since(since)
                    except Exception as exc:  # a crash is a finding, not the end of the matrix
                        result.checked += 1
                        result.failures.append(f"{where}: raised {type(exc).__name__}: {exc}")
                        continue
                    finally:
                        if role and route.signs_out:
                            clients[role] = signed_in_client(world.users[role])
                    result.checked += 1
                    status = response.status_code
                    location = response.get("Location", "") if status in (301, 302, 303) else ""
                    bounced = location.split("?")[0] == login
                    if route.api:
                        _check_api(result, route, cls, method, role, where, url, response, new)
                    elif route.public:
                        ok = status in ALLOWED_STATUS
                        result.allowed += 1
                        if not ok:
                            result.failures.append(
                                f"{where} {url}: expected 2xx/3xx for a public route, got {status}"
                            )
                    elif role is None:
                        result.anonymous += 1
                        if 200 <= status < 300:
                            result.unexpected_2xx += 1
                        if not (status == 302 and bounced):
                            result.failures.append(
                                f"{where} {url}: expected a redirect to {login}, got {status} {location}"
                            )
                        elif new:
                            result.failures.append(
                                f"{where} {url}: anonymous request wrote to the ledger: {new}"
                            )
                    elif role in route.allowed_roles(method, cls):
                        result.allowed += 1
                        if status not in ALLOWED_STATUS or bounced:
                            result.failures.append(
                                f"{where} {url}: expected 200/302, got {status} {location}"
                            )
                        elif "access.denied" in new:
                            result.failures.append(
                                f"{where} {url}: allowed, but the ledger says refused: {new}"
                            )
                    else:
                        result.refused += 1
                        if 200 <= status < 300:
                            result.unexpected_2xx += 1
                        if status != 404:
                            result.failures.append(
                                f"{where} {url}: expected 404, got {status} {location}"
                            )
                        elif new != ["access.denied"]:
                            result.failures.append(
                                f"{where} {url}: expected exactly one access.denied entry, ledger got {new}"
                            )
        _check_undeclared_methods(result, world, route, clients, token_clients, anonymous)
    return result


def _check_undeclared_methods(
    result: Result,
    world: World,
    route: Route,
    clients: dict[str, Client],
    token_clients: dict[str, Client],
    anonymous: _Anonymous,
) -> None:
    """Every method a route does not declare answers 405 and writes nothing, asked by a role the
    route lets in (so no other refusal can answer first)."""
    cls, builder = next(iter(route.objects.items()))
    roles = sorted(route.allowed[cls]) or sorted(world.users)
    role = None if route.public else roles[0]
    me = world.users[role] if role else world.anonymous_stand_in
    for method in route.undeclared():
        where = f"{method} {route.name} [{cls}] as {role or 'anonymous'} (undeclared method)"
        result.checked += 1
        try:
            world.fresh = False  # refused before any view runs
            url = reverse(route.name, kwargs=builder(world, me))
            if role is None:
                client = anonymous()
            elif route.api == "token":
                if role not in token_clients:
                    token_clients[role] = api_client(world.users[role])
                client = token_clients[role]
            else:
                client = clients[role]
            since = _last_seq()
            response = _send(client, method, url, {}, route.api)
            new = _actions_since(since)
        except Exception as exc:
            result.failures.append(f"{where}: raised {type(exc).__name__}: {exc}")
            continue
        if response.status_code != 405:
            result.failures.append(f"{where} {url}: expected 405, got {response.status_code}")
        elif new:
            result.failures.append(f"{where} {url}: a refused method wrote to the ledger: {new}")


def _check_api(
    result: Result,
    route: Route,
    cls: str,
    method: str,
    role: str | None,
    where: str,
    url: str,
    response: Any,
    new: list[str],
) -> None:
    """The REST API's answers: JSON problems instead of redirects and error pages."""
    status = response.status_code
    problem = response.get("Content-Type", "").startswith(PROBLEM_JSON)
    if role is None:
        result.anonymous += 1
        if 200 <= status < 300:
            result.unexpected_2xx += 1
        if status != 401 or not problem:
            result.failures.append(
                f"{where} {url}: expected a 401 problem, got {status} {response.get('Content-Type')}"
            )
        elif new:
            result.failures.append(f"{where} {url}: anonymous request wrote to the ledger: {new}")
    elif role in route.allowed_roles(method, cls):
        result.allowed += 1
        if status not in API_ALLOWED_STATUS:
            result.failures.append(
                f"{where} {url}: expected 200/201/204, got {status} {response.content[:200]!r}"
            )
        elif "access.denied" in new:
            result.failures.append(f"{where} {url}: allowed, but the ledger says refused: {new}")
    else:
        result.refused += 1
        if 200 <= status < 300:
            result.unexpected_2xx += 1
        if status != 404 or not problem:
            result.failures.append(
                f"{where} {url}: expected a 404 problem, got {status} {response.get('Content-Type')}"
            )
        elif new != ["access.denied"]:
            result.failures.append(
                f"{where} {url}: expected exactly one access.denied entry, ledger got {new}"
            )
