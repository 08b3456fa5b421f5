"""``createOrderV2``'s payType 2 (balance): create the order in orders, then pay it from the
wallet — the one order flow that needs both apps, so it lives here, above them."""

from typing import Any

from django.db import transaction

from dropyard.accounts.actors import Actor
from dropyard.accounts.models import MerchantAccount
from dropyard.orders import services as order_services
from dropyard.orders.choices import PayType
from dropyard.orders.services.creation import OrderCreateResult
from dropyard.wallet.exceptions import InsufficientBalance

from .services import pay_from_wallet


@transaction.atomic
def order_create_v2(
    *, merchant: MerchantAccount, actor: Actor, pay_type: int = PayType.PAGE, **fields: Any
) -> OrderCreateResult:
    """``createOrderV2``: ``orders.services.order_create_v2`` (creation and the payType flow up
    to the parent order; its rules, refusals and results) and, for a payType 2 order that is
    not sandbox, the wallet payment with the wallet discount (``pay_from_wallet``), in one
    transaction.

    An insufficient balance (``InsufficientBalance``, 1604000) is not raised: the order stays
    UNPAID (confirmed, stock reserved, in its parent order), ``payment_error`` holds the
    refusal and ``message`` names the shipment order and payId to pay after a top-up. Paid:
    ``paid`` is true. Every other payType is orders' answer unchanged.
    """
    result = order_services.order_create_v2(
        merchant=merchant, actor=actor, pay_type=pay_type, **fields
    )
    parent = result.awaiting_wallet
    if parent is None:
        return result
    try:
        pay_from_wallet(merchant=merchant, parent=parent, actor=actor)
    except InsufficientBalance as exc:
        result.payment_error = exc
        result.message = (
            f"{exc.message}; order confirmed, awaiting payment "
            f"(shipmentOrderId {parent.shipments_id}, payId {parent.pay_id})"
        )
    else:
        result.paid = True
        result.message = "paid from the wallet balance"
    result.order.refresh_from_db()
    return result
