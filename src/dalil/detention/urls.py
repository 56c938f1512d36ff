from django.urls import URLPattern

app_name = "detention"
urlpatterns: list[URLPattern] = []
