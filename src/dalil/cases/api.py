"""REST API for cases (/api/v1/cases/): list, detail, create, one workflow step, offences and the
persons and entities taking part."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dalil import access
from dalil.access.models import Compartment
from dalil.accounts.models import Governorate, Unit, User
from dalil.api import routes
from dalil.api.serializers import StrictInput
from dalil.api.views import IDENTIFIER, ApiMixin

from . import selectors, services
from .models import PARTY_TYPE_CHOICES, Case, CaseParty, Offence


class CaseConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class OffenceSerializer(serializers.ModelSerializer):
    iccs = serializers.CharField(source="category.code")
    label = serializers.CharField(source="category.label")
    governorate = serializers.CharField(source="governorate.code", default=None)

    class Meta:
        model = Offence
        fields = [
            "iccs",
            "label",
            "stage",
            "article",
            "committed_on",
            "governorate",
            "latitude",
            "longitude",
        ]


class CaseSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code")
    lead = serializers.CharField(source="lead.username")
    compartment = serializers.CharField(source="compartment.code", default=None)
    offences = OffenceSerializer(many=True, read_only=True)

    class Meta:
        model = Case
        fields = [
            "number",
            "title",
            "summary",
            "status",
            "unit",
            "lead",
            "compartment",
            "version",
            "opened_at",
            "updated_at",
            "offences",
        ]


class OffenceCreateSerializer(StrictInput):
    iccs = serializers.CharField(max_length=6)
    stage = serializers.ChoiceField(choices=Offence.Stage.choices)
    article = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    committed_on = serializers.DateField(required=False, allow_null=True, default=None)
    governorate = serializers.CharField(
        max_length=10, required=False, allow_null=True, default=None
    )
    latitude = serializers.DecimalField(
        max_digits=8, decimal_places=5, required=False, allow_null=True, default=None
    )
    longitude = serializers.DecimalField(
        max_digits=8, decimal_places=5, required=False, allow_null=True, default=None
    )


class PartySerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="entity_type")
    id = serializers.IntegerField(source="entity_id")

    class Meta:
        model = CaseParty
        fields = ["type", "id", "role", "note", "added_at"]


class PartyCreateSerializer(StrictInput):
    type = serializers.ChoiceField(choices=PARTY_TYPE_CHOICES)
    id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    role = serializers.ChoiceField(choices=CaseParty.Role.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class CaseCreateSerializer(StrictInput):
    unit = serializers.CharField(max_length=60)
    title = serializers.CharField(max_length=250)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    lead = serializers.CharField(max_length=150, required=False)
    compartment = serializers.CharField(
        max_length=60, required=False, allow_null=True, default=None
    )


class StepSerializer(StrictInput):
    step = serializers.ChoiceField(choices=list(services.STEPS))
    version = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class CaseViewSet(
    ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = CaseSerializer
    lookup_field = "number"
    lookup_value_regex = IDENTIFIER
    filterset_class = None

    def get_queryset(self) -> QuerySet[Case]:
        return (
            selectors.case_list(self.request.user)
            .prefetch_related(selectors.with_offences(self.request.user))
            .order_by("-opened_at", "-pk")
        )

    def get_object(self) -> Case:
        qs = Case.objects.select_related("unit", "lead", "compartment").prefetch_related(
            selectors.with_offences(self.request.user)
        )
        return access.get_or_404(self.request.user, "view", qs, number=self.kwargs["number"])

    @extend_schema(
        request=CaseCreateSerializer, responses={201: CaseSerializer}, summary="Open a case"
    )
    def create(self, request: Request) -> Response:
        data = CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = data.validated_data
        unit = services.units_for_create(request.user).filter(code=v["unit"]).first()
        if unit is None:
            raise access.Denied(
                request.user, "cases.case.create", Unit.objects.filter(code=v["unit"]).first()
            )
        lead = request.user
        if v.get("lead"):
            lead = User.objects.filter(
                username=v["lead"].lower(), unit__path__startswith=unit.path
            ).first()
            if lead is None:
                raise exceptions.ValidationError(
                    {"lead": [_("No user of this unit has this user name.")]}
                )
        compartment = None
        if v.get("compartment"):
            compartment = Compartment.objects.filter(code=v["compartment"]).first()
            if compartment is None:
                raise exceptions.ValidationError(
                    {"compartment": [_("No compartment has this code.")]}
                )
        case = services.case_create(
            actor=request.user,
            unit=unit,
            title=v["title"],
            summary=v["summary"],
            lead=lead,
            compartment=compartment,
        )
        return Response(CaseSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=StepSerializer, responses=CaseSerializer, summary="Take one workflow step"
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, number: str) -> Response:
        case = access.get_or_404(request.user, "manage", Case, number=number)
        data = StepSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.case_transition(actor=request.user, case=case, **data.validated_data)
        except services.Conflict as exc:
            raise CaseConflict(str(exc)) from exc
        return Response(CaseSerializer(self.get_object()).data)

    @extend_schema(
        request=OffenceCreateSerializer,
        responses={201: OffenceSerializer},
        summary="Code an offence on the case (ICCS)",
    )
    @action(detail=True, methods=["post"])
    def offences(self, request: Request, number: str) -> Response:
        case = access.get_or_404(request.user, "work", Case, number=number)
        data = OffenceCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        governorate = None
        if code := v.pop("governorate"):
            governorate = Governorate.objects.filter(code=code).first()
            if governorate is None:
                raise exceptions.ValidationError(
                    {"governorate": [_("No governorate has this code.")]}
                )
        offence = services.offence_add(
            actor=request.user, case=case, code=v.pop("iccs"), governorate=governorate, **v
        )
        return Response(OffenceSerializer(offence).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["GET"], responses=PartySerializer(many=True), summary="Who takes part in the case"
    )
    @extend_schema(
        methods=["POST"],
        request=PartyCreateSerializer,
        responses={201: PartySerializer},
        summary="Add a person or entity to the case in a role",
    )
    @action(detail=True, methods=["get", "post"])
    def parties(self, request: Request, number: str) -> Response:
        if request.method == "GET":
            case = self.get_object()
            rows = [p.party for p in selectors.case_parties(request.user, case)]
            return Response(PartySerializer(rows, many=True).data)
        case = access.get_or_404(request.user, "work", Case, number=number)
        data = PartyCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        from dalil.parties.services import entity_of

        entity = entity_of(request.user, v["type"], v["id"])
        party = services.case_party_add(
            actor=request.user, case=case, entity=entity, role=v["role"], note=v["note"]
        )
        return Response(PartySerializer(party).data, status=status.HTTP_201_CREATED)


routes.register("cases", CaseViewSet, "case")
