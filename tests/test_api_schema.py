"""CO-8: the OpenAPI schema is valid, warning-free, committed, and the API honours it (schemathesis)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from dalil.api import services

pytestmark = pytest.mark.django_db

COMMITTED = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"


def generated_schema() -> str:
    """What `make schema` writes: the schema in English, validated, failing on any warning."""
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()
    out = io.StringIO()
    err = io.StringIO()
    call_command(
        "spectacular", "--lang", "en", "--validate", "--fail-on-warn", stdout=out, stderr=err
    )
    assert not GENERATOR_STATS, f"drf-spectacular warnings/errors: {err.getvalue()}"
    return out.getvalue()


def test_the_schema_is_valid_openapi_3_without_warnings():
    import yaml

    schema = yaml.safe_load(generated_schema())
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert {
        "/api/v1/me/",
        "/api/v1/units/",
        "/api/v1/units/{code}/",
        "/api/v1/users/{username}/",
        "/api/v1/roles/",
        "/api/v1/ledger/",
        "/api/v1/ledger/{seq}/",
        "/api/v1/tokens/",
        "/api/v1/tokens/{id}/revoke/",
    } <= set(paths)
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A personal API token from the page “My API tokens”.",
    }
    # Every operation documents its problems.
    for path, item in paths.items():
        for method, op in item.items():
            assert {"400", "401", "404"} <= set(op["responses"]), (method, path)
            assert "application/problem+json" in op["responses"]["401"]["content"]
    page_size = next(
        p for p in paths["/api/v1/units/"]["get"]["parameters"] if p["name"] == "page_size"
    )
    assert page_size["schema"]["maximum"] == 200


def test_a_spectacular_warning_fails_the_schema_check(monkeypatch):
    """The check above is real: a warning while drf-spectacular builds any operation fails it."""
    import drf_spectacular.openapi as spectacular_openapi
    from drf_spectacular.drainage import warn

    real = spectacular_openapi.AutoSchema.get_operation

    def warning_operation(self: Any, *args: Any, **kwargs: Any) -> Any:
        warn("a deliberate warning")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(spectacular_openapi.AutoSchema, "get_operation", warning_operation)
    with pytest.raises(Exception, match="warnings"):
        generated_schema()


def test_the_committed_openapi_file_is_the_generated_schema():
    assert COMMITTED.read_text(encoding="utf-8") == generated_schema(), (
        "docs/openapi.yaml is stale: run `make schema` and commit the result"
    )


def test_the_schema_endpoint_needs_credentials_and_serves_the_schema(make_user):
    anonymous = Client(HTTP_HOST="127.0.0.1").get("/api/schema/")
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"].startswith("application/problem+json")
    user = make_user("someone")
    user.is_verified = lambda: True
    _token, secret = services.token_create(actor=user, name="schema")
    served = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}").get(
        "/api/schema/?format=json"
    )
    assert served.status_code == 200
    assert "/api/v1/units/" in served.json()["paths"]


def test_the_served_schema_is_generated_once_per_language(make_user, monkeypatch):
    from drf_spectacular.generators import SchemaGenerator

    from dalil.api.views import SchemaView

    monkeypatch.setattr(SchemaView, "_generated", {})
    generated = []
    real = SchemaGenerator.get_schema

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        generated.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counting)
    user = make_user("someone")
    user.is_verified = lambda: True
    _token, secret = services.token_create(actor=user, name="schema")
    client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")

    def governorate(lang: str) -> str:
        served = client.get(f"/api/schema/?format=json&lang={lang}")
        assert served.status_code == 200
        units = served.json()["paths"]["/api/v1/units/"]["get"]
        return next(p for p in units["parameters"] if p["name"] == "governorate")["description"]

    english, arabic = governorate("en"), governorate("ar")
    assert english.startswith("governorate") and arabic != english
    assert (governorate("en"), governorate("ar")) == (english, arabic)
    assert len(generated) == 2
    assert Client(HTTP_HOST="127.0.0.1").get("/api/schema/").status_code == 401


def test_the_docs_page_loads_swagger_ui_from_vendored_files_without_inline_script(
    make_user, client_for
):
    import re

    from django.contrib.staticfiles import finders

    page = client_for(make_user("someone")).get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assert "style=" not in html and "<style" not in html
    assert "script-src 'self'" in page["Content-Security-Policy"]
    for src in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
        assert finders.find(src), src
    assert finders.find("vendor/swagger-ui-5.35.0/LICENSE")
    assert Client(HTTP_HOST="127.0.0.1").get("/api/docs/").status_code == 302


# --- Schemathesis: the API does what its schema says ----------------------------------------------
@pytest.fixture
def wsgi_app() -> Any:
    """Django's WSGI application, in-process, inside the test's transaction: like Django's test
    client, keep the request signals from closing the test's database connection."""
    from django.core import signals
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_every_operation_conforms_to_the_schema_and_never_answers_5xx(
    make_user, settings, wsgi_app
):
    import schemathesis
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hypothesis_settings
    from schemathesis import checks

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
    admin = make_user("admin.moi", unit="MOI", role="system_admin")
    make_user("auditor.moi", unit="MOI", role="auditor")
    make_user("officer.karada", unit="BGD-KARADA", role="investigator")
    admin.is_verified = lambda: True
    _token, secret = services.token_create(actor=admin, name="schemathesis")
    headers = {"Authorization": f"Bearer {secret}"}
    app = wsgi_app
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", app, headers=headers)

    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    # No 5xx, and every response (status, content type, headers, body) is what the schema says;
    # plus: a request without credentials is refused, and a method the schema does not list gets 405.
    conformance = [
        checks.not_a_server_error,
        checks.status_code_conformance,
        checks.content_type_conformance,
        checks.response_headers_conformance,
        checks.response_schema_conformance,
        checks.ignored_auth,
        checks.unsupported_method,
    ]
    failures: list[str] = []
    calls = 0
    for operation in operations:

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        def check(case: Any) -> None:
            nonlocal calls
            calls += 1
            case.call_and_validate(headers=headers, checks=conformance)

        try:
            check()
        except Exception as exc:  # collect every operation's failure, not just the first
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
    assert calls >= len(operations)
    # The token survived the run (nobody could guess its id), so every call was authenticated.
    assert (
        Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")
        .get("/api/v1/me/")
        .status_code
        == 200
    )
