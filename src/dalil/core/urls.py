from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.file_list, name="file_list"),
    path("upload/", views.file_upload, name="file_upload"),
    path("files/<int:pk>/download/", views.file_download, name="file_download"),
]
