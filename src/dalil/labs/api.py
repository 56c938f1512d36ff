"""The laboratory requests in the API (read): the same door as the pages. The case's readers see
the requests of the case; the laboratory's staff see the requests sent to their laboratory."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from dalil.api import routes
from dalil.api.views import IDENTIFIER, ApiMixin

from . import selectors
from .models import LabItem, LabRequest, RequestedExam

_NUMBER = OpenApiParameter(
    "number",
    str,
    OpenApiParameter.PATH,
    description="The request number, e.g. LR-2026-000012",
    pattern=f"^{IDENTIFIER}$",
)


class ExamSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.number", read_only=True)
    section = serializers.CharField(source="section.kind", read_only=True)

    class Meta:
        model = RequestedExam
        fields = ["item", "section"]


class LabItemSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.number", read_only=True)

    class Meta:
        model = LabItem
        fields = ["lab_number", "item", "received_at"]


class LabRequestSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number", read_only=True)
    lab = serializers.CharField(source="lab.code", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    # Declared, not derived: the model field's range is the database's (2**31 on PostgreSQL,
    # 2**63 on SQLite), and the schema must not depend on it.
    version = serializers.IntegerField(read_only=True)

    class Meta:
        model = LabRequest
        fields = [
            "number",
            "case",
            "lab",
            "state",
            "priority",
            "priority_reason",
            "questions",
            "requested_by",
            "requested_at",
            "decided_at",
            "return_reason",
            "version",
        ]


class LabRequestDetailSerializer(LabRequestSerializer):
    exams = serializers.SerializerMethodField()
    items_received = serializers.SerializerMethodField()

    class Meta(LabRequestSerializer.Meta):
        fields = [*LabRequestSerializer.Meta.fields, "exams", "items_received"]

    @extend_schema_field(ExamSerializer(many=True))
    def get_exams(self, obj: LabRequest) -> list[dict[str, Any]]:
        return ExamSerializer(self.context["exams"], many=True).data  # type: ignore[return-value]

    @extend_schema_field(LabItemSerializer(many=True))
    def get_items_received(self, obj: LabRequest) -> list[dict[str, Any]]:
        return LabItemSerializer(self.context["lab_items"], many=True).data  # type: ignore[return-value]


@extend_schema_view(list=extend_schema(summary="The laboratory requests the caller may see"))
class LabRequestViewSet(ApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = LabRequestSerializer
    queryset = LabRequest.objects.none()  # for the schema; get_queryset() scopes each request
    lookup_field = "number"
    lookup_value_regex = IDENTIFIER
    filterset_class = None

    def get_queryset(self) -> QuerySet[LabRequest]:
        return selectors.request_list(self.request.user).order_by("-pk")

    @extend_schema(
        parameters=[_NUMBER],
        responses=LabRequestDetailSerializer,
        summary="One laboratory request with its examinations and the items received",
    )
    def retrieve(self, request: Request, number: str) -> Response:
        r = selectors.request_for(request.user, number)
        context = {
            "exams": selectors.exams_of(request.user, r),
            "lab_items": selectors.lab_items_of(request.user, r),
        }
        return Response(LabRequestDetailSerializer(r, context=context).data)


routes.register("labs/requests", LabRequestViewSet, "labs-request")
