"""Issue 4 hardening: cancelling the unshipped remainder of a partly shipped order, and
tracking numbers unique per carrier (no squatting through the sandbox)."""

import pytest
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator
from dropyard.checkout import services as checkout_services
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.fulfillment import services
from dropyard.fulfillment.choices import ParcelStatus
from dropyard.fulfillment.exceptions import ParcelNotFound, ParcelRefused
from dropyard.fulfillment.models import Parcel
from dropyard.fulfillment.tests.factories import make_parcel, sandbox_carrier
from dropyard.inventory.models import Stock, StockMovement
from dropyard.logistics.tests.factories import CarrierFactory, ShippingLineFactory
from dropyard.orders.choices import OrderStatus
from dropyard.orders.models import Order, OrderEvent
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


# --- 3. Cancelling the remainder -----------------------------------------------------------------


def test_remainder_cancel_releases_cancels_syncs_and_refunds_the_unshipped_lines(
    merchant, owner, world, worker
):
    order, shipped, remainder = _partly_shipped(merchant, owner, world, worker)
    assert (order.status, remainder.status) == (OrderStatus.UNSHIPPED, PS.READY)
    wallet_before = available(merchant)
    payment = Payment.objects.get(order=order)

    result = services.parcel_remainder_cancel(
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
        services.parcel_remainder_cancel(order=order, parcel=remainder, actor=owner)
    assert Refund.objects.count() == 1


def test_remainder_cancel_of_delivered_shipment_makes_the_order_delivered(
    merchant, owner, world, worker
):
    order, shipped, remainder = _partly_shipped(merchant, owner, world, worker)
    Parcel.objects.filter(pk=shipped.pk).update(status=PS.DELIVERED)

    services.parcel_remainder_cancel(order=order, parcel=remainder, actor=owner)

    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED


def test_remainder_cancel_refusals_change_nothing(merchant, owner, other_merchant, world, worker):
    # Nothing shipped yet: cancel the order instead.
    parcel = make_parcel(merchant=merchant)
    order = parcel.orders.get()
    with pytest.raises(ParcelRefused, match="cancel the order instead"):
        services.parcel_remainder_cancel(order=order, parcel=parcel, actor=owner)
    # Another merchant's order with this parcel: not found.
    stranger = make_parcel(merchant=other_merchant).orders.get()
    with pytest.raises(ParcelNotFound, match="parcel not found"):
        services.parcel_remainder_cancel(order=stranger, parcel=parcel, actor=owner)
    # Already being picked: refused.
    _order, _shipped, remainder = _partly_shipped(merchant, owner, world, worker)
    services.parcel_start_picking(parcels=[remainder], actor=worker)
    with pytest.raises(ParcelRefused, match="picking"):
        services.parcel_remainder_cancel(order=_order, parcel=remainder, actor=owner)

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


# --- 5. Tracking numbers are unique per carrier --------------------------------------------------


def test_a_sandbox_number_does_not_block_a_real_carriers_parcel(merchant, other_merchant, worker):
    # Another merchant's sandbox order "claimed" the number under the Sandbox carrier.
    sandbox = sandbox_carrier()
    squatter = make_parcel(merchant=other_merchant, is_sandbox=True)
    squatter_order = squatter.orders.get()
    services.sandbox_ship(order=squatter_order, tracking_number="1Z999AA10123456784")
    squatter.refresh_from_db()
    assert (squatter.carrier, squatter.tracking_number) == (sandbox, "1Z999AA10123456784")

    # The real carrier's parcel carrying that number ships.
    ups = CarrierFactory(code="UPS", name="UPS")
    parcel = make_parcel(merchant=merchant, line=ShippingLineFactory(carrier=ups))
    _packed(parcel, worker)
    services.parcel_ship(parcel=parcel, actor=worker, tracking_number="1Z999AA10123456784")

    parcel.refresh_from_db()
    assert (parcel.status, parcel.carrier, parcel.tracking_number) == (
        PS.SHIPPED,
        ups,
        "1Z999AA10123456784",
    )


def test_the_same_number_at_the_same_carrier_is_still_refused(merchant, other_merchant, worker):
    ups = CarrierFactory(code="UPS", name="UPS")
    first = make_parcel(merchant=other_merchant, line=ShippingLineFactory(carrier=ups))
    _packed(first, worker)
    services.parcel_ship(parcel=first, actor=worker, tracking_number="1Z999AA10123456784")
    second = make_parcel(merchant=merchant, line=ShippingLineFactory(carrier=ups))
    _packed(second, worker)

    with pytest.raises(ParcelRefused, match="already used by another parcel"):
        services.parcel_ship(parcel=second, actor=worker, tracking_number="1Z999AA10123456784")

    second.refresh_from_db()
    assert second.status == PS.PACKED


def test_update_track_number_uses_the_sandbox_carrier_even_when_the_line_has_one(merchant):
    sandbox = sandbox_carrier()
    ups = CarrierFactory(code="UPS", name="UPS")
    parcel = make_parcel(merchant=merchant, is_sandbox=True, line=ShippingLineFactory(carrier=ups))

    services.sandbox_ship(order=parcel.orders.get(), tracking_number="1Z999AA10123456784")

    parcel.refresh_from_db()
    assert (parcel.carrier, parcel.tracking_number) == (sandbox, "1Z999AA10123456784")
