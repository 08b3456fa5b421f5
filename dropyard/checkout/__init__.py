"""Checkout: the order workflows that need the wallet, above ``orders``, ``fulfillment`` and
``wallet``.

One payment pipeline (``services``) for the wallet and for card / PayPal page payments, the
providers' verified events that settle money (``provider_events``, ``tasks``); creating an order
and paying it from the wallet (``creation``, createOrderV2 payType 2); cancelling an order or a
parcel's unshipped remainder with its refund (``cancellation``); and the pages and API
endpoints for them (``views``, ``views_providers``, ``views_orders``, ``api``; createOrderV2/V3
are served by ``stores.api_orders``, which links an order to the store ``storeName`` names),
served under the URLs, names and OpenAPI ids they had in the wallet and orders apps
(``config.urls`` joins the patterns into their namespaces). It calls down into the wallet's,
the orders' and fulfillment's services; none of them imports it.

A plain package, not a Django app: it has no models, migrations, templates or admin (its pages
render the wallet's and the orders' templates), so nothing needs registering.
"""
