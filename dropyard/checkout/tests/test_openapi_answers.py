"""The wallet payment operations' real answers match what openapi.json documents for them:
payBalance, and payBalanceV2's three forms (shipment order, makeup pay order, private
inventory purchase order), captured through the conformance client."""

# ruff: noqa: F811
# (fixtures imported from api_fixtures are used as test parameters)

import pytest

from dropyard.core.testing.openapi import answer_problems, openapi_document
from dropyard.inventory.tests.factories import WarehouseFactory, make_inventory_product, make_stock
from dropyard.orders.tests.api_fixtures import authed, world  # noqa: F401
from dropyard.wallet import bills as wallet_bills
from dropyard.wallet.choices import MakeupType
from dropyard.wallet.tests.payment_helpers import confirmed, fund

pytestmark = pytest.mark.django_db

PAY = "shopping/pay/payBalance"
PAY_V2 = "shopping/pay/payBalanceV2"


@pytest.fixture(scope="module")
def document():
    """The served document, fetched once (it reads no database)."""
    return openapi_document()


def _purchase_order(authed) -> dict:
    red = make_inventory_product(variants=1).variants.get()
    make_stock(variant=red, warehouse=WarehouseFactory(country="US"), on_hand=5)
    authed.post("shopping/privateInventory/addToCart", {"vid": red.public_id, "quantity": 2}).ok()
    return authed.post("shopping/privateInventory/createOrder", {}).ok()


def test_pay_answers_match_the_document(authed, merchant, owner, world, document):
    fund(merchant, owner, 100_000)
    _, [single] = confirmed(merchant, owner, world, 1)
    parent, _ = confirmed(merchant, owner, world, 2)
    bill = wallet_bills.makeup_create(
        merchant=merchant, amount_minor=250, reason="weight difference", type=MakeupType.FREIGHT
    )
    bills = wallet_bills.makeup_pay_order_create(merchant=merchant, codes=[bill.code])
    purchase = _purchase_order(authed)

    paid = authed.post(PAY, {"orderId": single.public_id})
    shipment = authed.post(PAY_V2, {"shipmentOrderId": parent.shipments_id, "payId": parent.pay_id})
    makeup = authed.post(
        PAY_V2,
        {"shipmentOrderId": bills.pay_order_code, "payId": bills.pay_id, "orderType": 24},
    )
    stock = authed.post(PAY_V2, {"shipmentOrderId": purchase["orderId"], "orderType": 9})

    assert answer_problems(document, "POST", PAY, paid.body) == []
    assert {
        name: answer_problems(document, "POST", PAY_V2, answer.body)
        for name, answer in [("shipment", shipment), ("makeup", makeup), ("stock", stock)]
    } == {"shipment": [], "makeup": [], "stock": []}
    assert [a.data["paid"] for a in (paid, shipment, makeup, stock)] == [True] * 4
    assert (makeup.data["orderIds"], stock.data["status"]) == ([bill.code], "COMPLETED")
    assert "status" not in shipment.data


def test_paying_again_answers_the_documented_body(authed, merchant, owner, world, document):
    fund(merchant, owner, 10_000)
    _, [order] = confirmed(merchant, owner, world, 1)
    first = authed.post(PAY, {"orderId": order.public_id}).ok()

    again = authed.post(PAY, {"orderId": order.public_id})

    assert answer_problems(document, "POST", PAY, again.body) == []
    # Nothing charged; the transaction is the one that paid the order.
    assert (again.data["paid"], again.data["payAmount"], again.data["transactionId"]) == (
        False,
        "0.00",
        first["transactionId"],
    )
