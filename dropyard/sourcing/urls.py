from django.urls import path

from . import views

app_name = "sourcing"
urlpatterns = [
    path("", views.thread, name="messages"),
    path("ops/", views.ops_threads, name="ops_threads"),
    path("ops/<int:pk>/", views.ops_thread, name="ops_thread"),
]
