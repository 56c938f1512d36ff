from django.urls import include, path

urlpatterns = [
    path("", include("dalil.ui.urls")),
    path("accounts/", include("dalil.accounts.urls")),
    path("admin/", include("dalil.accounts.admin_urls")),
    path("access/", include("dalil.access.urls")),
    path("parties/", include("dalil.parties.urls")),
    path("audit/", include("dalil.audit.urls")),
    path("vault/", include("dalil.core.urls")),
    path("jobs/", include("dalil.jobs.urls")),
    path("search/", include("dalil.search.urls")),
    path("documents/", include("dalil.reports.urls")),
    path("cases/", include("dalil.cases.urls")),
    path("cases/<str:number>/", include("dalil.casework.urls")),
    path("my/", include("dalil.casework.mine_urls")),
    path("judicial/", include("dalil.judicial.urls")),
    path("detention/", include("dalil.detention.urls")),
    path("evidence/", include("dalil.evidence.urls")),
    path("scenes/", include("dalil.scenes.urls")),
    path("labs/", include("dalil.labs.urls")),
    path("api/", include("dalil.api.urls")),
]
