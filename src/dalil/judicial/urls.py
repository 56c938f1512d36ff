from django.urls import URLPattern

app_name = "judicial"
urlpatterns: list[URLPattern] = []
