"""The signed-in user's own work across cases, mounted at /my/ (not under one case)."""

from django.urls import path

from . import views

app_name = "mywork"
urlpatterns = [path("tasks/", views.my_tasks, name="tasks")]
