"""REST API for case work, under a case: /api/v1/cases/<number>/tasks/ (list, create, one task,
complete) and /api/v1/cases/<number>/journal/ (list, write, one entry with its versions, amend).
The case is opened through the door ("view" to read, "work" to write); writes go through the
services, so the API and the pages refuse the same things with the same messages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
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

from dalil.accounts.models import User
from dalil.api import routes
from dalil.api.serializers import StrictInput
from dalil.api.views import IDENTIFIER, ApiMixin
from dalil.cases import selectors as case_selectors
from dalil.cases.models import Case

from . import selectors, services
from .models import JournalEntry, JournalVersion, Task

CASE_PREFIX = rf"cases/(?P<number>{IDENTIFIER})"
MAX_ID = 2**63 - 1

_NUMBER = OpenApiParameter(
    "number",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Case number",
    pattern=f"^{IDENTIFIER}$",
)
_ID = OpenApiParameter(
    "id",
    {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    OpenApiParameter.PATH,
    description="Record number within the case",
)


class JournalConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


# --- Serializers ----------------------------------------------------------------------------------
class TaskSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number", read_only=True)
    assignee = serializers.CharField(source="assignee.username", default=None, read_only=True)
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)
    closed_by = serializers.CharField(source="closed_by.username", default=None, read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "case",
            "title",
            "description",
            "assignee",
            "due_on",
            "priority",
            "status",
            "overdue",
            "created_by",
            "created_at",
            "closed_by",
            "closed_at",
            "close_note",
        ]


class TaskCreateSerializer(StrictInput):
    title = serializers.CharField(max_length=250)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    assignee = serializers.CharField(
        max_length=150, required=False, allow_null=True, default=None, help_text="User name"
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    priority = serializers.ChoiceField(choices=Task.Priority.choices, default=Task.Priority.NORMAL)


class TaskCompleteSerializer(StrictInput):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class VersionSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", default=None, read_only=True)

    class Meta:
        model = JournalVersion
        fields = ["number", "text", "occurred_at", "reason", "author", "created_at"]


class JournalSerializer(serializers.ModelSerializer):
    case = serializers.CharField(source="case.number", read_only=True)
    author = serializers.CharField(source="author.username", default=None, read_only=True)
    text = serializers.CharField(read_only=True, help_text="The text of the current version")

    class Meta:
        model = JournalEntry
        fields = ["id", "case", "occurred_at", "author", "version", "text", "created_at"]


class JournalDetailSerializer(JournalSerializer):
    versions = serializers.SerializerMethodField()

    class Meta(JournalSerializer.Meta):
        fields = [*JournalSerializer.Meta.fields, "versions"]

    @extend_schema_field(VersionSerializer(many=True))
    def get_versions(self, obj: JournalEntry) -> Any:
        """Every version, the original first (scoped by the view, passed in the context)."""
        return VersionSerializer(self.context["versions"], many=True).data


class JournalCreateSerializer(StrictInput):
    text = serializers.CharField()
    occurred_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Time of the event (default: now)"
    )


class JournalAmendSerializer(StrictInput):
    version = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, help_text="The current version the amendment is based on"
    )
    text = serializers.CharField()
    reason = serializers.CharField(max_length=2000)
    occurred_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Corrected time of the event (default: unchanged)",
    )


# --- Views ----------------------------------------------------------------------------------------
class _CaseChild(ApiMixin, viewsets.GenericViewSet):
    """A viewset under /cases/<number>/: the case opened through the door for each request."""

    lookup_value_regex = r"[0-9]+"
    filterset_class = None

    def case(self, action: str = "view") -> Case:
        return case_selectors.case_for(self.request.user, self.kwargs["number"], action)

    def pk(self) -> int:
        value = int(self.kwargs["pk"])
        if not 1 <= value <= MAX_ID:
            raise exceptions.NotFound()
        return value


@extend_schema_view(
    list=extend_schema(parameters=[_NUMBER], summary="The tasks of a case"),
    retrieve=extend_schema(parameters=[_NUMBER, _ID], summary="One task"),
)
class TaskViewSet(_CaseChild, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The tasks of a case: open ones first, overdue (due before today, Baghdad time) first
    among them. Reading needs the case; writing needs work on it (lead, investigator members,
    commanders)."""

    serializer_class = TaskSerializer
    queryset = Task.objects.none()  # for the schema; get_queryset() scopes each request

    def get_queryset(self) -> QuerySet[Task]:
        return selectors.task_list(self.request.user, self.case()).select_related(
            "created_by", "closed_by"
        )

    def get_object(self) -> Task:
        return selectors.task_for(self.request.user, self.case(), self.pk())

    @extend_schema(
        parameters=[_NUMBER],
        request=TaskCreateSerializer,
        responses={201: TaskSerializer},
        summary="Create a task in a case",
    )
    def create(self, request: Request, number: str) -> Response:
        case = self.case("work")
        data = TaskCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        assignee = None
        if v.get("assignee"):
            # An unknown name is passed on as a user nobody may give a task to, so it is refused at
            # the very point, and with the very words, an ineligible user is (no name probing).
            assignee = User.objects.filter(username=v["assignee"].strip().lower()).first() or User(
                is_active=False
            )
        v["assignee"] = assignee
        task = services.task_create(actor=request.user, case=case, **v)
        return Response(TaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[_NUMBER, _ID],
        request=TaskCompleteSerializer,
        responses=TaskSerializer,
        summary="Mark a task as done",
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, number: str, pk: str) -> Response:
        case = self.case("work")
        task = selectors.task_for(request.user, case, self.pk())
        data = TaskCompleteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.task_complete(actor=request.user, task=task, **data.validated_data)
        return Response(TaskSerializer(task).data)


@extend_schema_view(
    list=extend_schema(parameters=[_NUMBER], summary="The journal of a case, newest first"),
)
class JournalViewSet(_CaseChild, mixins.ListModelMixin):
    """The journal of a case. An entry is never changed: its author amends it by a new version
    with a reason (409 when the entry has moved on since the version given)."""

    serializer_class = JournalSerializer
    queryset = JournalEntry.objects.none()  # for the schema; get_queryset() scopes each request

    def get_queryset(self) -> QuerySet[JournalEntry]:
        return selectors.journal_list(self.request.user, self.case())

    def _detail(self, entry: JournalEntry) -> dict[str, Any]:
        versions = selectors.journal_versions(self.request.user, entry)
        return JournalDetailSerializer(entry, context={"versions": versions}).data

    @extend_schema(
        parameters=[_NUMBER, _ID],
        responses=JournalDetailSerializer,
        summary="One journal entry with every version",
    )
    def retrieve(self, request: Request, number: str, pk: str) -> Response:
        entry = selectors.journal_entry_for(request.user, self.case(), self.pk())
        return Response(self._detail(entry))

    @extend_schema(
        parameters=[_NUMBER],
        request=JournalCreateSerializer,
        responses={201: JournalDetailSerializer},
        summary="Write a journal entry",
    )
    def create(self, request: Request, number: str) -> Response:
        case = self.case("work")
        data = JournalCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.journal_write(actor=request.user, case=case, **data.validated_data)
        entry = selectors.journal_entry_for(request.user, case, entry.pk)
        return Response(self._detail(entry), status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[_NUMBER, _ID],
        request=JournalAmendSerializer,
        responses={201: JournalDetailSerializer},
        summary="Amend a journal entry by a new version (its author only)",
    )
    @action(detail=True, methods=["post"])
    def amend(self, request: Request, number: str, pk: str) -> Response:
        case = self.case("work")
        entry = selectors.journal_entry_for(request.user, case, self.pk())
        data = JournalAmendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.journal_amend(actor=request.user, entry=entry, **data.validated_data)
        except services.Conflict as exc:
            raise JournalConflict(str(exc)) from exc
        entry = selectors.journal_entry_for(request.user, case, entry.pk)
        return Response(self._detail(entry), status=status.HTTP_201_CREATED)


routes.register(f"{CASE_PREFIX}/tasks", TaskViewSet, "case-task")
routes.register(f"{CASE_PREFIX}/journal", JournalViewSet, "case-journal")
