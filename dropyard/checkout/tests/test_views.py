"""The wallet's pay page (``wallet:pay``, ``checkout.views.pay_orders``): the quote with the
discount first, then exactly that payment; and the order pages' "Pay from wallet" button."""

import pytest
from django.urls import reverse

from dropyard.orders.choices import OrderStatus
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet import quotes
from dropyard.wallet.models import LedgerTransaction
from dropyard.wallet.tests.payment_helpers import available, confirmed, fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    return make_order_world()


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def test_pay_shows_the_quote_with_discount_then_pays_exactly_that(
    owner_client, merchant, owner, world
):
    fund(merchant, owner, 100_000)
    _, orders = confirmed(merchant, owner, world, 1, 2, 3)
    ids = [o.public_id for o in orders]
    quote = quotes.payment_quote(merchant=merchant, orders=orders)
    assert quote.discount_minor > 0

    page = owner_client.post(reverse("wallet:pay"), {"ids": ids})

    html = page.content.decode()
    assert html.count('data-testid="pay-line"') == 3
    assert f'data-testid="pay-gross">${quote.gross_minor / 100:.2f}<' in html
    assert f'data-testid="pay-discount">-${quote.discount_minor / 100:.2f}<' in html
    assert f'data-testid="pay-net">${quote.net_minor / 100:.2f}<' in html
    assert f'data-testid="pay-after">${(100_000 - quote.net_minor) / 100:.2f}<' in html
    assert (
        Order.objects.filter(pk__in=[o.pk for o in orders], status=OrderStatus.UNPAID).count() == 3
    )
    assert available(merchant) == 100_000

    done = owner_client.post(
        reverse("wallet:pay"),
        {"ids": ids, "confirmed": "1", "expected_net": str(quote.net_minor)},
        follow=True,
    )

    assert available(merchant) == 100_000 - quote.net_minor
    assert set(
        Order.objects.filter(pk__in=[o.pk for o in orders]).values_list("status", flat=True)
    ) == {OrderStatus.UNSHIPPED}
    message = (
        f"Paid 3 orders from your wallet: {quote.gross.wire()} − {quote.discount.wire()} "
        f"discount = {quote.net.wire()} USD."
    )
    assert message in done.content.decode()
    # Posting the confirmation again charges nothing more.
    owner_client.post(
        reverse("wallet:pay"),
        {"ids": ids, "confirmed": "1", "expected_net": str(quote.net_minor)},
    )
    assert available(merchant) == 100_000 - quote.net_minor


def test_pay_with_a_stale_amount_shows_the_quote_again(owner_client, merchant, owner, world):
    fund(merchant, owner, 100_000)
    _, orders = confirmed(merchant, owner, world, 1)

    response = owner_client.post(
        reverse("wallet:pay"),
        {"ids": [orders[0].public_id], "confirmed": "1", "expected_net": "1"},
    )

    assert 'data-testid="pay-quote"' in response.content.decode()
    assert "The amount changed since you looked" in response.content.decode()
    assert available(merchant) == 100_000
    assert not LedgerTransaction.objects.filter(kind="order_payment").exists()


def test_pay_with_insufficient_balance_offers_no_confirm(owner_client, merchant, owner, world):
    fund(merchant, owner, 1_000)
    _, orders = confirmed(merchant, owner, world, 3)
    quote = quotes.payment_quote(merchant=merchant, orders=orders)

    page = owner_client.post(reverse("wallet:pay"), {"ids": [orders[0].public_id]})
    forced = owner_client.post(
        reverse("wallet:pay"),
        {"ids": [orders[0].public_id], "confirmed": "1", "expected_net": str(quote.net_minor)},
        follow=True,
    )

    assert 'data-testid="pay-insufficient"' in page.content.decode()
    assert 'data-testid="pay-confirm"' not in page.content.decode()
    assert "Insufficient balance" in forced.content.decode()
    assert available(merchant) == 1_000
    assert Order.objects.get(pk=orders[0].pk).status == OrderStatus.UNPAID


def test_pay_another_merchants_orders_pays_nothing(
    owner_client, merchant, owner, other_merchant, world
):
    fund(merchant, owner, 100_000)
    _, theirs = confirmed(other_merchant, other_merchant.owner, world, 1)

    response = owner_client.post(
        reverse("wallet:pay"),
        {"ids": [theirs[0].public_id], "confirmed": "1", "expected_net": "0"},
        follow=True,
    )

    assert "Select at least one of your orders awaiting payment." in response.content.decode()
    assert Order.objects.get(pk=theirs[0].pk).status == OrderStatus.UNPAID
    assert available(merchant) == 100_000


def test_pay_get_is_not_allowed(owner_client):
    assert owner_client.get(reverse("wallet:pay")).status_code == 405


def test_order_pages_offer_pay_from_wallet(owner_client, merchant, owner, world):
    parent, orders = confirmed(merchant, owner, world, 1)

    listing = owner_client.get(reverse("orders:list")).content.decode()
    detail = owner_client.get(reverse("orders:detail", args=[orders[0].public_id])).content.decode()
    pay_page = owner_client.get(reverse("orders:pay", args=[parent.pay_id])).content.decode()

    assert 'data-testid="bulk-pay-wallet"' in listing
    assert 'formaction="/wallet/pay/"' in listing
    assert 'data-testid="pay-wallet"' in detail
    assert f'name="ids" value="{orders[0].public_id}"' in pay_page


@pytest.mark.parametrize("sandbox_payments", [False, True])
def test_pay_page_shows_no_sandbox_button_for_live_orders(
    owner_client, merchant, owner, world, settings, sandbox_payments
):
    settings.DROPYARD_SANDBOX_PAYMENTS = sandbox_payments
    parent, _ = confirmed(merchant, owner, world, 1)

    html = owner_client.get(reverse("orders:pay", args=[parent.pay_id])).content.decode()

    assert "Pay with Sandbox" not in html
    assert 'data-testid="pay-sandbox"' not in html
    assert 'data-testid="pay-wallet"' in html


def test_pay_page_offers_sandbox_for_sandbox_orders_when_on(
    owner_client, merchant, owner, world, settings
):
    settings.DROPYARD_SANDBOX_PAYMENTS = True
    parent, orders = confirmed(merchant, owner, world, 1)
    Order.objects.filter(pk=orders[0].pk).update(is_sandbox=True)

    html = owner_client.get(reverse("orders:pay", args=[parent.pay_id])).content.decode()

    assert 'data-testid="pay-sandbox"' in html
    assert "disabled" not in html.split('data-testid="pay-sandbox"')[1].split(">")[0]


def test_order_page_after_wallet_payment_shows_the_discount_and_amount_paid(
    owner_client, merchant, owner, world
):
    fund(merchant, owner, 100_000)
    _, orders = confirmed(merchant, owner, world, 2)
    quote = quotes.payment_quote(merchant=merchant, orders=orders)
    line = quote.lines[0]
    assert line.discount_minor > 0
    before = owner_client.get(reverse("orders:detail", args=[orders[0].public_id]))
    assert "Discounts" not in before.content.decode()  # the order itself has no discount

    owner_client.post(
        reverse("wallet:pay"),
        {"ids": [orders[0].public_id], "confirmed": "1", "expected_net": str(quote.net_minor)},
    )
    html = owner_client.get(reverse("orders:detail", args=[orders[0].public_id])).content.decode()

    assert "Discounts" not in html
    assert "-$0.00" not in html
    assert f'data-testid="paid-discount">-${line.discount_minor / 100:.2f}<' in html
    assert "Wallet discount (2%)" in html
    assert f'data-testid="paid-amount">${line.net_minor / 100:.2f}<' in html


def test_order_page_shows_the_orders_own_discount_line_only_when_there_is_one(
    owner_client, merchant, owner, world
):
    _, orders = confirmed(merchant, owner, world, 1)
    Order.objects.filter(pk=orders[0].pk).update(discount_amount_minor=150)

    html = owner_client.get(reverse("orders:detail", args=[orders[0].public_id])).content.decode()

    assert 'data-testid="order-discount">-$1.50<' in html
