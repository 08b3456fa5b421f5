"""Developer API for paying orders from the wallet (CJ API 2.0 ``shopping/pay/payBalance*``).

Full CJ paths, mounted at the API root next to the wallet's router (``shopping/pay/getBalance``,
``shopping/makeup/*``); every operation is scoped to the token's merchant, so another
merchant's order or shipment order answers like an unknown one (1603100). Money goes out as
the contract's USD decimal(18,2) strings (``"12.30"``).

- ``POST shopping/pay/payBalance`` (``orderId``): pay one order from the wallet with the wallet
  discount; a CREATED / IN_CART order is confirmed first (in the same transaction, so a refusal
  leaves it as it was).
- ``POST shopping/pay/payBalanceV2`` (``shipmentOrderId``, ``payId``, ``orderType``): pay a
  confirmed cart's parent order; ``orderType`` 24 pays a makeup pay order
  (``shopping/makeup/createPayOrder``'s ``payOrderCode`` + ``payId``); 9 pays a private
  inventory purchase order (``shipmentOrderId`` = its ``SY…`` id from
  ``shopping/privateInventory/createOrder``, ``payId`` optional): the wallet is debited and
  the units move from platform stock into the merchant's private stock in one transaction
  (``checkout.purchases``; too few platform units → 1603102, nothing changed).

Both POSTs honour ``Idempotency-Key`` (``core.idempotency``): the same key and body replays the
first answer and charges once; paying an already paid order / parent again (with or without a
key) charges nothing and answers ``paid: false``. An insufficient balance answers 1604000 and
changes nothing.

The operations keep the ids and the "Wallet" tag they had when the wallet's router served them,
so the OpenAPI document is unchanged.
"""

import json
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from ninja import Router
from pydantic import ConfigDict

from dropyard.accounts.models import MerchantAccount
from dropyard.accounts.selectors import token_store_scope
from dropyard.core.api import CamelSchema, ParamError
from dropyard.core.idempotency import HEADER as IDEMPOTENCY_HEADER
from dropyard.core.idempotency import idempotent
from dropyard.core.money import Money
from dropyard.orders import selectors as order_selectors
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderStatus, ParentOrderStatus
from dropyard.orders.exceptions import OrderNotFound
from dropyard.orders.models import ParentOrder
from dropyard.wallet.bills import makeup_pay_order_pay
from dropyard.wallet.ledger import wallet_balance
from dropyard.wallet.payment_posting import PaymentResult

from .api_purchases import purchase_payment_out
from .purchases import purchase_order_pay
from .services import pay_from_wallet

router = Router(tags=["Wallet"])

ORDER_TYPE_MAKEUP = 24
ORDER_TYPE_PRIVATE_INVENTORY = 9


def _merchant(request: HttpRequest) -> Any:
    return request.auth.merchant


def _wire(amount_minor: int, currency: str = "USD") -> str:
    return Money(int(amount_minor), currency).wire()


def _idempotent_call(
    request: HttpRequest, response: HttpResponse, scope: str, run: Any
) -> dict[str, Any]:
    # One transaction for the whole call: a refusal after a first step (payBalance confirms a
    # CREATED order before paying it) leaves nothing behind.
    with transaction.atomic():
        outcome = idempotent(
            owner=_merchant(request),
            scope=scope,
            key=request.headers.get(IDEMPOTENCY_HEADER),
            request_data=json.loads(request.body or b"{}"),
            run=run,
        )
    if outcome.replayed:
        response["Idempotent-Replayed"] = "true"
    return outcome.response


def _payment_out(result: PaymentResult, merchant: MerchantAccount, currency: str) -> dict[str, Any]:
    """The common part of a payment answer: what this call charged (zero when it found
    everything paid already: ``paid`` false) and the balance left."""
    charged = result.payments if result.created else []
    discount = sum(p.discount_minor for p in charged)
    net = sum(p.net_minor for p in charged)
    balance = wallet_balance(merchant=merchant, currency=currency).available_minor
    return {
        "paid": result.created,
        "orderAmount": _wire(net + discount, currency),
        "discountAmount": _wire(discount, currency),
        "payAmount": _wire(net, currency),
        "currency": currency,
        "balance": _wire(balance, currency),
        "transactionId": result.transaction.public_id if result.transaction else None,
    }


class _ChargeOut(CamelSchema):
    """``_payment_out``: what this call charged (``paid`` false and zero amounts when it found
    everything paid already), decimal strings in ``currency``, the balance left."""

    paid: bool
    order_amount: str
    discount_amount: str
    pay_amount: str
    currency: str
    balance: str
    transaction_id: str | None


class _OrderPaidOut(CamelSchema):
    order_id: str


class _ShipmentPaidOut(CamelSchema):
    shipment_order_id: str
    pay_id: str | None
    order_ids: list[str]


# The answers' keys go out in field order, and pydantic takes the bases' fields from the last
# base to the first: what was paid, then ``_ChargeOut``.
class PayBalanceOut(_ChargeOut, _OrderPaidOut):
    """The order paid, then what was charged."""


class PayBalanceV2Out(_ChargeOut, _ShipmentPaidOut):
    """A shipment order (or, ``orderType`` 24, a makeup pay order: ``orderIds`` the bills)
    paid, then what was charged. Closed, so that a purchase order's answer is not read as one."""

    model_config = ConfigDict(**CamelSchema.model_config, extra="forbid")


class PurchasePaymentOut(PayBalanceV2Out):
    """``orderType`` 9: a private inventory purchase order paid (``purchase_payment_out``),
    with the purchase order's ``status`` after it."""

    status: str


class PayBalanceIn(CamelSchema):
    order_id: str | None = None


@router.post(
    "shopping/pay/payBalance",
    operation_id="dropyard_wallet_api_pay_balance",
    response=PayBalanceOut,
)
def pay_balance(request: HttpRequest, payload: PayBalanceIn, response: HttpResponse) -> dict:
    """Pay one order from the wallet (wallet discount applied)."""
    key = (payload.order_id or "").strip()
    if not key:
        raise ParamError("orderId is required")
    merchant = _merchant(request)
    store_ids = token_store_scope(request.auth)

    def run() -> dict[str, Any]:
        order = order_selectors.order_get(merchant=merchant, key=key, store_ids=store_ids)
        if order.status in (OrderStatus.CREATED, OrderStatus.IN_CART):
            order_services.order_confirm(order=order, actor=None, actor_label="api payment")
            order.refresh_from_db()
        result = pay_from_wallet(
            merchant=merchant, orders=[order], actor=None, actor_label="api payment"
        )
        return {"orderId": order.public_id, **_payment_out(result, merchant, order.currency)}

    return _idempotent_call(request, response, "shopping/pay/payBalance", run)


class PayBalanceV2In(CamelSchema):
    shipment_order_id: str | None = None
    pay_id: str | None = None
    order_type: int | None = None


def _pay_parent(merchant: MerchantAccount, shipments_id: str, pay_id: str) -> dict[str, Any]:
    parent = ParentOrder.objects.filter(merchant=merchant, shipments_id=shipments_id).first()
    if parent is None or (pay_id and parent.pay_id and parent.pay_id != pay_id):
        raise OrderNotFound(f"shipment order {shipments_id} not found")
    if parent.status != ParentOrderStatus.PAID:
        # Refreshes the amount and expiry of the payment order (keeps its payId).
        parent = order_services.parent_order_generate(merchant=merchant, shipments_id=shipments_id)
    result = pay_from_wallet(
        merchant=merchant, parent=parent, actor=None, actor_label="api payment"
    )
    return {
        "shipmentOrderId": parent.shipments_id,
        "payId": parent.pay_id,
        "orderIds": [p.order.public_id for p in result.payments if p.order_id],
        **_payment_out(result, merchant, parent.currency),
    }


def _pay_makeup(merchant: MerchantAccount, pay_order_code: str, pay_id: str) -> dict[str, Any]:
    result = makeup_pay_order_pay(
        merchant=merchant, pay_order_code=pay_order_code, pay_id=pay_id, actor_label="api payment"
    )
    currency = result.payments[0].currency if result.payments else "USD"
    return {
        "shipmentOrderId": pay_order_code,
        "payId": pay_id or None,
        "orderIds": [p.makeup.code for p in result.payments if p.makeup_id],
        **_payment_out(result, merchant, currency),
    }


@router.post(
    "shopping/pay/payBalanceV2",
    operation_id="dropyard_wallet_api_pay_balance_v2",
    response=PayBalanceV2Out | PurchasePaymentOut,
)
def pay_balance_v2(request: HttpRequest, payload: PayBalanceV2In, response: HttpResponse) -> dict:
    """Pay a parent (shipment) order; with ``orderType`` 24 a makeup pay order, with 9 a
    private inventory purchase order (``SY…``)."""
    shipments_id = (payload.shipment_order_id or "").strip()
    if not shipments_id:
        raise ParamError("shipmentOrderId is required")
    pay_id = (payload.pay_id or "").strip()
    order_type = payload.order_type
    if order_type not in (None, ORDER_TYPE_MAKEUP, ORDER_TYPE_PRIVATE_INVENTORY):
        raise ParamError(
            "orderType must be 9 (private inventory order), 24 (supplementary bill) or "
            "omitted (shipment order)"
        )
    merchant = _merchant(request)

    def run() -> dict[str, Any]:
        if order_type == ORDER_TYPE_MAKEUP:
            return _pay_makeup(merchant, shipments_id, pay_id)
        if order_type == ORDER_TYPE_PRIVATE_INVENTORY:
            payment = purchase_order_pay(
                merchant=merchant, code=shipments_id, pay_id=pay_id, actor_label="api payment"
            )
            return purchase_payment_out(merchant, payment)
        return _pay_parent(merchant, shipments_id, pay_id)

    return _idempotent_call(request, response, "shopping/pay/payBalanceV2", run)
