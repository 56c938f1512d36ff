from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("break-glass/", views.break_glass_list, name="break_glass_list"),
    path("break-glass/open/", views.break_glass, name="break_glass"),
    path("explain/", views.explain, name="explain"),
]
