"""Cancelling the unshipped remainder of a partly shipped order with its refund
(``checkout.cancellation.parcel_remainder_cancel`` over fulfillment's
``services.cancellation.parcel_remainder_cancel``), also through the merchant's order page."""

import pytest
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator
from dropyard.checkout import cancellation as checkout_cancellation
from dropyard.checkout import services as checkout_services
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.fulfillment import services
from dropyard.fulfillment.exceptions import ParcelNotFound
from dropyard.fulfillment.tests.factories import make_parcel
from dropyard.inventory.models import Stock, StockMovement
from dropyard.orders.choices import OrderStatus, ParcelStatus
from dropyard.orders.exceptions import ParcelRefused
from dropyard.orders.models import Order, OrderEvent, Parcel
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet.models import Payment, Refund
from dropyard.wallet.tests.payment_helpers import available, confirmed, fund

pytestmark = pytest.mark.django_db

PS = ParcelStatus


@pytest.fixture
def worker(db):
    return make_operator(role="warehouse")


@pytest.fixture
def world(db):
    return make_order_world()


def _packed(parcel, worker):
    services.parcel_start_picking(parcels=[parcel], actor=worker)
    parcel.refresh_from_db()
    return services.parcel_pack(
        parcel=parcel, measured_weight_g=services.parcel_computed_weight_g(parcel), actor=worker
    )


def _partly_shipped(merchant, owner, world, worker):
    """An order of 3 red (10.00 each) paid from the wallet; 1 unit shipped, 2 left READY."""
    fund(merchant, owner, 100_00)
    _parent, [order] = confirmed(merchant, owner, world, 3)
    checkout_services.pay_from_wallet(merchant=merchant, orders=[order], actor=owner)
    parcel = order.parcels.get()
    _packed(parcel, worker)
    shipment = services.parcel_ship(
        parcel=parcel,
        actor=worker,
        tracking_number="LP55500011",
        shipped_quantities={parcel.lines.get().pk: 1},
    )
    order.refresh_from_db()
    return order, shipment.parcel, shipment.remainder


def _reserved_under(reference):
    return sum(m.reserved_delta for m in StockMovement.objects.filter(reference=reference))


def test_remainder_cancel_releases_cancels_syncs_and_refunds_the_unshipped_lines(
    merchant, owner, world, worker
):
    order, shipped, remainder = _partly_shipped(merchant, owner, world, worker)
    assert (order.status, remainder.status) == (OrderStatus.UNSHIPPED, PS.READY)
    wallet_before = available(merchant)
    payment = Payment.objects.get(order=order)

    result = checkout_cancellation.parcel_remainder_cancel(
        order=order, parcel=remainder, actor=owner, reason="customer does not want to wait"
    )

    remainder.refresh_from_db()
    order.refresh_from_db()
    assert remainder.status == PS.CANCELLED
    assert order.status == OrderStatus.SHIPPED
    assert (result.units_released, result.amount_minor) == (2, 2000)
    assert _reserved_under(remainder.reservation_reference) == 0
    assert Stock.objects.get(variant=world.red, warehouse=world.cn, merchant=None).reserved == 0
    # The two unshipped units at their price snapshot; the freight is not refunded.
    refund = Refund.objects.get()
    assert (refund.amount_minor, refund.idempotency_key, refund.payment_id) == (
        min(2000, payment.net_minor),
        f"remainder:{remainder.public_id}",
        payment.pk,
    )
    assert result.refund == refund
    assert available(merchant) == wallet_before + refund.amount_minor
    assert OrderEvent.objects.filter(order=order, kind="remainder_cancelled").count() == 1
    audit = AuditEvent.objects.get(action=AuditAction.ORDER_CHANGED, details__parcel=remainder.code)
    assert audit.details["what"] == "remainder_cancelled"
    # Cancelling it again is refused and changes nothing.
    with pytest.raises(ParcelRefused):
        checkout_cancellation.parcel_remainder_cancel(order=order, parcel=remainder, actor=owner)
    assert Refund.objects.count() == 1


def test_remainder_cancel_of_delivered_shipment_makes_the_order_delivered(
    merchant, owner, world, worker
):
    order, shipped, remainder = _partly_shipped(merchant, owner, world, worker)
    Parcel.objects.filter(pk=shipped.pk).update(status=PS.DELIVERED)

    checkout_cancellation.parcel_remainder_cancel(order=order, parcel=remainder, actor=owner)

    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED


def test_remainder_cancel_refusals_change_nothing(merchant, owner, other_merchant, world, worker):
    # Nothing shipped yet: cancel the order instead.
    parcel = make_parcel(merchant=merchant)
    order = parcel.orders.get()
    with pytest.raises(ParcelRefused, match="cancel the order instead"):
        checkout_cancellation.parcel_remainder_cancel(order=order, parcel=parcel, actor=owner)
    # Another merchant's order with this parcel: not found.
    stranger = make_parcel(merchant=other_merchant).orders.get()
    with pytest.raises(ParcelNotFound, match="parcel not found"):
        checkout_cancellation.parcel_remainder_cancel(order=stranger, parcel=parcel, actor=owner)
    # Already being picked: refused.
    _order, _shipped, remainder = _partly_shipped(merchant, owner, world, worker)
    services.parcel_start_picking(parcels=[remainder], actor=worker)
    with pytest.raises(ParcelRefused, match="picking"):
        checkout_cancellation.parcel_remainder_cancel(order=_order, parcel=remainder, actor=owner)

    parcel.refresh_from_db()
    remainder.refresh_from_db()
    assert (parcel.status, remainder.status) == (PS.READY, PS.PICKING)
    assert not Refund.objects.exists()


def test_remainder_cancel_page_confirms_then_cancels(client, merchant, owner, world, worker):
    order, _shipped, remainder = _partly_shipped(merchant, owner, world, worker)
    client.force_login(owner)
    url = reverse("orders:cancel_remainder", args=[order.public_id, remainder.public_id])

    detail = client.get(reverse("orders:detail", args=[order.public_id])).content.decode()
    confirm = client.get(url)
    assert Parcel.objects.get(pk=remainder.pk).status == PS.READY  # GET changes nothing
    response = client.post(url)

    assert "Cancel the items not shipped" in detail
    assert url in detail
    assert confirm.status_code == 200
    assert "Keep waiting for them" in confirm.content.decode()
    assert response.status_code == 302
    assert Parcel.objects.get(pk=remainder.pk).status == PS.CANCELLED
    assert Order.objects.get(pk=order.pk).status == OrderStatus.SHIPPED


def test_remainder_cancel_page_is_404_for_another_merchant(
    client, merchant, owner, other_merchant, world, worker
):
    order, _shipped, remainder = _partly_shipped(merchant, owner, world, worker)
    client.force_login(other_merchant.owner)
    url = reverse("orders:cancel_remainder", args=[order.public_id, remainder.public_id])

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert Parcel.objects.get(pk=remainder.pk).status == PS.READY


def test_fulfillments_own_remainder_cancel_refunds_nothing(merchant, owner, world, worker):
    """Fulfillment does not know the wallet: its cancel alone leaves the refund to the checkout."""
    order, _shipped, remainder = _partly_shipped(merchant, owner, world, worker)
    wallet_before = available(merchant)

    result = services.parcel_remainder_cancel(order=order, parcel=remainder, actor=owner)

    assert result.refund is None
    assert Parcel.objects.get(pk=remainder.pk).status == PS.CANCELLED
    assert not Refund.objects.exists()
    assert available(merchant) == wallet_before
