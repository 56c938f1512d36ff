from django.urls import path

from . import views

app_name = "parties"
urlpatterns = [
    path("", views.entity_list, name="list"),
    path("pick/", views.entity_pick, name="pick"),
    path("persons/new/", views.person_create, name="person_create"),
    path("persons/<int:pk>/", views.person_detail, name="person_detail"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/aliases/new/", views.alias_add, name="alias_add"),
    path("persons/<int:pk>/documents/new/", views.document_add, name="document_add"),
    path("<str:kind>/new/", views.entity_create, name="entity_create"),
    path("<str:kind>/<int:pk>/", views.entity_detail, name="entity_detail"),
    path("<str:kind>/<int:pk>/edit/", views.entity_edit, name="entity_edit"),
    path("<str:kind>/<int:pk>/links/new/", views.link_create, name="link_create"),
]
