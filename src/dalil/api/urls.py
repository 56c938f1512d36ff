import importlib

from django.apps import apps
from django.urls import URLPattern, URLResolver, include, path
from django.utils.module_loading import module_has_submodule
from rest_framework.routers import SimpleRouter

from . import routes, ui_views, views

router = SimpleRouter()
router.register("units", views.UnitViewSet, basename="unit")
router.register("users", views.UserViewSet, basename="user")
router.register("roles", views.RoleViewSet, basename="role")
router.register("ledger", views.LedgerViewSet, basename="entry")
router.register("alerts", views.AlertViewSet, basename="alert")
router.register("grant-requests", views.GrantRequestViewSet, basename="grant-request")
router.register("role-requests", views.RoleRequestViewSet, basename="role-request")
router.register("tokens", views.TokenViewSet, basename="token")
# Then what every app registered in its own api.py (dalil.api.routes), in INSTALLED_APPS order.
for config in apps.get_app_configs():
    if config.name.startswith("dalil.") and module_has_submodule(config.module, "api"):
        importlib.import_module(f"{config.name}.api")
for basename, (prefix, viewset) in routes.ROUTES.items():
    router.register(prefix, viewset, basename=basename)

app_name = "api"
urlpatterns: list[URLPattern | URLResolver] = [
    path("v1/me/", views.MeView.as_view(), name="me"),
    path("v1/", include(router.urls)),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", ui_views.docs, name="docs"),
    path("tokens/", ui_views.token_list, name="token_list"),
    path("tokens/<str:key_id>/revoke/", ui_views.token_revoke, name="token_revoke"),
]
