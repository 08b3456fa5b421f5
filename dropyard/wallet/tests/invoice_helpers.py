"""Test data for invoices: paid orders with known amounts, the causing ledger transaction, and
the PDF's text read back with pypdf."""

import io
import itertools
from typing import Any

from pypdf import PdfReader

from dropyard.catalog.models import Variant
from dropyard.logistics.tests.factories import make_cart_variant
from dropyard.orders.models import Order, OrderLine
from dropyard.wallet.choices import Provider, TopUpStatus
from dropyard.wallet.invoices import (
    PaymentBreakdown,
    breakdown_for_orders,
    invoice_issue_for_payment,
)
from dropyard.wallet.models import Invoice, LedgerTransaction, TopUp

_seq = itertools.count(1)


def make_variant(*, sku: str, name: str, price_minor: int) -> Variant:
    variant = make_cart_variant(sku=sku, price_minor=price_minor)
    variant.product.name = name
    variant.product.save(update_fields=["name"])
    return variant


def paid_order(
    merchant,
    *,
    code: str,
    lines: list[tuple[Variant, int]],
    postage_minor: int = 0,
    fee_minor: int = 0,
    discount_minor: int = 0,
    line_name: str = "CJPacket",
) -> Order:
    """An order as the payment leaves it (amounts frozen), written directly: the invoice only
    reads these fields."""
    product = sum(v.price_minor * q for v, q in lines)
    order = Order.objects.create(
        code=code,
        merchant=merchant,
        order_number=f"N-{next(_seq)}",
        status="UNSHIPPED",
        shipping_country_code="US",
        shipping_city="Los Angeles",
        shipping_address="1 Main Street",
        shipping_customer_name="Jane Doe",
        product_amount_minor=product,
        postage_amount_minor=postage_minor,
        fee_amount_minor=fee_minor,
        discount_amount_minor=discount_minor,
        total_amount_minor=product + postage_minor + fee_minor - discount_minor,
        cost_breakdown={"line": line_name, "frozen": True},
    )
    for variant, quantity in lines:
        OrderLine.objects.create(
            order=order, variant=variant, quantity=quantity, unit_price_minor=variant.price_minor
        )
    return order


def ledger_tx(merchant, *, kind: str = "order_payment", key: str = "") -> LedgerTransaction:
    """The transaction that caused a document (its entries do not matter to the invoice)."""
    return LedgerTransaction.objects.create(
        idempotency_key=key or f"test:{kind}:{next(_seq)}", kind=kind, merchant=merchant
    )


def credited_topup(merchant, *, amount_minor: int, fee_minor: int = 0, **fields: Any) -> TopUp:
    fields.setdefault("provider", Provider.SANDBOX)
    fields.setdefault("status", TopUpStatus.SUCCEEDED)
    return TopUp.objects.create(
        merchant=merchant, amount_minor=amount_minor, fee_minor=fee_minor, **fields
    )


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def two_paid_orders(merchant) -> list[Order]:
    """Order A: 2 × Red Mug @ 10.00 + 1 × Blue Lamp @ 20.00, freight 5.00; order B: 1 × Blue
    Lamp, freight 6.50. Products 60.00, freight 11.50, before discount 71.50."""
    red = make_variant(sku="MUG-RED", name="Red Mug", price_minor=1000)
    blue = make_variant(sku="LAMP-BLUE", name="Blue Lamp", price_minor=2000)
    a = paid_order(merchant, code="DY1001", lines=[(red, 2), (blue, 1)], postage_minor=500)
    b = paid_order(merchant, code="DY1002", lines=[(blue, 1)], postage_minor=650, line_name="DHL")
    return [a, b]


def wallet_breakdown(orders) -> PaymentBreakdown:
    return breakdown_for_orders(
        orders=orders,
        extra_discount_minor=143,  # 2% of 71.50, rounded half up
        discount_label="Wallet payment discount (2%)",
        method=Provider.WALLET,
    )


def issue_invoice(merchant, orders, **kwargs) -> Invoice:
    """The INVOICE of a wallet payment of ``orders`` (``breakdown`` and ``tx`` may be given)."""
    return invoice_issue_for_payment(
        merchant=merchant,
        orders_or_parent=orders,
        breakdown=kwargs.pop("breakdown", None) or wallet_breakdown(orders),
        transaction=kwargs.pop("tx", None) or ledger_tx(merchant),
        **kwargs,
    )
