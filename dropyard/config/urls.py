"""URL configuration: dashboard apps, allauth, the developer API, Django admin."""

from django.contrib import admin
from django.urls import include, path

from dropyard.config.api import api

urlpatterns = [
    path("", include("dropyard.dashboard.urls")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("dropyard.accounts.urls")),
    path("supplier/", include("dropyard.accounts.urls_supplier")),
    path("ops/accounts/", include("dropyard.accounts.urls_ops")),
    path("messages/", include("dropyard.sourcing.urls")),
    path("system/", include("dropyard.core.urls")),
    path("api2.0/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]
