"""Crime scene pages, under /scenes/."""

from django.urls import path

from . import views

app_name = "scenes"
urlpatterns = [
    path("", views.scene_list, name="list"),
    path("record/<str:number>/", views.scene_create, name="create"),
    path("<str:scene>/", views.scene_detail, name="detail"),
    path("<str:scene>/edit/", views.scene_edit, name="edit"),
    path("<str:scene>/cordon/", views.cordon_enter, name="cordon_enter"),
    path("<str:scene>/cordon/<int:pk>/out/", views.cordon_leave, name="cordon_leave"),
    path("<str:scene>/photos/new/", views.photo_add, name="photo_add"),
    path("<str:scene>/photos/<int:seq>/", views.photo_file, name="photo_file"),
]
