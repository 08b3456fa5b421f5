"""Checkout: paying for orders, above ``orders``, ``fulfillment`` and ``wallet``.

One payment pipeline (``services``) for the wallet and for card / PayPal page payments, the
providers' verified events that settle money (``provider_events``, ``tasks``), and the pages and
API endpoints that pay orders (``views``, ``views_providers``, ``api``; served under the
wallet's URLs, names and OpenAPI ids). It calls down into the wallet's and the orders'
services; neither of them imports it (``wallet.payments`` is a temporary bridge, see there).

A plain package, not a Django app: it has no models, migrations, templates or admin (its pages
render the wallet's templates), so nothing needs registering.
"""
