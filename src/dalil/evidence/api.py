"""REST API of the evidence register: /api/v1/evidence/items/ (list, record, one item with its
chain of custody, hand over, receive, withdraw) and /api/v1/evidence/locations/. Items are opened
through the door; writes go through the services, so the API and the pages refuse the same things
with the same messages. A hand-over that lost a race answers 409 and writes nothing. Receiving
through the API is the caller's own receipt (their token is their credential)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from dalil import access
from dalil.accounts.models import User
from dalil.api import routes
from dalil.api.serializers import StrictInput
from dalil.api.views import IDENTIFIER, ApiMixin
from dalil.cases import selectors as case_selectors

from . import selectors, services
from .models import HAZARDS, Category, CustodyEvent, Item, SealState, StorageLocation

_ITEM = OpenApiParameter(
    "number",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Item number (EV-2026-000123)",
    pattern=f"^{IDENTIFIER}$",
)


class CustodyConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _party(user: User | None, location: StorageLocation | None) -> dict[str, Any] | None:
    if user is not None:
        return {"user": user.username, "name": user.full_name}
    if location is not None:
        return {"location": location.code, "unit": location.unit.code, "name": location.name}
    return None


# --- Serializers ----------------------------------------------------------------------------------
class CustodianSerializer(serializers.Serializer):
    """For the schema: a person or a store."""

    user = serializers.CharField(required=False)
    location = serializers.CharField(required=False)
    unit = serializers.CharField(required=False)
    name = serializers.CharField()


@extend_schema_field(CustodianSerializer(allow_null=True))
class PartyField(serializers.Field):
    """A person ({"user", "name"}) or a store ({"location", "unit", "name"}), or null."""

    def __init__(self, user: str, location: str, **kwargs: Any) -> None:
        self.user_attr, self.location_attr = user, location
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj: Any) -> Any:
        return _party(getattr(obj, self.user_attr), getattr(obj, self.location_attr))


class CustodyEventSerializer(serializers.ModelSerializer):
    # Declared, not derived: a model field's range differs between SQLite and PostgreSQL, and the
    # committed schema must be the same on both.
    seq = serializers.IntegerField(read_only=True)
    ledger_seq = serializers.IntegerField(read_only=True)
    source = PartyField("from_user", "from_location")
    destination = PartyField("to_user", "to_location")
    recorded_by = serializers.CharField(source="recorded_by.username", default=None, read_only=True)

    class Meta:
        model = CustodyEvent
        fields = [
            "seq",
            "kind",
            "at",
            "source",
            "destination",
            "purpose",
            "seal_number",
            "seal_state",
            "notes",
            "recorded_by",
            "ledger_seq",
        ]


class ItemSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(read_only=True)
    case = serializers.CharField(source="case.number", read_only=True)
    unit = serializers.CharField(source="unit.code", read_only=True)
    holder = PartyField("holder_user", "holder_location")
    transit_to = PartyField("transit_to_user", "transit_to_location")
    collected_by = serializers.CharField(source="collected_by.username", read_only=True)
    scene = serializers.CharField(source="scene.number", default=None, read_only=True)

    class Meta:
        model = Item
        fields = [
            "number",
            "case",
            "scene",
            "unit",
            "description",
            "category",
            "quantity",
            "quantity_unit",
            "hazards",
            "collected_at",
            "collected_by",
            "collected_from",
            "method",
            "packaging",
            "seal_number",
            "seal_state",
            "state",
            "holder",
            "transit_to",
            "version",
        ]


class ItemDetailSerializer(ItemSerializer):
    custody = serializers.SerializerMethodField()

    class Meta(ItemSerializer.Meta):
        fields = [*ItemSerializer.Meta.fields, "custody"]

    @extend_schema_field(CustodyEventSerializer(many=True))
    def get_custody(self, obj: Item) -> Any:
        return CustodyEventSerializer(self.context["custody"], many=True).data


class ItemCreateSerializer(StrictInput):
    case = serializers.CharField(max_length=60, help_text="Case number")
    scene = serializers.CharField(
        max_length=40,
        required=False,
        allow_null=True,
        default=None,
        help_text="Number of the case's scene where the item was collected",
    )
    description = serializers.CharField(max_length=4000)
    category = serializers.ChoiceField(choices=Category.choices)
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3, min_value=0)
    quantity_unit = serializers.ChoiceField(choices=Item.QuantityUnit.choices)
    seal_number = serializers.CharField(max_length=40)
    collected_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    collected_from = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    method = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    packaging = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    hazards = serializers.ListField(
        child=serializers.ChoiceField(choices=HAZARDS), required=False, default=list, max_length=10
    )


class HandOverSerializer(StrictInput):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    to_user = serializers.CharField(max_length=150, required=False, allow_null=True, default=None)
    to_location = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, allow_null=True, default=None
    )
    purpose = serializers.CharField(max_length=300)
    seal_state = serializers.ChoiceField(choices=SealState.choices, default=SealState.INTACT)
    seal_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReceiptSerializer(StrictInput):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    seal_state = serializers.ChoiceField(choices=SealState.choices, default=SealState.INTACT)
    seal_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class WithdrawSerializer(StrictInput):
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    reason = serializers.CharField(max_length=500)


class LocationSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    parent = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = StorageLocation
        fields = [
            "id",
            "unit",
            "code",
            "name",
            "kind",
            "parent",
            "categories",
            "capacity_note",
            "is_active",
        ]


# --- Views ----------------------------------------------------------------------------------------
@extend_schema_view(
    list=extend_schema(summary="The evidence items the caller may see, newest first"),
)
class ItemViewSet(ApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Evidence items. Reading: through the case, or the custodians of the item's unit, or the
    person who holds it. Recording: work on the case. Hand-over: the holder (for a store, its
    custodians); receipt: the receiver (into a store, its custodians)."""

    serializer_class = ItemSerializer
    queryset = Item.objects.none()  # for the schema; get_queryset() scopes each request
    lookup_field = "number"
    lookup_value_regex = IDENTIFIER
    filterset_class = None

    def get_queryset(self) -> QuerySet[Item]:
        return selectors.item_list(self.request.user).select_related("collected_by").order_by("-pk")

    def _item(self) -> Item:
        return selectors.item_for(self.request.user, self.kwargs["number"])

    def _detail(self, item: Item, code: int = status.HTTP_200_OK) -> Response:
        item = selectors.item_for(self.request.user, item.number)
        custody = selectors.custody_of(self.request.user, item)
        return Response(ItemDetailSerializer(item, context={"custody": custody}).data, status=code)

    @extend_schema(
        parameters=[_ITEM],
        responses=ItemDetailSerializer,
        summary="One item with its chain of custody",
    )
    def retrieve(self, request: Request, number: str) -> Response:
        return self._detail(self._item())

    @extend_schema(
        request=ItemCreateSerializer,
        responses={201: ItemDetailSerializer},
        summary="Record an item in a case",
    )
    def create(self, request: Request) -> Response:
        data = ItemCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        case = case_selectors.case_for(request.user, v.pop("case"), "work")
        scene_number = v.pop("scene")
        if scene_number:
            v["scene"] = selectors.scenes_of(request.user, case).filter(number=scene_number).first()
            if v["scene"] is None:
                raise exceptions.ValidationError(
                    {"scene": [gettext("No scene of this case has this number.")]}
                )
        item = services.item_record(actor=request.user, case=case, **v)
        return self._detail(item, status.HTTP_201_CREATED)

    def _guarded(self, act: Any) -> Response:
        """The item as it is after the step; 204 when the caller no longer sees it (a receiver who
        declined, a person who handed it to another unit)."""
        try:
            item = act()
        except services.Conflict as exc:
            raise CustodyConflict(str(exc)) from exc
        if not access.can(self.request.user, "view", item):
            return Response(status=status.HTTP_204_NO_CONTENT)
        return self._detail(item)

    @extend_schema(
        parameters=[_ITEM],
        request=HandOverSerializer,
        responses={200: ItemDetailSerializer, 204: None},
        summary="Hand the item over (it is in transit until received)",
    )
    @action(detail=True, methods=["post"], url_path="hand-over")
    def hand_over(self, request: Request, number: str) -> Response:
        item = self._item()
        data = HandOverSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        # An unknown name or store is passed on as one nobody may receive, so it is refused with
        # the words an ineligible receiver gets (no probing of names).
        to_user = v.pop("to_user")
        to_location = v.pop("to_location")
        user = (
            (User.objects.filter(username=to_user.strip().lower()).first() or User(is_active=False))
            if to_user
            else None
        )
        location = (
            (
                StorageLocation.objects.filter(pk=to_location).first()
                or StorageLocation(is_active=False)
            )
            if to_location
            else None
        )
        return self._guarded(
            lambda: services.transfer_release(
                actor=request.user, item=item, to_user=user, to_location=location, **v
            )
        )

    @extend_schema(
        parameters=[_ITEM],
        request=ReceiptSerializer,
        responses={200: ItemDetailSerializer, 204: None},
        summary="Confirm receipt (the caller is the receiver)",
    )
    @action(detail=True, methods=["post"])
    def receive(self, request: Request, number: str) -> Response:
        item = self._item()
        data = ReceiptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._guarded(
            lambda: services.transfer_confirm(actor=request.user, item=item, **data.validated_data)
        )

    @extend_schema(
        parameters=[_ITEM],
        request=WithdrawSerializer,
        responses={200: ItemDetailSerializer, 204: None},
        summary="Withdraw or decline a hand-over not yet received",
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, number: str) -> Response:
        item = self._item()
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._guarded(
            lambda: services.transfer_withdraw(actor=request.user, item=item, **data.validated_data)
        )


@extend_schema_view(list=extend_schema(summary="The storage locations the caller may see"))
class LocationViewSet(ApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = LocationSerializer
    queryset = StorageLocation.objects.none()
    filterset_class = None

    def get_queryset(self) -> QuerySet[StorageLocation]:
        return selectors.location_list(self.request.user).order_by("unit__code", "code")


routes.register("evidence/items", ItemViewSet, "evidence-item")
routes.register("evidence/locations", LocationViewSet, "evidence-location")
