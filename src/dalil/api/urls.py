from django.urls import URLPattern, URLResolver, include, path
from rest_framework.routers import SimpleRouter

from dalil.cases import api as case_api
from dalil.casework import api as casework_api
from dalil.detention import api as detention_api
from dalil.judicial import api as judicial_api
from dalil.parties import api as parties_api

from . import ui_views, views

router = SimpleRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("users", views.UserViewSet, basename="user")
router.register("roles", views.RoleViewSet, basename="role")
router.register("ledger", views.LedgerViewSet, basename="entry")
router.register("alerts", views.AlertViewSet, basename="alert")
router.register("grant-requests", views.GrantRequestViewSet, basename="grant-request")
router.register("role-requests", views.RoleRequestViewSet, basename="role-request")
router.register("tokens", views.TokenViewSet, basename="token")
router.register("persons", parties_api.PersonViewSet, basename="person")
router.register("phones", parties_api.PhoneViewSet, basename="phone")
router.register("cases", case_api.CaseViewSet, basename="case")
router.register("detainees", detention_api.DetaineeViewSet, basename="detainee")
router.register(f"{casework_api.CASE_PREFIX}/tasks", casework_api.TaskViewSet, basename="case-task")
router.register(
    f"{casework_api.CASE_PREFIX}/journal", casework_api.JournalViewSet, basename="case-journal"
)
router.register(
    "judicial-requests", judicial_api.JudicialRequestViewSet, basename="judicial-request"
)
router.register(
    "judicial-decisions", judicial_api.JudicialDecisionViewSet, basename="judicial-decision"
)

app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/me/", views.MeView.as_view(), name="me"),
    path("v1/", include(router.urls)),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", ui_views.docs, name="docs"),
    path("tokens/", ui_views.token_list, name="token_list"),
    path("tokens/<str:key_id>/revoke/", ui_views.token_revoke, name="token_revoke"),
]
