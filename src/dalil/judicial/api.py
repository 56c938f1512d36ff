"""REST API of the investigative-judge workflow (IN-5), mounted by dalil.api.urls:

* /api/v1/judicial-requests/ — list (pending first), detail, draft (POST), and the steps
  `…/<number>/submit/` and `…/<number>/withdraw/`;
* /api/v1/judicial-decisions/ — list, and record (POST; with `corrects` it records a correction).

Every queryset goes through the door (scoped through the case), every write through the services,
which check `work` on the case; a refused step is a 400 problem that says why, and writes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dalil import access
from dalil.api import routes
from dalil.api.serializers import StrictInput
from dalil.api.views import IDENTIFIER, ApiMixin
from dalil.cases.models import Case

from . import selectors, services
from .models import Deadline, Decision, JudicialRequest


# --- Output ----------------------------------------------------------------------------------------
class JudicialDeadlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Deadline
        fields = ["id", "kind", "due_at", "note", "state", "done_at"]


class JudicialDecisionSerializer(serializers.ModelSerializer):
    request = serializers.CharField(source="request.number", read_only=True)
    case = serializers.CharField(source="case.number", read_only=True)
    scan_sha256 = serializers.CharField(source="scan.blob_id", default=None, read_only=True)
    corrects = serializers.PrimaryKeyRelatedField(read_only=True)
    superseded = serializers.BooleanField(read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    deadlines = JudicialDeadlineSerializer(many=True, read_only=True)

    class Meta:
        model = Decision
        fields = [
            "id",
            "request",
            "case",
            "order_number",
            "decided_on",
            "judge_name",
            "outcome",
            "text",
            "scan_sha256",
            "corrects",
            "correction_reason",
            "superseded",
            "recorded_by",
            "recorded_at",
            "deadlines",
        ]


class JudicialRequestSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    persons = serializers.SerializerMethodField(help_text="Case-party ids the reader may see")

    class Meta:
        model = JudicialRequest
        fields = [
            "number",
            "case",
            "kind",
            "status",
            "outcome",
            "court",
            "grounds",
            "persons",
            "requested_by",
            "created_at",
            "submitted_at",
            "withdrawn_at",
            "withdrawal_reason",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_persons(self, obj: JudicialRequest) -> list[int]:
        cache: dict[int, dict[int, str]] = self.context.setdefault("parties_seen", {})
        if obj.case_id not in cache:
            cache[obj.case_id] = selectors.visible_parties(self.context["actor"], obj.case)
        seen = cache[obj.case_id]
        return [pk for pk in obj.persons.values_list("pk", flat=True) if pk in seen]


# --- Input -----------------------------------------------------------------------------------------
class JudicialRequestCreateSerializer(StrictInput):
    case = serializers.CharField(max_length=100, help_text="Case number")
    kind = serializers.ChoiceField(choices=JudicialRequest.Kind.choices)
    court = serializers.CharField(
        max_length=250, help_text="Court or investigative judge addressed"
    )
    grounds = serializers.CharField()
    persons = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        default=list,
        help_text="Ids of the case's parties the request concerns",
    )


class JudicialWithdrawSerializer(StrictInput):
    reason = serializers.CharField(max_length=2000)


class JudicialDeadlineInputSerializer(StrictInput):
    kind = serializers.ChoiceField(choices=Deadline.Kind.choices)
    due_at = serializers.DateTimeField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class JudicialDecisionCreateSerializer(StrictInput):
    request = serializers.CharField(max_length=100, help_text="Request number")
    order_number = serializers.CharField(max_length=100)
    decided_on = serializers.DateField()
    judge_name = serializers.CharField(max_length=200)
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
    text = serializers.CharField()
    deadlines = JudicialDeadlineInputSerializer(many=True, required=False, default=list)
    corrects = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        required=False,
        allow_null=True,
        default=None,
        help_text="Id of the decision corrected",
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Why (with `corrects`)"
    )


_NUMBER = OpenApiParameter(
    "number",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Request number",
    pattern=f"^{IDENTIFIER}$",
)


# --- Views -----------------------------------------------------------------------------------------
class JudicialRequestViewSet(
    ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = JudicialRequestSerializer
    lookup_field = "number"
    lookup_value_regex = IDENTIFIER
    filterset_class = None

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "actor": self.request.user}

    @extend_schema(
        parameters=[
            OpenApiParameter("case", OpenApiTypes.STR, description="Only this case's requests"),
            OpenApiParameter(
                "status", OpenApiTypes.STR, enum=JudicialRequest.Status.values, description="Status"
            ),
        ],
        summary="Requests to the judge the caller may see, pending first",
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[JudicialRequest]:
        qs = selectors.requests(self.request.user).prefetch_related("persons")
        params = self.request.query_params
        if params.get("case"):
            qs = qs.filter(case__number=params["case"])
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        return selectors.pending_first(qs)

    def get_object(self) -> JudicialRequest:
        qs = JudicialRequest.objects.select_related("case")
        return access.get_or_404(self.request.user, "view", qs, number=self.kwargs["number"])

    @extend_schema(parameters=[_NUMBER])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)

    def _out(self, req: JudicialRequest, code: int = status.HTTP_200_OK) -> Response:
        return Response(
            JudicialRequestSerializer(req, context=self.get_serializer_context()).data, code
        )

    @extend_schema(
        request=JudicialRequestCreateSerializer,
        responses={201: JudicialRequestSerializer},
        summary="Draft a request to the judge on a case you work on",
    )
    def create(self, request: Request) -> Response:
        data = JudicialRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = data.validated_data
        case = access.get_or_404(request.user, "work", Case, number=v["case"])
        persons = list(selectors.party_choices(request.user, case).filter(pk__in=v["persons"]))
        if len(persons) != len(set(v["persons"])):
            raise exceptions.ValidationError(
                {"persons": [_("The persons concerned must be persons or entities of this case.")]}
            )
        req = services.request_create(
            actor=request.user,
            case=case,
            kind=v["kind"],
            court=v["court"],
            grounds=v["grounds"],
            persons=persons,
        )
        return self._out(req, status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses=JudicialRequestSerializer,
        parameters=[_NUMBER],
        summary="Submit a draft to the judge",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, number: str) -> Response:
        req = self.get_object()
        services.request_submit(actor=request.user, req=req)
        return self._out(req)

    @extend_schema(
        request=JudicialWithdrawSerializer,
        responses=JudicialRequestSerializer,
        parameters=[_NUMBER],
        summary="Withdraw a request the judge has not decided",
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, number: str) -> Response:
        req = self.get_object()
        data = JudicialWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.request_withdraw(actor=request.user, req=req, reason=data.validated_data["reason"])
        return self._out(req)


class JudicialDecisionViewSet(ApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = JudicialDecisionSerializer
    filterset_class = None

    @extend_schema(
        parameters=[OpenApiParameter("case", OpenApiTypes.STR, description="Only this case's")],
        summary="Decisions of the judge the caller may see, newest first",
    )
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Decision]:
        qs = selectors.decisions(self.request.user).prefetch_related("deadlines")
        case = self.request.query_params.get("case")
        if case:
            qs = qs.filter(case__number=case)
        return qs.order_by("-recorded_at", "-pk")

    @extend_schema(
        request=JudicialDecisionCreateSerializer,
        responses={201: JudicialDecisionSerializer},
        summary="Record the judge's decision on a submitted request, or correct a decision",
    )
    def create(self, request: Request) -> Response:
        data = JudicialDecisionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = data.validated_data
        qs = JudicialRequest.objects.select_related("case")
        req = access.get_or_404(request.user, "view", qs, number=v["request"])
        fields = {k: v[k] for k in ("order_number", "decided_on", "judge_name", "outcome", "text")}
        deadlines = [
            services.DeadlineInput(d["kind"], d["due_at"], d.get("note", ""))
            for d in v["deadlines"]
        ]
        if v.get("corrects") is None:
            decision = services.decision_record(
                actor=request.user, req=req, deadlines=deadlines, **fields
            )
        else:
            old = access.get_or_404(
                request.user, "view", Decision.objects.filter(request=req), pk=v["corrects"]
            )
            decision = services.decision_correct(
                actor=request.user, decision=old, reason=v["reason"], deadlines=deadlines, **fields
            )
        return Response(JudicialDecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


routes.register("judicial-requests", JudicialRequestViewSet, "judicial-request")
routes.register("judicial-decisions", JudicialDecisionViewSet, "judicial-decision")
