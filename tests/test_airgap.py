"""CO-10, air-gapped: no page and no static file refers to another host, and nothing inline needs
`unsafe-inline` in the Content-Security-Policy.

Every GET route of the URLconf is rendered for signed-in users with wide rights (the permission
matrix's world: one user per role, each route opened by a role the matrix allows), the public pages
anonymously, and every CSS/JS file under Dalil's static/ folders is read. A URL is refused when it
points at a host other than our own; XML namespaces and the few vendor texts listed below (never
fetched: an error message, a parsing base) are the only exceptions, each checked to still exist.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

import permission_matrix as pm

pytestmark = pytest.mark.django_db

OWN_HOSTS = {"127.0.0.1", "localhost", "testserver"}
NAMESPACES = {
    "http://www.w3.org/2000/svg",
    "http://www.w3.org/1999/xlink",
    "http://www.w3.org/1999/xhtml",
    "http://www.w3.org/XML/1998/namespace",
}
# Texts inside vendored files that look like URLs but are never loaded (file -> exact strings).
VENDOR_TEXTS = {
    # Bootstrap's error message when Popper is missing (we ship the bundle that includes it).
    "vendor/bootstrap-5.3.8/bootstrap.bundle.min.js": {"https://popper.js.org/docs/v2/"},
    # htmx parses relative paths against a dummy base: new URL(path, "http://x").
    "vendor/htmx-2.0.7/htmx.min.js": {"http://x"},
    # Swagger UI (/api/docs/): error-message links, JSON-Schema/OpenAPI identifiers, RFC references,
    # the link-ifier's social-site patterns and examples. The validator badge is the one that would
    # be fetched; test_swagger_ui_is_told_not_to_call_its_online_validator keeps it switched off, and
    # the CSP (img-src/connect-src 'self') refuses it regardless.
    "vendor/swagger-ui-5.35.0/swagger-ui-bundle.js": {
        "http://fb.me/use-check-prop-types",
        "http://json-schema.org/draft-04/schema#",
        "http://json-schema.org/draft-06/schema#",
        "http://json-schema.org/draft-07/schema#",
        "http://www.w3.org/1998/Math/MathML",
        "https://base${String",
        "https://datatracker.ietf.org/doc/html/rfc2616#section-2.2",
        "https://datatracker.ietf.org/doc/html/rfc3986#section-2.1",
        "https://datatracker.ietf.org/doc/html/rfc3986#section-2.2",
        "https://datatracker.ietf.org/doc/html/rfc3986#section-2.3",
        "https://datatracker.ietf.org/doc/html/rfc3986#section-3.3",
        "https://datatracker.ietf.org/doc/html/rfc5234#appendix-B.1",
        "https://datatracker.ietf.org/doc/html/rfc6265#section-2.2",
        "https://datatracker.ietf.org/doc/html/rfc6265#section-4.1.1",
        "https://datatracker.ietf.org/doc/html/rfc6265#section-4.2.1",
        "https://datatracker.ietf.org/doc/html/rfc6901",
        "https://datatracker.ietf.org/doc/html/rfc6901#section-4",
        "https://datatracker.ietf.org/doc/html/rfc9110#section-5.6.2",
        "https://example.com/",
        "https://example.com/dictionary/{term:1}/{term}",
        "https://github.com/highlightjs/highlight.js/issues/2277",
        "https://github.com/highlightjs/highlight.js/issues/2534",
        "https://github.com/highlightjs/highlight.js/issues/2559",
        "https://github.com/highlightjs/highlight.js/pull/2844",
        "https://github.com/zloirock/core-js",
        "https://github.com/zloirock/core-js/blob/v3.40.0/LICENSE",
        "https://instagram.com/",
        "https://instagram.com/explore/tags/",
        "https://json-schema.org/draft/2019-09/schema",
        "https://json-schema.org/draft/2020-12/schema",
        "https://reactjs.org/docs/error-decoder.html?invariant=",
        "https://redux.js.org/Errors?code=${s}",
        "https://soundcloud.com/",
        "https://spdx.org/licenses/${a}.html`:void",
        "https://spec.openapis.org/oas/3.1/dialect/base",
        "https://spec.openapis.org/oas/3.2/dialect/2025-09-17",
        "https://spec.openapis.org/oas/3.2/schema/2025-09-17",
        "https://swagger.io",
        "https://twitter.com/",
        "https://twitter.com/hashtag/",
        "https://validator.swagger.io/validator",
        "https://vladimirgorej.com",
        "https://www.facebook.com/hashtag/",
        "https://www.rfc-editor.org/errata/eid5518",
        "https://www.rfc-editor.org/errata/eid6937",
        "https://www.rfc-editor.org/errata/eid8242",
        "https://www.rfc-editor.org/rfc/rfc6570#section-1.5",
        "https://www.rfc-editor.org/rfc/rfc6570#section-2",
        "https://www.rfc-editor.org/rfc/rfc6570#section-2.1",
        "https://www.tiktok.com/@",
        "https://www.tiktok.com/tag/",
        "https://실례.com/",
    },
}

ABSOLUTE = re.compile(r"""(?:https?:)?//([A-Za-z0-9][A-Za-z0-9.-]*)(?::\d+)?[^\s"'<>()\\]*""", re.I)
SCHEME_URL = re.compile(r"""https?://[^\s"'<>()\\]+""", re.I)
LICENCE_COMMENT = re.compile(r"/\*[!*].*?\*/", re.S)  # /*! … */ and /** @license … */ banners
URL_ATTR = re.compile(
    r"""\s(?:href|src|action|formaction|srcset|poster|data|hx-get|hx-post|hx-put|hx-delete|xlink:href)\s*=\s*["']([^"']*)["']""",
    re.I,
)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.I)
STYLE_ATTR = re.compile(r"<[a-zA-Z][^<>]*\sstyle\s*=", re.S)
STYLE_ELEMENT = re.compile(r"<style\b", re.I)
EVENT_ATTR = re.compile(r"<[a-zA-Z][^<>]*\son[a-z]+\s*=", re.S)
JS_URL = re.compile(r"""=\s*["']\s*javascript:""", re.I)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def outside_urls(text: str, allowed: set[str] = frozenset()) -> list[str]:
    """URLs in `text` that point to another host (namespaces and `allowed` texts excepted)."""
    found = []
    for match in SCHEME_URL.finditer(text):
        url = match.group(0).rstrip(".,;")
        host = re.sub(r"^https?://", "", url, flags=re.I).split("/")[0].split(":")[0]
        if (
            host in OWN_HOSTS
            or url in allowed
            or url.rstrip("/") in NAMESPACES
            or url in NAMESPACES
        ):
            continue
        found.append(url)
    return found


def outside_references(html: str) -> list[str]:
    """Attribute values (href, src, action, …) that leave our host, including `//host/…`."""
    bad = []
    for value in URL_ATTR.findall(html):
        match = ABSOLUTE.match(value.strip())
        if match and match.group(1) not in OWN_HOSTS:
            bad.append(value)
    return bad


def inline_code(html: str) -> list[str]:
    problems = [f"inline <script>: {m.group(0)}" for m in INLINE_SCRIPT.finditer(html)]
    problems += [f"style attribute: {m.group(0)[:120]}" for m in STYLE_ATTR.finditer(html)]
    problems += [f"<style> element: {m.group(0)}" for m in STYLE_ELEMENT.finditer(html)]
    problems += [f"event handler attribute: {m.group(0)[:120]}" for m in EVENT_ATTR.finditer(html)]
    problems += [f"javascript: URL: {m.group(0)}" for m in JS_URL.finditer(html)]
    return problems


def check_page(where: str, html: str) -> list[str]:
    return [
        f"{where}: {p}" for p in outside_urls(html) + outside_references(html) + inline_code(html)
    ]


# --- The checks themselves catch what they must ------------------------------------------------------
def test_the_checks_catch_outside_hosts_and_inline_code_but_allow_our_host_and_namespaces():
    page = (
        '<link href="https://cdn.example.com/x.css"><img src="//evil.example.org/p.png">'
        '<script>alert(1)</script><div style="color:red"></div><a href="/ok/" onclick="x()">'
        '<svg xmlns="http://www.w3.org/2000/svg"></svg><a href="http://127.0.0.1/admin/">own</a>'
        '<script src="/static/ui/dalil.js" defer></script>'
    )
    problems = check_page("sample", page)
    assert any("cdn.example.com" in p for p in problems)
    assert any("//evil.example.org/p.png" in p for p in problems)
    assert any("inline <script>" in p for p in problems)
    assert any("style attribute" in p for p in problems)
    assert any("event handler" in p for p in problems)
    assert not any("w3.org" in p or "127.0.0.1" in p or "dalil.js" in p for p in problems)
    assert len(problems) == 6, problems  # the URL once as text, once as attribute; the rest once


# --- Every page --------------------------------------------------------------------------------------------
def _get_routes() -> list[pm.Route]:
    return [r for r in pm.declaration().values() if "GET" in r.methods]


def test_every_get_page_refers_only_to_our_own_host_and_has_no_inline_code(tree, make_user):
    world = pm.build_world(tree, make_user)
    clients: dict[str, Client] = {}
    checked: list[str] = []
    problems: list[str] = []
    for route in _get_routes():
        for cls, builder in route.objects.items():
            roles = sorted(
                route.allowed[cls], key=lambda r: (r not in ("system_admin", "auditor"), r)
            )
            role = roles[0] if roles and not route.public else None
            me = world.users[role] if role else world.anonymous_stand_in
            url = reverse(route.name, kwargs=builder(world, me))
            if role and role not in clients:
                clients[role] = pm.signed_in_client(world.users[role])
            client = clients[role] if role else Client(HTTP_HOST="127.0.0.1")
            response = client.get(url)
            if role is None and not route.public:
                continue  # nobody may open it; the matrix checks the refusal
            where = f"GET {url} ({route.name} [{cls}] as {role or 'anonymous'})"
            assert response.status_code in (200, 302), f"{where}: {response.status_code}"
            if route.signs_out and role:
                clients.pop(role)
            if response.status_code != 200 or getattr(response, "streaming", False):
                continue
            kind = response.get("Content-Type", "")
            if not kind.startswith(("text/", "application/json", "application/xml", "image/svg")):
                continue
            checked.append(route.name)
            body = response.content.decode("utf-8", "replace")
            problems += check_page(where, body)
    # The sign-in page, an error page and a form error page, anonymously.
    anonymous = Client(HTTP_HOST="127.0.0.1")
    for url in ("/accounts/login/", "/no-such-page/"):
        problems += check_page(f"anonymous GET {url}", anonymous.get(url).content.decode())
    assert "ui:home" in checked and "admin:unit_list" in checked and "audit:ledger" in checked
    assert len(set(checked)) >= 20, sorted(set(checked))
    assert not problems, "\n".join(problems[:40])


# --- Every static file ----------------------------------------------------------------------------------
def _dalil_static_files() -> list[tuple[str, Path]]:
    out = []
    for config in apps.get_app_configs():
        if not config.name.startswith("dalil."):
            continue
        root = Path(config.path) / "static"
        for path in sorted(root.rglob("*")):
            if path.suffix in (".css", ".js", ".svg", ".html", ".mjs"):
                out.append((path.relative_to(root).as_posix(), path))
    return out


def test_every_static_css_and_js_file_refers_only_to_our_own_host():
    files = _dalil_static_files()
    names = {name for name, _ in files}
    assert {"ui/dalil.js", "ui/dalil.css", "ui/fonts.css", "vendor/htmx-2.0.7/htmx.min.js"} <= names
    problems = []
    for name, path in files:
        text = LICENCE_COMMENT.sub("", path.read_text(encoding="utf-8"))
        allowed = VENDOR_TEXTS.get(name, set())
        for exact in allowed:
            assert exact in text, (
                f"{name}: the allowed text {exact!r} is gone; drop it from VENDOR_TEXTS"
            )
        problems += [f"{name}: {u}" for u in outside_urls(text, allowed)]
        # CSS: url(//host/…) and @import of another host.
        for ref in re.findall(r"""url\(\s*["']?([^"')]+)""", text) + re.findall(
            r"""@import\s+["']([^"']+)""", text
        ):
            match = ABSOLUTE.match(ref.strip())
            if match and match.group(1) not in OWN_HOSTS:
                problems.append(f"{name}: {ref}")
    assert not problems, "\n".join(problems)


def test_swagger_ui_is_told_not_to_call_its_online_validator():
    """Swagger UI shows a badge fetched from validator.swagger.io unless `validatorUrl` is null."""
    bundles = [
        path for name, path in _dalil_static_files() if name.endswith("swagger-ui-bundle.js")
    ]
    if not bundles:
        return  # no Swagger UI shipped: nothing to switch off
    starters = [
        path
        for name, path in _dalil_static_files()
        if name.endswith(".js") and "SwaggerUIBundle(" in path.read_text(encoding="utf-8")
    ]
    assert starters, "Swagger UI is shipped but nothing starts it?"
    for path in starters:
        assert re.search(r"validatorUrl\s*:\s*null", path.read_text(encoding="utf-8")), (
            f"{path}: pass validatorUrl: null to SwaggerUIBundle (air-gapped: no online validator)"
        )


def test_the_vendor_readme_lists_every_vendored_folder_with_version_and_licence():
    vendor = Path(apps.get_app_config("ui").path) / "static" / "vendor"
    readme = (vendor / "README.md").read_text(encoding="utf-8")
    folders = sorted(p.name for p in vendor.iterdir() if p.is_dir())
    assert folders, "nothing vendored?"
    for folder in folders:
        assert f"`{folder}/`" in readme, f"{folder} is not described in vendor/README.md"
        licences = [
            p for p in (vendor / folder).iterdir() if p.name.upper().startswith(("LICENSE", "OFL"))
        ]
        assert licences, f"{folder} ships no licence file"
