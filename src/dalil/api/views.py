"""The REST API (v1). Every queryset goes through the door (`access.scope`), every object lookup
through `access.get_or_404`, and every write through a service that checks the door again and
writes the ledger. Errors are RFC 9457 problems (see `problems.py`)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, ClassVar

from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dalil import access, audit
from dalil.access import selectors as access_selectors
from dalil.access import services as access_services
from dalil.access.models import Role
from dalil.accounts import services as account_services
from dalil.accounts.models import Governorate, Unit, User
from dalil.audit import alert_review, visibility
from dalil.audit import selectors as ledger_selectors
from dalil.audit.ledger import source as ledger_source
from dalil.audit.models import Alert, Entry

from . import filters, serializers, services
from .models import ApiToken

IDENTIFIER = r"[A-Za-z0-9._\-]+"


def _language(request: Request) -> str | None:
    """An explicit Accept-Language the API speaks wins; otherwise the user's own language."""
    from django.conf import settings

    supported = {code for code, _name in settings.LANGUAGES}
    for code, _q in parse_accept_lang_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")):
        if code == "*":
            break
        for candidate in (code.lower(), code.lower().split("-")[0]):
            if candidate in supported:
                return candidate
    return getattr(request.user, "language", None) or None


class ApiMixin:
    """Language, ledger source and the problem responses for every API view."""

    def perform_authentication(self, request: Request) -> None:
        super().perform_authentication(request)  # type: ignore[misc]
        lang = _language(request)
        if lang:
            translation.activate(lang)
            request._request.LANGUAGE_CODE = lang

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        # PostgreSQL refuses NUL in text; a query parameter carrying one is bad input (400), for
        # every view, including those that read a parameter without a form.
        for key, values in request.query_params.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                raise exceptions.ValidationError({key: [ProhibitNullCharactersValidator.message]})

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        with ledger_source("api"):
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def _path(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name,
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description=description,
        pattern=f"^{IDENTIFIER}$",
    )


# --- Me ----------------------------------------------------------------------------------------------
class MeView(ApiMixin, APIView):
    @extend_schema(responses=serializers.MeSerializer, summary="The caller and their roles")
    def get(self, request: Request) -> Response:
        return Response(serializers.MeSerializer(request.user).data)


# --- Units -------------------------------------------------------------------------------------------
@extend_schema_view(retrieve=extend_schema(parameters=[_path("code", "Unit code")]))
class UnitViewSet(
    ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = serializers.UnitSerializer
    filterset_class = filters.UnitFilter
    lookup_field = "code"
    lookup_value_regex = IDENTIFIER

    def get_queryset(self) -> QuerySet[Unit]:
        qs = Unit.objects.select_related("parent", "governorate").order_by("path")
        return access.scope(self.request.user, "view", qs)

    def get_object(self) -> Unit:
        qs = Unit.objects.select_related("parent", "governorate")
        return access.get_or_404(self.request.user, "view", qs, code=self.kwargs["code"])

    @extend_schema(
        request=serializers.UnitCreateSerializer,
        responses={201: serializers.UnitSerializer},
        summary="Create a unit under a parent you manage",
    )
    def create(self, request: Request) -> Response:
        data = serializers.UnitCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        parent = access.get_or_404(request.user, "add_unit", Unit, code=v["parent"])
        governorate = None
        if v.get("governorate"):
            governorate = Governorate.objects.filter(code=v["governorate"]).first()
            if governorate is None:
                raise exceptions.ValidationError(
                    {"governorate": [_("No governorate has this code.")]}
                )
        unit = account_services.unit_create(
            actor=request.user,
            parent=parent,
            code=v["code"],
            kind=v["kind"],
            name_ar=v["name_ar"],
            name_ckb=v["name_ckb"],
            name_en=v["name_en"],
            governorate=governorate,
        )
        return Response(serializers.UnitSerializer(unit).data, status=status.HTTP_201_CREATED)


# --- Users -------------------------------------------------------------------------------------------
@extend_schema_view(
    retrieve=extend_schema(parameters=[_path("username", "User name")]),
    partial_update=extend_schema(
        parameters=[_path("username", "User name")],
        request=serializers.UserUpdateSerializer,
        responses=serializers.UserSerializer,
        summary="Change a user you manage",
    ),
)
class UserViewSet(
    ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = serializers.UserSerializer
    filterset_class = filters.UserFilter
    lookup_field = "username"
    lookup_value_regex = IDENTIFIER
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self) -> QuerySet[User]:
        return access.scope(
            self.request.user, "view", User.objects.select_related("unit").order_by("username")
        )

    def get_object(self) -> User:
        qs = User.objects.select_related("unit")
        return access.get_or_404(self.request.user, "view", qs, username=self.kwargs["username"])

    def partial_update(self, request: Request, username: str) -> Response:
        user = self.get_object()
        data = serializers.UserUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = account_services.user_update(actor=request.user, user=user, **data.validated_data)
        return Response(serializers.UserSerializer(user).data)


# --- Roles -------------------------------------------------------------------------------------------
@extend_schema_view(retrieve=extend_schema(parameters=[_path("code", "Role code")]))
class RoleViewSet(
    ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = serializers.RoleFullSerializer
    lookup_field = "code"
    lookup_value_regex = IDENTIFIER

    def get_queryset(self) -> QuerySet[Role]:
        return access.scope(
            self.request.user, "view", Role.objects.prefetch_related("permissions").order_by("code")
        )

    def get_object(self) -> Role:
        return access.get_or_404(self.request.user, "view", Role, code=self.kwargs["code"])


# --- The ledger --------------------------------------------------------------------------------------
@extend_schema_view(
    retrieve=extend_schema(
        parameters=[
            OpenApiParameter(
                "seq",
                {"type": "integer", "minimum": 1},
                OpenApiParameter.PATH,
                description="Entry sequence number",
            )
        ]
    ),
)
class LedgerViewSet(
    ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The ledger, for holders of `audit.ledger.view`. Reading it is itself on the ledger."""

    serializer_class = serializers.EntrySerializer
    filterset_class = filters.EntryFilter
    lookup_field = "seq"
    lookup_value_regex = r"[0-9]+"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        access.require_permission(request.user, "audit.ledger.view")

    def get_queryset(self) -> QuerySet[Entry]:
        if getattr(self, "swagger_fake_view", False):  # schema generation, no request user
            return Entry.objects.none()
        return ledger_selectors.entry_list(self.request.user)

    def get_object(self) -> Entry:
        seq = int(self.kwargs["seq"])
        entry = self.get_queryset().filter(seq=seq).first()
        if entry is None:
            raise exceptions.NotFound()
        return visibility.present(self.request.user, [entry])[0]

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        return None if page is None else visibility.present(self.request.user, page)

    def _viewed(self, payload: dict[str, Any]) -> None:
        from django.db import transaction

        with transaction.atomic():
            audit.record(actor=self.request.user, action="audit.ledger_viewed", payload=payload)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(
            request, *args, **kwargs
        )  # bad filters fail here, before the ledger
        filters_used = {
            k: v
            for k, v in request.query_params.items()
            if v and k in filters.EntryFilter.base_filters
        }
        self._viewed(filters_used)
        return response

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        self._viewed({"seq": str(self.kwargs["seq"])})
        return response


# --- Grants waiting for a second person (ADR 0014) -----------------------------------------------------
class _Waiting(ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Approve (a second person) or refuse/withdraw a waiting grant, as on "Grant requests"."""

    lookup_value_regex = r"[0-9]+"
    # Every waiting grant of the subclass's kind, unscoped: always read through the door below.
    waiting: Callable[[], QuerySet]

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.waiting().none()
        return access.scope(self.request.user, "view", self.waiting()).order_by("pk")

    def get_object(self) -> Any:
        return access.get_or_404(self.request.user, "view", self.waiting(), pk=self.kwargs["pk"])

    @extend_schema(request=None, summary="Approve: the grant is in force from the next request")
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        grant = access_services.grant_approve(actor=request.user, grant=self.get_object())
        return Response(self.get_serializer(grant).data)

    @extend_schema(
        request=None, responses={204: None}, summary="Refuse, or withdraw your own request"
    )
    @action(detail=True, methods=["post"])
    def refuse(self, request: Request, pk: str) -> Response:
        access_services.grant_reject(actor=request.user, grant=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class GrantRequestViewSet(_Waiting):
    """Roles asked for people, waiting for a second person (the unit's commander or the
    ministry's security officer); listed for those who may see their unit's grants."""

    serializer_class = serializers.GrantRequestSerializer
    waiting = staticmethod(access_selectors.pending_assignments_all)


class RoleRequestViewSet(_Waiting):
    """Permissions asked for roles, waiting for a second person at the top of the organisation."""

    serializer_class = serializers.RoleRequestSerializer
    waiting = staticmethod(access_selectors.pending_permissions_all)


# --- Alerts to auditors -------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "open", OpenApiTypes.BOOL, description="Only alerts not yet acknowledged"
            )
        ]
    ),
    acknowledge=extend_schema(
        request=serializers.AcknowledgeSerializer,
        responses=serializers.AlertSerializer,
        summary="Acknowledge an alert, saying what was found",
    ),
)
class AlertViewSet(
    ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Alerts to auditors, for holders of `audit.alert.view`; each names its ledger entries."""

    serializer_class = serializers.AlertSerializer
    lookup_value_regex = r"[0-9]+"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        access.require_permission(request.user, "audit.alert.view")

    def get_queryset(self) -> QuerySet[Alert]:
        if getattr(self, "swagger_fake_view", False):
            return Alert.objects.none()
        only_open = self.request.query_params.get("open", "").lower() in {"1", "true", "yes"}
        return alert_review.alert_list(self.request.user, open_only=only_open)

    def get_object(self) -> Alert:
        return access.get_or_404(self.request.user, "view", Alert, pk=self.kwargs["pk"])

    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        alert = access.get_or_404(request.user, "manage", Alert, pk=pk)
        data = serializers.AcknowledgeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        alert = alert_review.alert_acknowledge(
            actor=request.user, alert=alert, **data.validated_data
        )
        return Response(serializers.AlertSerializer(alert).data)


# --- My API tokens -----------------------------------------------------------------------------------
_TOKEN_ID = OpenApiParameter(
    "id", OpenApiTypes.STR, OpenApiParameter.PATH, description="Token id", pattern="^[0-9a-f]{12}$"
)


@extend_schema_view(
    retrieve=extend_schema(parameters=[_TOKEN_ID]),
    revoke=extend_schema(
        parameters=[_TOKEN_ID],
        request=None,
        responses=serializers.TokenSerializer,
        summary="Revoke one of your tokens",
    ),
)
class TokenViewSet(
    ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The caller's own API tokens. New tokens are made from a signed-in session only (R-09)."""

    serializer_class = serializers.TokenSerializer
    lookup_field = "key_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = r"[0-9a-f]{12}"

    def get_queryset(self) -> QuerySet[ApiToken]:
        return access.scope(
            self.request.user, "view", ApiToken.objects.order_by("-created_at", "-id")
        )

    def get_object(self) -> ApiToken:
        return access.get_or_404(self.request.user, "view", ApiToken, key_id=self.kwargs["id"])

    @extend_schema(
        request=serializers.TokenCreateSerializer,
        responses={201: serializers.TokenCreatedSerializer},
        summary="Create a token (signed-in session only); the secret is shown once",
    )
    def create(self, request: Request) -> Response:
        if isinstance(request.auth, ApiToken):
            raise exceptions.PermissionDenied(
                _(
                    "API tokens can only be created from a signed-in session, on the page “My API tokens”."
                )
            )
        data = serializers.TokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, secret = services.token_create(actor=request.user, **data.validated_data)
        token.secret = secret  # type: ignore[attr-defined]  # shown this once, never stored
        return Response(
            serializers.TokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED
        )

    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, id: str) -> Response:
        token = services.token_revoke(actor=request.user, token=self.get_object())
        return Response(serializers.TokenSerializer(token).data)


# --- The schema --------------------------------------------------------------------------------------
class SchemaView(ApiMixin, SpectacularAPIView):
    """The OpenAPI schema. It depends only on the code, the language and the API version, and
    generating it takes about half a second: each process generates it once per language and
    version and serves a copy afterwards. Who may fetch it is checked on every request, as
    before (the schema is public: `SERVE_PUBLIC`, the same for every reader)."""

    _generated: ClassVar[dict[tuple[str | None, str | None], dict[str, Any]]] = {}

    def _get_schema_response(self, request: Request) -> Response:
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version)
        schema = self._generated.get(key)
        if schema is None:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            schema = generator.get_schema(request=request, public=self.serve_public)
            self._generated[key] = schema
        return Response(
            data=copy.deepcopy(schema),
            headers={
                "Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'
            },
        )
