"""Finance back office for payment providers: the provider events log.

Retrying an event (``events/<pk>/retry/``) is the checkout's
(``checkout.urls.provider_ops_urlpatterns``, joined in ``config.urls``).
"""

from django.urls import path

from . import views_providers as views

app_name = "wallet_providers_ops"
urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
]
