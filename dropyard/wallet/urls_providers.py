"""Card (Stripe) and PayPal: the merchant's top-up start page.

The rest of this namespace — return pages, PayPal captures, the providers' webhooks — is the
checkout's (``checkout.urls.provider_urlpatterns``, joined in ``config.urls``).
"""

from django.urls import path

from . import views_providers as views

app_name = "wallet_providers"
urlpatterns = [
    path("topup/", views.topup_start, name="topup_start"),
]
