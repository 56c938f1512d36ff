"""Evidence register pages, under /evidence/."""

from django.urls import path

from . import desk_views, digital_views, disposal_views, inventory_views, views

app_name = "evidence"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("find/", views.find, name="find"),
    path("awaiting/", views.awaiting, name="awaiting"),
    path("labels/", views.label_batch, name="labels"),
    path("record/<str:number>/", views.item_create, name="item_create"),
    path("items/<str:item>/", views.item_detail, name="item_detail"),
    path("items/<str:item>/hand-over/", views.release, name="release"),
    path("items/<str:item>/receive/", views.receive, name="receive"),
    path("items/<str:item>/receive-here/", views.receive_here, name="receive_here"),
    path("items/<str:item>/withdraw/", views.withdraw, name="withdraw"),
    path("items/<str:item>/label/", views.label, name="label"),
    path("items/<str:item>/custody-report/", views.report, name="report"),
    path("items/<str:item>/custody-bundle/", views.bundle, name="bundle"),
    path("items/<str:item>/disposition/", disposal_views.request_disposition, name="disposition"),
    path("items/<str:item>/disposition/decide/", disposal_views.decide, name="disposition_decide"),
    path(
        "items/<str:item>/disposition/carry-out/",
        disposal_views.execute,
        name="disposition_execute",
    ),
    path(
        "items/<str:item>/disposition/withdraw/",
        disposal_views.withdraw,
        name="disposition_withdraw",
    ),
    path("dispositions/", disposal_views.waiting, name="dispositions"),
    path("items/<str:item>/files/new/", digital_views.file_add, name="file_add"),
    path("items/<str:item>/files/<int:pk>/", digital_views.file_download, name="file_download"),
    path("items/<str:item>/files/<int:pk>/verify/", digital_views.file_verify, name="file_verify"),
    path("locations/", views.location_list, name="location_list"),
    path("locations/new/", views.location_create, name="location_create"),
    path("locations/<int:pk>/", views.location_detail, name="location_detail"),
    path("locations/<int:pk>/audit/", inventory_views.audit_start, name="audit_start"),
    path("locations/<int:pk>/desk/", desk_views.desk_page, name="desk"),
    path("audits/<int:pk>/", inventory_views.audit_detail, name="audit_detail"),
    path("audits/<int:pk>/scan/", inventory_views.audit_scan, name="audit_scan"),
    path("audits/<int:pk>/finish/", inventory_views.audit_finish, name="audit_finish"),
]
