"""The merchant's private stock pages (inventory.views_private) and the purchase order payment
page (checkout.views_purchases): behaviour, scoping and refusals through the test client."""

import pytest
from django.urls import reverse

from dropyard.accounts.tests.factories import make_staff
from dropyard.inventory.models import PurchaseCartLine, PurchaseOrder, Stock
from dropyard.inventory.purchases import purchase_cart_add, purchase_order_create
from dropyard.inventory.tests.factories import WarehouseFactory, make_inventory_product, make_stock
from dropyard.wallet.tests.payment_helpers import available, fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    product = make_inventory_product(variants=1)
    variant = product.variants.get()
    variant.price_minor = 500
    variant.save(update_fields=["price_minor"])
    warehouse = WarehouseFactory(code="USLA", country="US")
    make_stock(variant=variant, warehouse=warehouse, on_hand=10)
    return {"product": product, "variant": variant, "warehouse": warehouse}


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def test_pages_render_empty_states(owner_client):
    for name in ("stock", "ledger", "cart", "orders"):
        response = owner_client.get(reverse(f"private_stock:{name}"))
        assert response.status_code == 200
        assert b'data-testid="empty-state"' in response.content


def test_add_by_sku_then_change_and_remove(owner_client, merchant, world):
    variant = world["variant"]

    response = owner_client.post(
        reverse("private_stock:cart_add"), {"sku": variant.sku, "quantity": "3"}
    )

    assert response.status_code == 302
    line = PurchaseCartLine.objects.get(merchant=merchant)
    assert (line.quantity, line.warehouse) == (3, world["warehouse"])
    page = owner_client.get(reverse("private_stock:cart"))
    assert b"$15.00" in page.content
    owner_client.post(reverse("private_stock:cart_line", args=[line.pk]), {"quantity": "5"})
    assert PurchaseCartLine.objects.get().quantity == 5
    owner_client.post(reverse("private_stock:cart_line", args=[line.pk]), {"quantity": "11"})
    assert PurchaseCartLine.objects.get().quantity == 5
    owner_client.post(reverse("private_stock:cart_line", args=[line.pk]), {"remove": "1"})
    assert not PurchaseCartLine.objects.exists()


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"sku": "NOPE", "quantity": "1"}, b"No variant with SKU NOPE"),
        ({"sku": "a\x00b", "quantity": "1"}, b"sku: contains a NUL character"),
        ({"sku": "", "quantity": "1"}, b"Enter a variant SKU"),
        ({"sku": "X", "quantity": "999999999999999999999"}, b"less than or equal to 100000"),
        ({"sku": "X", "quantity": "0"}, b"greater than or equal to 1"),
    ],
)
def test_bad_add_answers_400_and_changes_nothing(owner_client, world, data, needle):
    response = owner_client.post(reverse("private_stock:cart_add"), data)

    assert response.status_code == 400
    assert needle in response.content
    assert not PurchaseCartLine.objects.exists()


def test_create_order_then_pay_moves_stock(owner_client, merchant, owner, world):
    fund(merchant, owner, 2_000)
    purchase_cart_add(merchant=merchant, variant=world["variant"], quantity=2)

    response = owner_client.post(reverse("private_stock:order_create"))

    order = PurchaseOrder.objects.get(merchant=merchant)
    pay_url = reverse("private_stock:order_pay", args=[order.code])
    assert response["Location"] == pay_url
    page = owner_client.get(pay_url)
    assert b'data-testid="pay-confirm"' in page.content
    assert b"$10.00" in page.content
    stale = owner_client.post(pay_url, {"expected": "1"})
    assert stale.status_code == 302
    assert available(merchant) == 2_000
    paid = owner_client.post(pay_url, {"expected": str(order.amount_minor)})
    assert paid["Location"] == reverse("private_stock:stock")
    assert available(merchant) == 1_000
    assert Stock.objects.get(merchant=merchant).on_hand == 2
    again = owner_client.post(pay_url, {"expected": str(order.amount_minor)})
    assert again.status_code == 302
    assert available(merchant) == 1_000


def test_pay_page_says_when_the_balance_is_short(owner_client, merchant, world):
    purchase_cart_add(merchant=merchant, variant=world["variant"], quantity=2)
    order = purchase_order_create(merchant=merchant)

    page = owner_client.get(reverse("private_stock:order_pay", args=[order.code]))
    owner_client.post(reverse("private_stock:order_pay", args=[order.code]), {"expected": "1000"})

    assert b'data-testid="pay-insufficient"' in page.content
    assert PurchaseOrder.objects.get().status == "WAIT_PAY"
    assert not Stock.objects.filter(merchant=merchant).exists()


def test_another_merchants_order_and_line_are_404(client, merchant, other_merchant, world):
    line = purchase_cart_add(merchant=merchant, variant=world["variant"], quantity=1)
    order = purchase_order_create(merchant=merchant)
    line = purchase_cart_add(merchant=merchant, variant=world["variant"], quantity=1)
    client.force_login(other_merchant.owner)

    for url in (
        reverse("private_stock:order_pay", args=[order.code]),
        reverse("private_stock:order_cancel", args=[order.code]),
        reverse("private_stock:cart_line", args=[line.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"quantity": "0", "expected": "500"}).status_code == 404

    assert PurchaseCartLine.objects.filter(merchant=merchant).count() == 1
    assert PurchaseOrder.objects.get().status == "WAIT_PAY"


def test_cancel_a_waiting_order(owner_client, merchant, world):
    purchase_cart_add(merchant=merchant, variant=world["variant"], quantity=1)
    order = purchase_order_create(merchant=merchant)

    owner_client.post(reverse("private_stock:order_cancel", args=[order.code]))

    assert PurchaseOrder.objects.get().status == "CANCELLED"
    listed = owner_client.get(reverse("private_stock:orders") + "?status=CANCELLED")
    assert order.code.encode() in listed.content


def test_staff_without_orders_area_is_refused(client, merchant):
    staff = make_staff(merchant=merchant, permissions=["products"])
    client.force_login(staff)

    assert client.get(reverse("private_stock:stock")).status_code == 403


def test_product_page_offers_the_purchase_cart_only_with_the_orders_area(client, merchant, world):
    url = reverse("catalog:product", args=[world["product"].public_id])
    staff = make_staff(merchant=merchant, permissions=["products"])

    client.force_login(merchant.owner)
    assert b'data-testid="buy-private-form"' in client.get(url).content
    client.force_login(staff)
    assert b'data-testid="buy-private-form"' not in client.get(url).content
