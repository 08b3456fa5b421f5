"""Issue 14's end-to-end path, through the real services only: a merchant asks for a product
for one of its store variants; the agent claims, quotes with a supplier and publishes it as a
private product stocked in the supplier's warehouse and connected to the store variant; the
store's order for it is imported and paid, routes to the supplier's stock, is packed and
shipped by the supplier; the supplier's payable grows by the line price less the commission."""

import pytest

from dropyard.accounts.tests.factories import make_merchant, make_operator
from dropyard.catalog.tests.factories import make_category_path
from dropyard.checkout import services as checkout_services
from dropyard.inventory.models import Stock
from dropyard.inventory.tests.factories import make_supplier
from dropyard.logistics.tests.factories import RateCardFactory, ShippingLineFactory
from dropyard.orders import services as order_services
from dropyard.orders.choices import OrderStatus
from dropyard.orders.models import Parcel
from dropyard.sourcing import services_requests as sourcing
from dropyard.sourcing.choices import SourcingStatus
from dropyard.sourcing.publishing import sourcing_publish
from dropyard.stores.choices import ReceivedVia, StoreOrderStatus
from dropyard.stores.models import ProductConnection
from dropyard.stores.services.intake import store_order_ingest
from dropyard.stores.tests.factories import import_variants, make_store, platform_order
from dropyard.suppliers import shipping
from dropyard.suppliers.tests.factories_ship import supplier_warehouse
from dropyard.wallet.choices import AccountKind
from dropyard.wallet.ledger import account_for
from dropyard.wallet.tests.payment_helpers import fund

pytestmark = pytest.mark.django_db


def test_a_sourced_private_product_sells_through_the_suppliers_own_stock(settings):
    settings.DROPYARD_SUPPLIER_COMMISSION_PERMILLE = 100  # the platform keeps 10 %
    merchant = make_merchant(business_name="Walnut Goods")
    owner = merchant.owner
    agent = make_operator(role="agent")
    merchant.agent = agent
    merchant.save(update_fields=["agent"])
    fund(merchant, owner, 50_000)
    store = make_store(merchant=merchant)
    (store_variant,) = import_variants(store, ("901", "STAND-1"))
    supplier = make_supplier(company_name="Shenzhen Walnut Works")
    warehouse, carrier = supplier_warehouse(supplier)
    line = ShippingLineFactory(name="Factory Post", code="FPOST")
    RateCardFactory(line=line, origin_country=warehouse.country)

    # 1. The merchant asks; the agent claims, quotes and publishes.
    request = sourcing.sourcing_request_create(
        merchant=merchant,
        actor=owner,
        product_name="Walnut phone stand",
        source_url="https://detail.1688.com/offer/624523847261.html",
        target_price_minor=1200,
        store_variant_id=store_variant.pk,
    ).request
    sourcing.sourcing_claim(request=request, actor=agent)
    quote = sourcing.sourcing_quote_add(
        request=request,
        actor=agent,
        supplier_name=supplier.company_name,
        supplier_id=supplier.pk,
        unit_price_minor=800,
        moq=10,
        weight_g=300,
    )
    published = sourcing_publish(
        request=request,
        actor=agent,
        name="Walnut phone stand",
        category=make_category_path("Home", "Desk", "Stands"),
        price_minor=1500,
        weight_g=300,
        hs_code="4420.90",
        private=True,
        quote=quote,
        stock_quantity=50,
    )

    request.refresh_from_db()
    product, variant = request.product, request.variant
    assert request.status == SourcingStatus.PUBLISHED
    assert (product.private_for, product.supplier) == (merchant, supplier)
    assert published.product == product
    assert ProductConnection.objects.get(store_variant=store_variant).variant == variant
    stock = Stock.objects.get(variant=variant, merchant__isnull=True)
    assert (stock.warehouse, stock.on_hand) == (warehouse, 50)

    # 2. The store's order for the connected variant is imported, paid and routed.
    row = store_order_ingest(
        store=store, order=platform_order("5001", ("901", 2)), via=ReceivedVia.WEBHOOK
    )
    assert row.status == StoreOrderStatus.IMPORTED
    order = row.order
    assert [(ln.variant, ln.quantity, ln.unit_price_minor) for ln in order.lines.all()] == [
        (variant, 2, 1500)
    ]
    order_services.cart_add(merchant=merchant, orders=[order], actor=owner)
    confirmed = order_services.cart_confirm(merchant=merchant, orders=[order], actor=owner)
    order_services.parent_order_generate(merchant=merchant, shipments_id=confirmed.shipments_id)
    order.refresh_from_db()
    checkout_services.pay_from_wallet(merchant=merchant, orders=[order], actor=owner)
    order.refresh_from_db()
    assert order.status == OrderStatus.UNSHIPPED
    parcel = Parcel.objects.get(orders=order)
    assert parcel.warehouse == warehouse

    # 3. The supplier packs and ships it; its payable grows by 2 × 15.00 less 10 %.
    payable = account_for(kind=AccountKind.SUPPLIER_PAYABLE, supplier=supplier)
    assert payable.balance_minor == 0
    worker = supplier.user
    shipping.supplier_parcel_pack(
        supplier=supplier, parcel=parcel, actor=worker, measured_weight_g=600
    )
    parcel.refresh_from_db()
    shipping.supplier_parcel_ship(
        supplier=supplier,
        parcel=parcel,
        actor=worker,
        carrier=carrier,
        tracking_number="YT2026120700001",
    )

    payable.refresh_from_db()
    assert payable.balance_minor == 2 * 1500 - 300 == 2700
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (48, 0)
