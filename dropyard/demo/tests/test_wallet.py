"""Wallet demo data (``demo.wallet``, loaded by ``demo.loader.demo_load``): the $1,000.00
Sandbox top-up and the orders paid from the wallet, shown on the wallet pages."""

from collections import Counter

import pytest
from django.urls import reverse

from dropyard.accounts.models import User
from dropyard.core.models import AuditEvent
from dropyard.demo import loader as demo
from dropyard.demo.wallet import DEMO_TOPUP_MINOR, WALLET_ORDER_PREFIX
from dropyard.orders.choices import OrderStatus
from dropyard.orders.models import Order
from dropyard.wallet import ledger
from dropyard.wallet.choices import Provider, TopUpStatus
from dropyard.wallet.ledger import wallet_balance
from dropyard.wallet.models import Invoice, LedgerTransaction, Payment, Refund, TopUp

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_demo(settings, tmp_path, monkeypatch):
    settings.DATA_DIR = tmp_path
    monkeypatch.setenv(demo.DEMO_PRODUCTS_ENV, "10")


@pytest.fixture
def load(django_capture_on_commit_callbacks):
    """``demo_load`` committed, as ``dropyard demo`` runs it (the tracking hooks run)."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return demo.demo_load(**kwargs)

    return run


def wallet_orders():
    return Order.objects.filter(order_number__startswith=WALLET_ORDER_PREFIX)


def test_demo_merchant_has_a_topped_up_wallet_and_wallet_paid_orders(load, client):
    merchant = load().merchant

    topup = TopUp.objects.get(merchant=merchant, provider=Provider.SANDBOX)
    assert (topup.amount_minor, topup.status) == (DEMO_TOPUP_MINOR, TopUpStatus.SUCCEEDED)
    orders = wallet_orders()
    assert Counter(orders.values_list("status", flat=True)) == {
        OrderStatus.DELIVERED: 3,
        OrderStatus.SHIPPED: 2,
    }
    paid = Payment.objects.filter(order__in=orders)
    assert paid.count() == 5
    assert {p.method for p in paid} == {Provider.WALLET}
    assert all(p.discount_minor > 0 for p in paid)
    spent = sum(p.net_minor for p in paid)
    # One of them is refunded to the wallet by the after-sales demo (demo.aftersales).
    [refund] = Refund.objects.filter(merchant=merchant)
    assert (refund.order.order_number, refund.destination) == ("WALLET-2001", "wallet")
    assert wallet_balance(merchant=merchant).available_minor == (
        DEMO_TOPUP_MINOR - spent + refund.amount_minor
    )
    assert Invoice.objects.filter(merchant=merchant, kind="invoice").exists()
    assert Invoice.objects.filter(merchant=merchant, kind="receipt").exists()
    assert orders.filter(shop_amount_minor__isnull=True).count() == 1
    assert ledger.ledger_integrity_check() == []

    client.force_login(User.objects.get(email=demo.OWNER_EMAIL))
    home = client.get(reverse("wallet:home")).content.decode()
    profit = client.get(reverse("wallet:profit")).content.decode()
    assert 'id="wallet-chart-data"' in home
    assert 'data-testid="unpriced-note"' in profit
    assert 'data-testid="store-row"' in profit


def test_second_demo_run_changes_no_wallet_data(load):
    load()
    before = (
        wallet_orders().count(),
        LedgerTransaction.objects.count(),
        TopUp.objects.count(),
        Invoice.objects.count(),
        AuditEvent.objects.count(),
    )

    result = load()

    assert not [c for c in result.created if "wallet" in c.lower()]
    after = (
        wallet_orders().count(),
        LedgerTransaction.objects.count(),
        TopUp.objects.count(),
        Invoice.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_without_a_catalog_the_wallet_is_topped_up_but_no_orders_made(load):
    merchant = load(products=0).merchant

    assert wallet_balance(merchant=merchant).available_minor == DEMO_TOPUP_MINOR
    assert not wallet_orders().exists()


def test_wallet_demo_loads_with_sandbox_payments_off(load, settings):
    # The demo loaders are trusted callers (the wallet's sandbox top-up with trusted=True, the
    # orders demo inside orders.services.sandbox_trusted): a live installation can still load
    # the whole demo, while its merchants cannot use sandbox money.
    settings.DROPYARD_SANDBOX_PAYMENTS = False

    merchant = load().merchant

    # The 36 demo orders, the after-sales demo's resend of one of them and the two orders
    # routed to the demo supplier.
    assert Order.objects.filter(merchant=merchant, is_sandbox=True).count() == 39

    topup = TopUp.objects.get(merchant=merchant, provider=Provider.SANDBOX)
    assert (topup.amount_minor, topup.status) == (DEMO_TOPUP_MINOR, TopUpStatus.SUCCEEDED)
    assert wallet_orders().count() == 5
    assert Payment.objects.filter(order__in=wallet_orders()).count() == 5
    assert not wallet_orders().filter(is_sandbox=True).exists()
