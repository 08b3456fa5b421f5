"""The return pages: the returns desk's list and detail (receive, inspect), the merchant's
page (address, quote, tracking number form), and the warehouse form's "Accepts returns"."""

import pytest
from django.test import Client
from django.urls import reverse

from dropyard.accounts.tests.factories import make_merchant, make_operator
from dropyard.aftersales import outcomes, services
from dropyard.aftersales.choices import DisputeOutcome, DisputeReason, ExpectType, ReturnStatus
from dropyard.aftersales.models import ReturnAuthorization
from dropyard.aftersales.services import ClaimLine
from dropyard.aftersales.tests.factories import delivered_order, make_shop
from dropyard.inventory import services as inventory_services
from dropyard.inventory.models import Stock
from dropyard.inventory.tests.factories import WarehouseFactory
from dropyard.wallet.tests.payment_helpers import available

pytestmark = pytest.mark.django_db


@pytest.fixture
def rma(db):
    shop = make_shop()
    cn = shop.world.cn
    inventory_services.warehouse_update(
        warehouse=cn, actor=None, accepts_returns=True, address1="8 Return Road"
    )
    order = delivered_order(shop)
    blue = order.lines.order_by("pk")[1]
    dispute = services.dispute_create(
        merchant=shop.merchant,
        actor=shop.owner,
        order=order,
        reason=DisputeReason.DAMAGED,
        expect_type=ExpectType.RETURN,
        message_text="Broken",
        lines=[ClaimLine(blue.line_item_id, 2)],
    )
    outcomes.dispute_resolve(
        dispute=dispute,
        actor=make_operator(role="support"),
        outcome=DisputeOutcome.RETURN_ACCEPTED,
    )
    found = ReturnAuthorization.objects.get(dispute=dispute)
    found.owner = shop.owner  # the merchant's owner, for the client
    return found


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_merchant_sees_where_to_send_and_gives_the_tracking_number(rma):
    client = _client(rma.owner)
    url = reverse("aftersales:return_detail", kwargs={"public_id": rma.public_id})
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "8 Return Road" in body
    assert rma.code in body
    assert rma.makeup.code in body
    assert "$15.00" in body

    refused = client.post(url, {"carrier": "UPS", "tracking_number": ""})
    assert refused.status_code == 400
    rma.refresh_from_db()
    assert rma.status == ReturnStatus.AUTHORIZED

    done = client.post(url, {"carrier": "UPS", "tracking_number": "1Z999"})
    assert done.status_code == 302
    rma.refresh_from_db()
    assert (rma.status, rma.tracking_number) == (ReturnStatus.IN_TRANSIT, "1Z999")

    other = make_merchant(business_name="Someone else")
    assert _client(other.owner).get(url).status_code == 404


def test_the_returns_desk_lists_receives_and_inspects(rma):
    client = _client(make_operator(role="warehouse"))
    listing = client.get(reverse("aftersales_ops:returns"), {"status": "AUTHORIZED"})
    assert listing.status_code == 200
    assert rma.code in listing.content.decode()
    filtered = client.get(reverse("aftersales_ops:returns"), {"status": "CLOSED"})
    assert rma.code not in filtered.content.decode()
    bad = client.get(reverse("aftersales_ops:returns"), {"status": "NOPE", "warehouse": "X"})
    assert bad.status_code == 200
    # NUL bytes in a query are refused before any view (a clear 400, never a 500).
    nul = client.get(reverse("aftersales_ops:returns"), {"q": "RMA\x00"})
    assert nul.status_code == 400

    detail_url = reverse("aftersales_ops:return", kwargs={"public_id": rma.public_id})
    assert client.get(detail_url).status_code == 200
    assert (
        client.get(reverse("aftersales_ops:return", kwargs={"public_id": "999"})).status_code == 404
    )

    received = client.post(
        reverse("aftersales_ops:return_receive", kwargs={"public_id": rma.public_id}),
        {"note": "Box dented"},
    )
    assert received.status_code == 302
    rma.refresh_from_db()
    assert rma.status == ReturnStatus.RECEIVED
    page = client.get(detail_url)
    assert 'data-testid="return-inspect-form"' in page.content.decode()

    line = rma.lines.get()
    inspect_url = reverse("aftersales_ops:return_inspect", kwargs={"public_id": rma.public_id})
    over = client.post(
        inspect_url,
        {
            f"restock_private_{line.pk}": "2",
            f"restock_platform_{line.pk}": "0",
            f"disposed_{line.pk}": "1",
            "refund_amount": "0",
        },
    )
    assert over.status_code == 400
    before = available(rma.merchant)
    done = client.post(
        inspect_url,
        {
            f"restock_private_{line.pk}": "1",
            f"restock_platform_{line.pk}": "0",
            f"disposed_{line.pk}": "1",
            "refund_amount": "12.50",
        },
    )
    assert done.status_code == 302
    rma.refresh_from_db()
    assert rma.status == ReturnStatus.CLOSED
    assert available(rma.merchant) - before == 1250
    assert Stock.objects.get(merchant=rma.merchant, warehouse=rma.warehouse).on_hand == 1
    assert "No refund granted" not in client.get(detail_url).content.decode()


def test_the_warehouse_page_sets_accepts_returns(db):
    warehouse = WarehouseFactory(country="CN", code="CNEDIT")
    client = _client(make_operator(role="warehouse"))
    url = reverse("inventory_ops:warehouse_edit", kwargs={"public_id": warehouse.public_id})
    page = client.get(url)
    assert "Accepts returns" in page.content.decode()
    response = client.post(
        url,
        {
            "code": "CNEDIT",
            "name": warehouse.name,
            "country": "CN",
            "kind": "platform",
            "is_verified": "on",
            "accepts_returns": "on",
        },
    )
    assert response.status_code == 302
    warehouse.refresh_from_db()
    assert warehouse.accepts_returns is True
