from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("", views.root, name="root"),
    path("home/", views.home, name="home"),
    path("ops/", views.ops_home, name="ops_home"),
]
