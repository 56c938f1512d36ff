"""REST API of the detainee register (/api/v1/detainees/): list and detail with the legal clock,
and recording a detention order or the criminal court's permission (the same services as the
pages: a refusal is a 400 problem that says why, and nothing is written)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dalil import access
from dalil.accounts.models import Unit
from dalil.api import routes
from dalil.api.serializers import StrictInput
from dalil.api.views import ApiMixin

from . import clock, selectors, services
from .models import CourtPermission, Detainee, DetentionOrder


class DetentionDeadlineSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="registration, first_order, order_expiry, …")
    at = serializers.DateTimeField()


class DetentionClockSerializer(serializers.Serializer):
    nearest = DetentionDeadlineSerializer(allow_null=True)
    pending = DetentionDeadlineSerializer(many=True)
    breaches = DetentionDeadlineSerializer(many=True)
    registration_due_at = serializers.DateTimeField()
    registered_late = serializers.BooleanField()
    first_order_due_at = serializers.DateTimeField(
        help_text="24 hours after the arrest, 48 with the judge's one extension"
    )
    questioning_due_at = serializers.DateTimeField(allow_null=True)
    order_expires_at = serializers.DateTimeField(allow_null=True)
    six_months_at = serializers.DateTimeField()
    six_months_permitted_until = serializers.DateTimeField()
    court_permitted_until = serializers.DateTimeField(
        allow_null=True, help_text="End of the period the criminal court permitted, if any"
    )
    quarter_cap_at = serializers.DateTimeField(allow_null=True)


class DetentionOrderSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(
        read_only=True, help_text="detention (the first order) or extension"
    )

    class Meta:
        model = DetentionOrder
        fields = [
            "id",
            "kind",
            "order_number",
            "starts_at",
            "days",
            "ends_at",
            "judge_name",
            "court",
            "issued_on",
            "court_permission",
            "decision",
            "recorded_at",
        ]


class CourtPermissionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CourtPermission
        fields = ["id", "court", "decision_number", "decided_on", "permitted_until", "recorded_at"]


class DetaineeSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number", read_only=True)
    person = serializers.IntegerField(source="person_id", read_only=True)
    person_name = serializers.SerializerMethodField(
        help_text="The person's name, when the caller may see the person record (else null)"
    )
    arresting_unit = serializers.CharField(source="arresting_unit.code", read_only=True)
    arrest_governorate = serializers.CharField(
        source="arrest_governorate.code", default=None, read_only=True
    )
    place_unit = serializers.CharField(source="place_unit.code", default=None, read_only=True)
    offence = serializers.CharField(source="offence.category.code", default=None, read_only=True)
    orders = DetentionOrderSerializer(many=True, read_only=True)
    court_permissions = CourtPermissionSerializer(many=True, read_only=True)
    deadlines = serializers.SerializerMethodField()

    class Meta:
        model = Detainee
        fields = [
            "id",
            "number",
            "case",
            "person",
            "person_name",
            "arrested_at",
            "arrest_place",
            "arrest_governorate",
            "arresting_unit",
            "registered_at",
            "registered_late",
            "offence",
            "penalty",
            "penalty_years",
            "place_of_detention",
            "place_unit",
            "released_at",
            "release_basis",
            "hold_extended_at",
            "hold_extended_by",
            "presented_at",
            "questioned_at",
            "next_deadline_at",
            "breached",
            "orders",
            "court_permissions",
            "deadlines",
        ]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_person_name(self, obj: Detainee) -> str | None:
        visible = self.context.get("visible_persons", set())
        return obj.person.name_ar if obj.person_id in visible else None

    @extend_schema_field(DetentionClockSerializer)
    def get_deadlines(self, obj: Detainee) -> dict[str, Any]:
        now = self.context.get("now") or timezone.now()
        state = selectors.clock_of(obj, now, sorted(obj.orders.all(), key=lambda o: o.starts_at))
        return dict(DetentionClockSerializer(_clock_data(state)).data)


def _deadline(d: clock.Deadline | None) -> dict[str, Any] | None:
    return None if d is None else {"kind": d.kind.value, "at": d.at}


def _clock_data(state: clock.Deadlines) -> dict[str, Any]:
    return {
        "nearest": _deadline(state.nearest),
        "pending": [_deadline(d) for d in state.pending],
        "breaches": [_deadline(d) for d in state.breaches],
        "registration_due_at": state.registration_due_at,
        "registered_late": state.registered_late,
        "first_order_due_at": state.first_order_due_at,
        "questioning_due_at": state.questioning_due_at,
        "order_expires_at": state.order_expires_at,
        "six_months_at": state.six_months_at,
        "six_months_permitted_until": state.six_months_permitted_until,
        "court_permitted_until": state.court_permitted_until,
        "quarter_cap_at": state.quarter_cap_at,
    }


class DetentionOrderCreateSerializer(StrictInput):
    starts_at = serializers.DateTimeField(
        help_text="With its offset; a time without one is Baghdad time"
    )
    days = serializers.IntegerField(min_value=1, max_value=365, help_text="At most 15")
    decision = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="Id of the judge's decision (in the case's requests) this order carries out; "
        "its number, judge, court and date are then taken from it",
    )
    order_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    judge_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    court = serializers.CharField(max_length=250, required=False, allow_blank=True)
    issued_on = serializers.DateField(required=False, allow_null=True)


class HoldExtensionSerializer(StrictInput):
    granted_by = serializers.CharField(max_length=200, help_text="The judge who extended")
    granted_at = serializers.DateTimeField(
        help_text="Within the first 24 hours after the arrest; without an offset: Baghdad time"
    )


class AppearanceSerializer(StrictInput):
    presented_at = serializers.DateTimeField(
        required=False, help_text="Brought before the investigative judge"
    )
    questioned_at = serializers.DateTimeField(
        required=False, help_text="Questioned by the judge (due within 24 hours, Art. 123 CPC)"
    )


class CourtPermissionCreateSerializer(StrictInput):
    court = serializers.CharField(max_length=250)
    decision_number = serializers.CharField(max_length=100)
    decided_on = serializers.DateField()
    permitted_until = serializers.DateTimeField(
        help_text="End of the period the criminal court permits (Art. 109(ج) CPC), with its "
        "offset; a time without one is Baghdad time"
    )


def _unit_field(help_text: str) -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        slug_field="code",
        queryset=Unit.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=help_text,
        error_messages={"does_not_exist": _("No active unit has this code.")},
    )


class TransferCreateSerializer(StrictInput):
    moved_at = serializers.DateTimeField(
        help_text="With its offset; a time without one is Baghdad time"
    )
    from_place = serializers.CharField(
        max_length=300,
        help_text="Where the caller believes the detainee is held now (place_of_detention as "
        "read): the transfer is refused if the detainee was moved or released meanwhile",
    )
    from_unit = _unit_field("Code of place_unit as read")
    to_place = serializers.CharField(max_length=300)
    to_unit = _unit_field("Code of the holding unit")
    reason = serializers.CharField(max_length=500)


class ReleaseSerializer(StrictInput):
    released_at = serializers.DateTimeField(
        help_text="With its offset; a time without one is Baghdad time"
    )
    basis = serializers.ChoiceField(choices=Detainee.ReleaseBasis.choices)
    basis_other = serializers.CharField(max_length=300, required=False, allow_blank=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class DetaineeViewSet(
    ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Detainees of the cases the caller may see, the nearest deadline first."""

    serializer_class = DetaineeSerializer
    filterset_class = None
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[Detainee]:
        return selectors.detainee_list(self.request.user)

    def get_object(self) -> Detainee:
        qs = Detainee.objects.select_related(
            "case", "person", "arresting_unit", "arrest_governorate", "place_unit"
        ).prefetch_related(selectors.with_orders(), "court_permissions")
        return access.get_or_404(self.request.user, "view", qs, pk=self.kwargs["pk"])

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["now"] = timezone.now()
        return context

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = list(page) if page is not None else list(self.get_queryset())
        selectors.load_earlier(rows)  # every row's earlier periods in one query
        context = self.get_serializer_context()
        context["visible_persons"] = selectors.visible_person_ids(request.user, rows)
        data = DetaineeSerializer(rows, many=True, context=context).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        detainee = self.get_object()
        context = self.get_serializer_context()
        context["visible_persons"] = selectors.visible_person_ids(request.user, [detainee])
        return Response(DetaineeSerializer(detainee, context=context).data)

    @extend_schema(
        request=DetentionOrderCreateSerializer,
        responses={201: DetentionOrderSerializer},
        summary="Record a detention order or extension",
    )
    @action(detail=True, methods=["post"])
    def orders(self, request: Request, pk: str) -> Response:
        detainee, data = self._input(request, pk, DetentionOrderCreateSerializer)
        v = dict(data.validated_data)
        if "decision" in v:
            v["decision"] = services.order_decision(request.user, detainee, v["decision"])
        order = services.order_record(actor=request.user, detainee=detainee, **v)
        return Response(DetentionOrderSerializer(order).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=CourtPermissionCreateSerializer,
        responses={201: CourtPermissionSerializer},
        summary="Record the criminal court's permission to detain beyond six months, for a period",
    )
    @action(detail=True, methods=["post"], url_path="court-permissions")
    def court_permissions(self, request: Request, pk: str) -> Response:
        detainee, data = self._input(request, pk, CourtPermissionCreateSerializer)
        permission = services.court_permission_record(
            actor=request.user, detainee=detainee, **data.validated_data
        )
        return Response(CourtPermissionSerializer(permission).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=HoldExtensionSerializer,
        responses={200: DetaineeSerializer},
        summary="Record the judge's one extension of the 24 hours before a judge",
    )
    @action(detail=True, methods=["post"], url_path="hold-extension")
    def hold_extension(self, request: Request, pk: str) -> Response:
        detainee, data = self._input(request, pk, HoldExtensionSerializer)
        services.hold_extension_record(actor=request.user, detainee=detainee, **data.validated_data)
        return self._after(detainee)

    @extend_schema(
        request=AppearanceSerializer,
        responses={200: DetaineeSerializer},
        summary="Record the appearance before the investigative judge and the questioning",
    )
    @action(detail=True, methods=["post"])
    def appearance(self, request: Request, pk: str) -> Response:
        detainee, data = self._input(request, pk, AppearanceSerializer)
        services.appearance_record(actor=request.user, detainee=detainee, **data.validated_data)
        return self._after(detainee)

    def _input(
        self, request: Request, pk: str, serializer: type[serializers.Serializer]
    ) -> tuple[Detainee, serializers.Serializer]:
        """The detainee through the door (404 when out of scope) and the body, checked (a 400
        problem that says why). The service checks the right to work on the case."""
        detainee = access.get_or_404(
            request.user, "view", Detainee.objects.select_related("case"), pk=pk
        )
        data = serializer(data=request.data)
        data.is_valid(raise_exception=True)
        return detainee, data

    def _after(self, detainee: Detainee, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_object()
        context = self.get_serializer_context()
        context["visible_persons"] = selectors.visible_person_ids(self.request.user, [fresh])
        return Response(DetaineeSerializer(fresh, context=context).data, status=code)

    @extend_schema(
        request=TransferCreateSerializer,
        responses={201: DetaineeSerializer},
        summary="Record a transfer to another place of detention",
    )
    @action(detail=True, methods=["post"])
    def transfers(self, request: Request, pk: str) -> Response:
        detainee, data = self._input(request, pk, TransferCreateSerializer)
        v = dict(data.validated_data)
        from_unit = v.pop("from_unit", None)
        services.transfer_record(
            actor=request.user,
            detainee=detainee,
            seen=(v.pop("from_place"), from_unit.pk if from_unit else None),
            **v,
        )
        return self._after(detainee, status.HTTP_201_CREATED)

    @extend_schema(
        request=ReleaseSerializer,
        responses={200: DetaineeSerializer},
        summary="Record the release and its legal basis",
    )
    @action(detail=True, methods=["post"])
    def release(self, request: Request, pk: str) -> Response:
        detainee, data = self._input(request, pk, ReleaseSerializer)
        services.release_record(actor=request.user, detainee=detainee, **data.validated_data)
        return self._after(detainee)


routes.register("detainees", DetaineeViewSet, "detainee")
