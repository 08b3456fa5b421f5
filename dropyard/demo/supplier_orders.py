"""Demo orders of the demo supplier's products (called by ``demo.loader.demo_load`` after the
supplier and the sandbox carrier): two paid sandbox orders of the demo merchant that routing
sends to the supplier's own warehouse — one waits in the supplier's "to pack" queue, one was
packed and shipped by the supplier, so its earning is on the supplier's payable.

Invariant: only the services write (orders, payment, routing, the supplier's pack and ship,
the ledger); a second run creates nothing.
"""

from typing import Any

from dropyard.accounts.models import MerchantAccount, User
from dropyard.catalog.models import Variant
from dropyard.fulfillment import services as fulfillment_services
from dropyard.logistics.carriers import SANDBOX_CODE
from dropyard.logistics.models import Carrier
from dropyard.orders import services
from dropyard.orders.models import Order, Parcel
from dropyard.suppliers import shipping

from .orders import _pay, recipient_address

SUPPLIER_ORDER_PREFIX = "SUP-DEMO-"
RECIPIENTS = (
    ("Grace Lee", "US", "WA", "Seattle", "98101", "400 Pine Street", "+1 206 555 0142"),
    ("Tom Baker", "US", "TX", "Austin", "78701", "12 Congress Avenue", "+1 512 555 0177"),
)


def load_supplier_orders(
    *, merchant: MerchantAccount, owner: Any, supplier_user: User
) -> list[str]:
    """Create the two supplier-routed demo orders; empty on a second run or without the
    demo supplier's products or the Sandbox carrier."""
    if Order.objects.filter(
        merchant=merchant, order_number__startswith=SUPPLIER_ORDER_PREFIX
    ).exists():
        return []
    supplier = getattr(supplier_user, "supplier", None)
    carrier = Carrier.objects.filter(code__iexact=SANDBOX_CODE).first()
    variants = list(
        Variant.objects.filter(
            product__supplier=supplier, product__is_on_sale=True, is_on_sale=True
        ).order_by("pk")[:2]
    )
    if supplier is None or carrier is None or len(variants) < 2:
        return []
    orders = []
    for index, (variant, recipient) in enumerate(zip(variants, RECIPIENTS, strict=True)):
        orders.append(
            services.order_create(
                merchant=merchant,
                actor=owner,
                order_number=f"{SUPPLIER_ORDER_PREFIX}{2001 + index}",
                lines=[{"vid": variant.public_id, "quantity": 1}],
                **recipient_address(recipient, index=index),
                is_sandbox=True,
            )
        )
    _pay(merchant, owner, orders)
    parcel = Parcel.objects.get(orders=orders[1])
    # The supplier hands its parcels to the Sandbox carrier too (as the platform warehouses do
    # in the demo, ``demo.carrier``), so the shipped one gets a tracking number.
    parcel.warehouse.carriers.add(carrier)
    shipping.supplier_parcel_pack(
        supplier=supplier,
        parcel=parcel,
        actor=supplier_user,
        measured_weight_g=fulfillment_services.parcel_computed_weight_g(parcel),
    )
    parcel.refresh_from_db()
    shipping.supplier_parcel_ship(
        supplier=supplier, parcel=parcel, actor=supplier_user, carrier=carrier, tracking_number=""
    )
    return ["2 demo orders routed to the demo supplier (one to pack, one shipped)"]
