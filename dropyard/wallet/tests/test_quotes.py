"""What paying orders costs: the wallet discount rule and the quote."""

import pytest

from dropyard.orders.exceptions import OrderNotFound
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet import quotes
from dropyard.wallet.tests.payment_helpers import confirmed


@pytest.fixture
def world(db):
    return make_order_world()


# --- Discount rule (pure) -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "bps", "discount"),
    [
        (1500, 200, 30),
        (1549, 200, 30),  # 30.98 → 30: rounded down, never more than promised
        (1550, 200, 31),
        (99, 200, 1),  # 1.98 → 1
        (49, 200, 0),  # 0.98 → 0
        (1, 200, 0),
        (0, 200, 0),
        (-10, 200, 0),
        (12345, 0, 0),
        (12345, 10000, 12345),
        (10001, 150, 150),  # 150.015 → 150
        (999_999_999, 200, 19_999_999),
    ],
)
def test_wallet_discount_is_rounded_down_to_the_minor_unit(total, bps, discount):
    assert quotes.wallet_discount_minor(total, bps) == discount


@pytest.mark.parametrize("bps", [-1, 10001, "200", 2.5, True])
def test_discount_setting_must_be_basis_points(settings, bps):
    settings.DROPYARD_WALLET_DISCOUNT_BPS = bps

    with pytest.raises(Exception, match="DROPYARD_WALLET_DISCOUNT_BPS"):
        quotes.discount_bps()


# --- Quote --------------------------------------------------------------------------------------


def test_quote_shows_gross_discount_and_net_per_order(merchant, owner, world):
    parent, (one, three) = confirmed(merchant, owner, world, 1, 3)

    quote = quotes.payment_quote(merchant=merchant, parent=parent)

    assert [line.order.pk for line in quote.lines] == [one.pk, three.pk]
    assert [(li.gross_minor, li.discount_minor, li.net_minor) for li in quote.lines] == [
        (1500, 30, 1470),
        (3650, 73, 3577),
    ]
    assert (quote.gross_minor, quote.discount_minor, quote.net_minor) == (5150, 103, 5047)
    assert (quote.products_minor, quote.freight_minor) == (4000, 1150)
    assert (quote.gross.wire(), quote.discount.wire(), quote.net.wire()) == (
        "51.50",
        "1.03",
        "50.47",
    )


def test_quote_by_card_has_no_discount_unless_configured(merchant, owner, world, settings):
    parent, _ = confirmed(merchant, owner, world, 1)

    card = quotes.payment_quote(merchant=merchant, parent=parent, method="stripe")
    settings.DROPYARD_WALLET_DISCOUNT_ON_PROVIDERS = True
    discounted = quotes.payment_quote(merchant=merchant, parent=parent, method="stripe")

    assert (card.discount_minor, card.net_minor) == (0, 1500)
    assert (discounted.discount_minor, discounted.net_minor) == (30, 1470)


def test_quote_of_another_merchants_parent_is_not_found(merchant, owner, other_merchant, world):
    parent, _ = confirmed(merchant, owner, world, 1)

    with pytest.raises(OrderNotFound):
        quotes.payment_quote(merchant=other_merchant, parent=parent)
