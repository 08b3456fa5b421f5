"""TEMPORARY BRIDGE (issue 9) — delete once the orders app stops importing from here.

Paying orders moved up out of the wallet into the checkout (``checkout.services``), and what an
order was paid is a wallet read (``wallet.selectors``). The orders app, which must not be edited
while it is being split, still imports two names from this old path:

- ``pay_from_wallet`` — ``orders.services.order_create_v2`` (payType 2), imported inside the
  function; that cart flow is to move up into the checkout;
- ``order_payment_get`` — ``orders.api`` (the order detail answer).

This module is the only place the wallet imports the checkout (an app above it). Nothing else
may import from here.
"""

from dropyard.checkout.services import pay_from_wallet

from .selectors import order_payment_get

__all__ = ["order_payment_get", "pay_from_wallet"]
