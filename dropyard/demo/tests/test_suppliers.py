"""Supplier portal demo data (``demo.suppliers``, loaded by ``demo.loader.demo_load``)."""

import pytest

from dropyard.accounts.models import User
from dropyard.demo import loader as demo
from dropyard.inventory.models import Stock
from dropyard.suppliers.models import SupplierProductReview

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_demo(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    monkeypatch.setenv(demo.DEMO_PRODUCTS_ENV, "10")


def test_demo_supplier_is_approved_with_warehouse_and_two_stocked_products_on_sale():
    demo.demo_load()
    demo.demo_load()  # a second run creates nothing

    supplier = User.objects.get(email=demo.SUPPLIER_EMAIL).supplier
    reviews = SupplierProductReview.objects.filter(supplier=supplier)
    stock = Stock.objects.filter(warehouse__supplier=supplier, merchant=None)
    assert supplier.company_name == "Shenzhen Bright Gadgets Factory"
    assert supplier.warehouses.get().kind == "supplier"
    assert sorted(reviews.values_list("status", "product__is_on_sale")) == [
        ("approved", True),
        ("approved", True),
    ]
    # The opening counts (80, 90, 150), less the unit the supplier shipped (demo.supplier_orders)
    # and with the unit still to pack reserved.
    assert sum(stock.values_list("on_hand", flat=True)) == 80 + 90 + 150 - 1
    assert sorted(stock.values_list("reserved", flat=True)) == [0, 0, 1]
