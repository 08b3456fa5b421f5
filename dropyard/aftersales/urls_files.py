from django.urls import path

from . import views_files

app_name = "aftersales_files"

urlpatterns = [path("<str:token>/", views_files.file, name="file")]
