"""Laboratory pages, under /labs/."""

from django.urls import path

from . import views

app_name = "labs"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("cases/<str:number>/new/", views.request_create, name="create"),
    path("requests/<str:number>/", views.request_detail, name="detail"),
    path("requests/<str:number>/accept/", views.request_accept, name="accept"),
    path("requests/<str:number>/return/", views.request_return, name="return"),
    path("requests/<str:number>/items/<str:item>/send/", views.item_send, name="item_send"),
    path(
        "requests/<str:number>/items/<str:item>/receive/", views.item_receive, name="item_receive"
    ),
]
