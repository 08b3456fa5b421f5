"""Tracking-driven dispute suggestions (aftersales.suggestions) and where the merchant sees
them: the dashboard card and the order page."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from dropyard.aftersales import services, suggestions
from dropyard.aftersales.choices import DisputeReason, ExpectType
from dropyard.aftersales.services import ClaimLine
from dropyard.aftersales.tests.factories import deliver, make_shop, paid_order, ship
from dropyard.orders.models import Parcel

pytestmark = pytest.mark.django_db

PROMISE_DAYS = 12  # the factory line's max_days (7–12 days)


@pytest.fixture
def shop(db):
    return make_shop()


def _shipped(shop):
    order = ship(paid_order(shop))
    parcel = Parcel.objects.get(orders=order)
    assert parcel.max_days == PROMISE_DAYS
    return order, parcel


def _days_after_shipment(parcel, days):
    return parcel.shipped_at + timedelta(days=days)


def test_a_parcel_stalled_past_its_promise_and_grace_is_suggested(shop, settings):
    settings.DROPYARD_DISPUTE_SUGGEST_GRACE_DAYS = 5
    order, parcel = _shipped(shop)
    red, blue = order.lines.order_by("pk")

    (found,) = suggestions.suggestions_for_order(
        order, now=_days_after_shipment(parcel, PROMISE_DAYS + 5 + 1)
    )

    shipped = timezone.localtime(parcel.shipped_at).date().isoformat()
    assert found.parcel == parcel
    assert found.reason == DisputeReason.DELAYED
    assert found.expect == ExpectType.REFUND
    assert found.lines == ((red.line_item_id, 1), (blue.line_item_id, 2))
    assert found.message == (
        f"No tracking update since {shipped} (promised 7–12 days, shipped {shipped})."
    )
    url = urlsplit(found.url)
    assert url.path == f"/after-sales/orders/{order.public_id}/dispute/"
    assert parse_qs(url.query) == {
        "reason": ["1"],
        "expect": ["1"],
        "message": [found.message],
        "lines": [f"{red.line_item_id}:1,{blue.line_item_id}:2"],
    }


def test_stalled_more_than_twice_the_promise_is_lost_and_asks_for_a_resend(shop):
    order, parcel = _shipped(shop)

    (found,) = suggestions.suggestions_for_order(
        order, now=_days_after_shipment(parcel, 2 * PROMISE_DAYS + 1)
    )

    assert (found.reason, found.expect) == (DisputeReason.LOST, ExpectType.RESEND)


@pytest.mark.parametrize("days", [1, PROMISE_DAYS, PROMISE_DAYS + 5])
def test_a_parcel_within_its_promise_and_grace_is_not_suggested(shop, settings, days):
    settings.DROPYARD_DISPUTE_SUGGEST_GRACE_DAYS = 5
    order, parcel = _shipped(shop)

    assert suggestions.suggestions_for_order(order, now=_days_after_shipment(parcel, days)) == []


def test_a_delivered_parcel_is_not_suggested_and_shows_the_guidance(shop):
    order, parcel = _shipped(shop)
    order = deliver(order)

    later = _days_after_shipment(parcel, 3 * PROMISE_DAYS)
    assert suggestions.suggestions_for_order(order, now=later) == []
    assert suggestions.delivered_guidance(order) is True


def test_a_live_dispute_on_the_parcels_lines_stops_the_suggestion(shop):
    order, parcel = _shipped(shop)
    red, blue = order.lines.order_by("pk")
    later = _days_after_shipment(parcel, PROMISE_DAYS + 30)
    services.dispute_create(
        merchant=shop.merchant,
        actor=shop.owner,
        order=order,
        reason=DisputeReason.DELAYED,
        expect_type=ExpectType.REFUND,
        message_text="Late",
        lines=[ClaimLine(red.line_item_id, 1)],
    )

    (partial,) = suggestions.suggestions_for_order(order, now=later)
    assert partial.lines == ((blue.line_item_id, 2),)

    services.dispute_create(
        merchant=shop.merchant,
        actor=shop.owner,
        order=order,
        reason=DisputeReason.DELAYED,
        expect_type=ExpectType.REFUND,
        message_text="Late",
        lines=[ClaimLine(blue.line_item_id, 2)],
    )
    assert suggestions.suggestions_for_order(order, now=later) == []


def test_the_dashboard_card_and_the_order_page_show_the_suggestion(client, shop):
    order, parcel = _shipped(shop)
    Parcel.objects.filter(pk=parcel.pk).update(
        shipped_at=timezone.now() - timedelta(days=PROMISE_DAYS + 8)
    )
    client.force_login(shop.owner)

    home = client.get(reverse("dashboard:home")).content.decode()
    detail = client.get(reverse("orders:detail", args=[order.public_id])).content.decode()

    assert 'data-testid="dispute-suggestions-card"' in home
    assert home.count('data-testid="dispute-suggestion"') == 1
    assert "Order delayed (no tracking movement)" in home
    assert f"/after-sales/orders/{order.public_id}/dispute/?reason=1" in home
    assert 'data-testid="dispute-suggestions"' in detail
    assert 'data-testid="delivered-guidance"' not in detail


def test_a_delivered_orders_page_shows_the_guidance_not_a_suggestion(client, shop):
    order, _parcel = _shipped(shop)
    order = deliver(order)
    client.force_login(shop.owner)

    home = client.get(reverse("dashboard:home")).content.decode()
    detail = client.get(reverse("orders:detail", args=[order.public_id])).content.decode()

    assert 'data-testid="dispute-suggestions-card"' not in home
    assert 'data-testid="delivered-guidance"' in detail
    assert 'data-testid="dispute-suggestions"' not in detail
