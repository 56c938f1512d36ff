from django.urls import include, path

urlpatterns = [
    path("", include("dalil.ui.urls")),
    path("accounts/", include("dalil.accounts.urls")),
    path("admin/", include("dalil.accounts.admin_urls")),
    path("access/", include("dalil.access.urls")),
    path("audit/", include("dalil.audit.urls")),
    path("vault/", include("dalil.core.urls")),
]
