"""REST API (v1) for persons and phones, mounted by dalil.api.urls: every queryset through the door,
every write through the services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from dalil import access
from dalil.accounts.models import Unit
from dalil.api import routes
from dalil.api.serializers import StrictInput
from dalil.api.views import ApiMixin

from . import services
from .models import IdentityDocument, Person, Phone


class DocumentSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="Document type code")

    class Meta:
        model = IdentityDocument
        fields = ["kind", "number", "issuing_country", "issuing_authority"]


class PersonSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    name_ar = serializers.CharField(read_only=True)
    name_latin = serializers.CharField(read_only=True)
    aliases = serializers.SerializerMethodField()
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "unit",
            "name_ar",
            "name_latin",
            *Person.AR_PARTS,
            *Person.LATIN_PARTS,
            "sex",
            "birth_year",
            "birth_month",
            "birth_day",
            "nationality",
            "aliases",
            "documents",
            "created_at",
        ]

    @extend_schema_field({"type": "array", "items": {"type": "string"}})
    def get_aliases(self, obj: Person) -> list[str]:
        return [a.name for a in obj.aliases.all()]


class PersonCreateSerializer(StrictInput):
    unit = serializers.CharField(max_length=150, help_text="Code of the recording unit")
    given_name_ar = serializers.CharField(max_length=60)
    father_name_ar = serializers.CharField(max_length=60, required=False, allow_blank=True)
    grandfather_name_ar = serializers.CharField(max_length=60, required=False, allow_blank=True)
    family_name_ar = serializers.CharField(max_length=80, required=False, allow_blank=True)
    given_name_latin = serializers.CharField(max_length=60, required=False, allow_blank=True)
    father_name_latin = serializers.CharField(max_length=60, required=False, allow_blank=True)
    grandfather_name_latin = serializers.CharField(max_length=60, required=False, allow_blank=True)
    family_name_latin = serializers.CharField(max_length=80, required=False, allow_blank=True)
    sex = serializers.ChoiceField(choices=Person.Sex.choices, required=False)  # m, f, u
    birth_year = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=9999
    )
    birth_month = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=12
    )
    birth_day = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=31)
    nationality = serializers.CharField(max_length=2, required=False)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=120), required=False, max_length=20
    )
    confirm_duplicate = serializers.BooleanField(required=False, default=False)


class PhoneSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Phone
        fields = ["id", "unit", "number", "national", "note", "created_at"]


MAX_ID = 2**63 - 1
_ID = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    OpenApiParameter.PATH,
    description="Person number",
)


@extend_schema_view(retrieve=extend_schema(parameters=[_ID]))
class PersonViewSet(
    ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = PersonSerializer
    lookup_value_regex = r"[0-9]+"

    def _qs(self) -> QuerySet[Person]:
        return Person.objects.select_related("unit").prefetch_related("aliases", "documents")

    def get_queryset(self) -> QuerySet[Person]:
        return access.scope(self.request.user, "view", self._qs().order_by("pk"))

    def get_object(self) -> Person:
        pk = int(self.kwargs["pk"])
        if not 1 <= pk <= MAX_ID:
            raise Http404
        return access.get_or_404(self.request.user, "view", self._qs(), pk=pk)

    @extend_schema(
        request=PersonCreateSerializer,
        responses={201: PersonSerializer},
        summary="Record a person (possible duplicates are refused unless confirm_duplicate)",
    )
    def create(self, request: Request) -> Response:
        data = PersonCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v: dict[str, Any] = dict(data.validated_data)
        unit = access.get_or_404(request.user, "view", Unit.objects.all(), code=v.pop("unit"))
        person = services.person_create(
            actor=request.user,
            unit=unit,
            aliases=v.pop("aliases", []),
            confirm_duplicate=v.pop("confirm_duplicate", False),
            **v,
        )
        return Response(
            PersonSerializer(self._qs().get(pk=person.pk)).data, status=status.HTTP_201_CREATED
        )


class PhoneViewSet(ApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = PhoneSerializer

    def get_queryset(self) -> QuerySet[Phone]:
        return access.scope(
            self.request.user, "view", Phone.objects.select_related("unit").order_by("number")
        )


routes.register("persons", PersonViewSet, "person")
routes.register("phones", PhoneViewSet, "phone")
