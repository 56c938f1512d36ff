from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dalil.access.models import Assignment, Role, RolePermission
from dalil.accounts.models import Unit, User
from dalil.audit import alerts, registry
from dalil.audit.models import Alert, Entry
from dalil.core import dates
from dalil.core.text import validate_no_bidi

from . import services
from .models import ApiToken


class StrictInput(serializers.Serializer):
    """R-08: a write body may name only the writable fields; anything else is refused. As on every
    input path, text may not carry invisible direction controls, nor a date a year before 1900."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for field in fields.values():
            if isinstance(field, serializers.CharField):
                field.validators.append(validate_no_bidi)
            elif isinstance(field, serializers.DateField | serializers.DateTimeField):
                field.validators.append(dates.validate_year)
        return fields

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, dict):
            writable = {name for name, f in self.fields.items() if not f.read_only}
            unknown = sorted(str(k) for k in data if k not in writable)
            if unknown:
                raise serializers.ValidationError(
                    {k: [_("Unknown field: it cannot be set here.")] for k in unknown}
                )
        return super().to_internal_value(data)


# --- Problems (for the schema only) ------------------------------------------------------------------
class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField(required=False)
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


# --- Organisation ----------------------------------------------------------------------------------
class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    governorate = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    name = serializers.SerializerMethodField()

    class Meta:
        model = Unit
        fields = [
            "code",
            "name",
            "name_ar",
            "name_ckb",
            "name_en",
            "kind",
            "parent",
            "governorate",
            "path",
            "is_active",
        ]
        read_only_fields = fields

    def get_name(self, obj: Unit) -> str:
        return str(obj)


class UnitCreateSerializer(StrictInput):
    parent = serializers.CharField(
        max_length=40, help_text=gettext_lazy("Code of the parent unit (one you manage).")
    )
    code = serializers.CharField(max_length=40)
    kind = serializers.ChoiceField(choices=Unit.Kind.choices)
    name_ar = serializers.CharField(max_length=200)
    name_ckb = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    governorate = serializers.CharField(
        max_length=6,
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("ISO 3166-2 code; the parent's by default."),
    )


class RoleBriefSerializer(serializers.Serializer):
    role = serializers.CharField(source="role.code")
    unit = serializers.CharField(source="unit.code")
    include_subtree = serializers.BooleanField()
    # A grant that opens content waits for a second person; until then it opens nothing.
    approved = serializers.SerializerMethodField()

    def get_approved(self, obj: Assignment) -> bool:
        return obj.approved_at is not None


class UserSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = User
        fields = [
            "username",
            "full_name",
            "full_name_latin",
            "badge_number",
            "unit",
            "language",
            "is_active",
            "is_locked",
            "date_joined",
        ]
        read_only_fields = fields


class UserUpdateSerializer(StrictInput):
    full_name = serializers.CharField(max_length=200, required=False)
    full_name_latin = serializers.CharField(max_length=200, required=False, allow_blank=True)
    badge_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=User.Language.choices, required=False)
    is_active = serializers.BooleanField(required=False)


class MeSerializer(UserSerializer):
    roles = serializers.SerializerMethodField()

    class Meta(UserSerializer.Meta):
        fields = [*UserSerializer.Meta.fields, "roles"]
        read_only_fields = fields

    @extend_schema_field(RoleBriefSerializer(many=True))
    def get_roles(self, obj: User) -> list[dict[str, Any]]:
        rows = (
            Assignment.objects.filter(user=obj)
            .select_related("role", "unit")
            .order_by("role__code", "unit__path")
        )
        return RoleBriefSerializer(rows, many=True).data


class RoleSerializer(serializers.ModelSerializer):
    permissions = serializers.SerializerMethodField()
    requested_permissions = serializers.SerializerMethodField()

    class Meta:
        model = Role
        fields = ["code", "name_ar", "name_ckb", "name_en", "permissions", "requested_permissions"]
        read_only_fields = fields

    def get_permissions(self, obj: Role) -> list[str]:
        """The permissions in force."""
        return sorted(p.code for p in obj.permissions.all() if p.approved_at is not None)

    def get_requested_permissions(self, obj: Role) -> list[str]:
        """Permissions asked for, waiting for a second person (they open nothing yet)."""
        return sorted(p.code for p in obj.permissions.all() if p.approved_at is None)


class RoleFullSerializer(RoleSerializer):
    class Meta(RoleSerializer.Meta):
        fields = [*RoleSerializer.Meta.fields, "description"]
        read_only_fields = fields


# --- Grants waiting for a second person (ADR 0014) ---------------------------------------------------
class GrantRequestSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username")
    role = serializers.CharField(source="role.code")
    unit = serializers.CharField(source="unit.code")
    requested_by = serializers.SerializerMethodField()
    requested_at = serializers.DateTimeField(source="created_at")
    approved = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id",
            "user",
            "role",
            "unit",
            "include_subtree",
            "requested_by",
            "requested_at",
            "approved",
        ]
        read_only_fields = fields

    def get_requested_by(self, obj: Assignment) -> str:
        return obj.requested_by.username if obj.requested_by else ""

    def get_approved(self, obj: Assignment) -> bool:
        return obj.approved_at is not None


class RoleRequestSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="role.code")
    permission = serializers.CharField(source="code")
    requested_by = serializers.SerializerMethodField()
    approved = serializers.SerializerMethodField()

    class Meta:
        model = RolePermission
        fields = ["id", "role", "permission", "requested_by", "requested_at", "approved"]
        read_only_fields = fields

    def get_requested_by(self, obj: RolePermission) -> str:
        return obj.requested_by.username if obj.requested_by else ""

    def get_approved(self, obj: RolePermission) -> bool:
        return obj.approved_at is not None


# --- Alerts to auditors ---------------------------------------------------------------------------
class AlertSerializer(serializers.ModelSerializer):
    kind_label = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id",
            "kind",
            "kind_label",
            "raised_at",
            "facts",
            "entries",
            "acknowledged_at",
            "acknowledged_by",
            "note",
        ]
        read_only_fields = fields

    def get_kind_label(self, obj: Alert) -> str:
        return alerts.kind_label(obj.kind)


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(min_length=5, max_length=2000)


# --- The ledger ------------------------------------------------------------------------------------
class EntrySerializer(serializers.ModelSerializer):
    action_label = serializers.SerializerMethodField()
    payload = serializers.SerializerMethodField()

    class Meta:
        model = Entry
        fields = [
            "seq",
            "ts",
            "actor_id",
            "actor",
            "source",
            "action",
            "action_label",
            "target_type",
            "target_id",
            "target_label",
            "payload",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields

    def get_action_label(self, obj: Entry) -> str:
        return registry.label(obj.action)

    @extend_schema_field({"type": "object", "additionalProperties": True})
    def get_payload(self, obj: Entry) -> Any:
        import json

        try:
            return json.loads(obj.payload)
        except ValueError:
            return {}


# --- Tokens ----------------------------------------------------------------------------------------
class TokenSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="key_id", read_only=True)
    status = serializers.ChoiceField(choices=["active", "expired", "revoked"], read_only=True)

    class Meta:
        model = ApiToken
        fields = ["id", "name", "status", "created_at", "expires_at", "revoked_at", "last_used_at"]
        read_only_fields = fields


class TokenCreateSerializer(StrictInput):
    name = serializers.CharField(max_length=100)
    days = serializers.IntegerField(
        min_value=1,
        max_value=services.MAX_DAYS,
        default=services.DEFAULT_DAYS,
        help_text=gettext_lazy("Validity in days (default 90, at most 365)."),
    )


class TokenCreatedSerializer(TokenSerializer):
    secret = serializers.CharField(
        read_only=True, help_text=gettext_lazy("Shown once; only its SHA-256 is stored.")
    )

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "secret"]
        read_only_fields = fields
