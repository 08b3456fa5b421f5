"""URL configuration: dashboard apps, allauth, the developer API, Django admin."""

from types import ModuleType

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from dropyard.checkout import urls as checkout_urls
from dropyard.config.api import api
from dropyard.core import views as core_views
from dropyard.inventory import urls_private as inventory_private_urls
from dropyard.inventory import urls_shipping as inventory_shipping_urls
from dropyard.logistics import urls as logistics_urls
from dropyard.orders import urls as order_urls
from dropyard.orders import urls_ops as order_ops_urls
from dropyard.wallet import urls as wallet_urls
from dropyard.wallet import urls_providers as wallet_provider_urls
from dropyard.wallet import urls_providers_ops as wallet_provider_ops_urls

# The admin's own login form would skip email verification, two-factor login and allauth's
# throttling: send it to allauth's login instead.
admin.site.login = secure_admin_login(admin.site.login)


def _joined(app_urls: ModuleType, extra: list, *, first: list | None = None) -> tuple:
    """One URL namespace served by two apps: the app's pages (the wallet's, the orders'), and
    the checkout's pages that moved up out of it and kept their URLs and names — after the
    app's patterns, or ``first`` before them where the moved ones must keep resolving first."""
    return include(([*(first or []), *app_urls.urlpatterns, *extra], app_urls.app_name))


urlpatterns = [
    path("", include("dropyard.dashboard.urls")),
    # Store webhooks (/stores/webhooks/…) and the Sandbox store (/sandbox-store/…): public.
    path("", include("dropyard.stores.urls_public")),
    path("accounts/", include("allauth.urls")),
    path("account/", include("dropyard.accounts.urls")),
    path("supplier/", include("dropyard.accounts.urls_supplier")),
    path("ops/accounts/", include("dropyard.accounts.urls_ops")),
    path("ops/catalog/", include("dropyard.catalog.urls_ops")),
    path("ops/inventory/", include("dropyard.inventory.urls_ops")),
    path("ops/logistics/", include("dropyard.logistics.urls_ops")),
    path("ops/fulfillment/", include("dropyard.fulfillment.urls_ops")),
    path("messages/", include("dropyard.sourcing.urls")),
    path("sourcing/", include("dropyard.sourcing.urls_requests")),
    path("ops/sourcing/", include("dropyard.sourcing.urls_desk")),
    path("price-requests/", include("dropyard.sourcing.urls_prices")),
    path("supplier/portal/", include("dropyard.suppliers.urls_portal")),
    path("ops/suppliers/", include("dropyard.suppliers.urls_ops")),
    path("after-sales/files/", include("dropyard.aftersales.urls_files")),
    path("after-sales/", include("dropyard.aftersales.urls")),
    path("ops/after-sales/", include("dropyard.aftersales.urls_ops")),
    path("orders/", _joined(order_urls, [], first=checkout_urls.order_urlpatterns)),
    path("ops/orders/", _joined(order_ops_urls, [], first=checkout_urls.ops_order_urlpatterns)),
    path("fulfillment/", include("dropyard.fulfillment.urls")),
    path("stores/", include("dropyard.stores.urls")),
    path("webhooks/", include("dropyard.webhooks.urls")),
    path("ops/webhooks/", include("dropyard.webhooks.urls_ops")),
    path(
        "wallet/providers/",
        _joined(wallet_provider_urls, checkout_urls.provider_urlpatterns),
    ),
    path("wallet/", _joined(wallet_urls, checkout_urls.wallet_urlpatterns)),
    path(
        "ops/wallet/providers/",
        _joined(wallet_provider_ops_urls, checkout_urls.provider_ops_urlpatterns),
    ),
    path("ops/wallet/", include("dropyard.wallet.urls_ops")),
    path("catalog/", include("dropyard.inventory.urls_catalog")),
    # The merchant's private stock, its ledger, the purchase cart and orders (inventory) and
    # the purchase orders' payment page (checkout, above the wallet).
    path(
        "private-stock/",
        _joined(inventory_private_urls, checkout_urls.private_stock_urlpatterns),
    ),
    # /shipping/ is one "logistics" namespace served by two apps: default lines (logistics) and
    # the freight calculator and cannot-ship check, which read stock (inventory, above it).
    path(
        "shipping/",
        include(
            (
                [*logistics_urls.urlpatterns, *inventory_shipping_urls.urlpatterns],
                logistics_urls.app_name,
            )
        ),
    ),
    path("track/", include("dropyard.logistics.urls_tracking")),
    path("system/", include("dropyard.core.urls")),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("api2.0/v1/", api.urls),
    path("django-admin/", admin.site.urls),
]

# Django's own refusals (oversized form fields, a bad Host header) in the site's 400 page.
handler400 = "dropyard.core.middleware.bad_request"

if settings.DROPYARD_SERVE_MEDIA:
    # Public uploads (product and review images) on the embedded install. Behind a web server or
    # with object storage, turn this off and let them serve /media/. Private uploads (supplier
    # documents) live outside MEDIA_ROOT and are never served here.
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", core_views.media, name="media"))
