from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from dalil.accounts.models import Unit, User
from dalil.audit.models import Entry


class UnitFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Unit.Kind.choices, label=_("kind"))
    governorate = filters.CharFilter(
        field_name="governorate__code", label=_("governorate (ISO 3166-2 code)")
    )
    parent = filters.CharFilter(field_name="parent__code", label=_("parent unit code"))
    q = filters.CharFilter(method="search", label=_("code or name contains"))

    class Meta:
        model = Unit
        fields = ["kind", "governorate", "parent", "q"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(
            Q(code__icontains=value)
            | Q(name_ar__icontains=value)
            | Q(name_ckb__icontains=value)
            | Q(name_en__icontains=value)
        )


class UserFilter(filters.FilterSet):
    unit = filters.CharFilter(field_name="unit__code", label=_("unit code"))
    q = filters.CharFilter(method="search", label=_("user name, name or badge contains"))

    class Meta:
        model = User
        fields = ["unit", "q"]

    def search(self, qs: QuerySet, name: str, value: str) -> QuerySet:
        return qs.filter(
            Q(username__icontains=value)
            | Q(full_name__icontains=value)
            | Q(full_name_latin__icontains=value)
            | Q(badge_number__icontains=value)
        )


class EntryFilter(filters.FilterSet):
    actor = filters.CharFilter(
        field_name="actor", lookup_expr="icontains", label=_("actor contains")
    )
    actor_id = filters.NumberFilter(field_name="actor_id", label=_("actor id"))
    action = filters.CharFilter(field_name="action", label=_("action code"))
    target_type = filters.CharFilter(field_name="target_type", label=_("target type"))
    target_id = filters.CharFilter(field_name="target_id", label=_("target id"))
    since = filters.IsoDateTimeFilter(
        field_name="ts", lookup_expr="gte", label=_("from (inclusive)")
    )
    until = filters.IsoDateTimeFilter(
        field_name="ts", lookup_expr="lt", label=_("until (exclusive)")
    )

    class Meta:
        model = Entry
        fields = ["actor", "actor_id", "action", "target_type", "target_id", "since", "until"]
