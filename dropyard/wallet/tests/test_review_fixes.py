"""Review fixes of issue 5: idempotency keys namespaced by merchant, sandbox money refused to
live merchants (trusted demo callers excepted)."""

import pytest
from django.urls import reverse

from dropyard.core.models import AuditEvent
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet import payments, services
from dropyard.wallet.choices import MakeupStatus, MakeupType
from dropyard.wallet.exceptions import TopUpRefused
from dropyard.wallet.models import LedgerTransaction, TopUp
from dropyard.wallet.tests.payment_helpers import available, confirmed, fund


@pytest.fixture
def world(db):
    return make_order_world()


# --- Idempotency keys are per merchant -----------------------------------------------------------


def test_wallet_payment_keys_are_namespaced_per_merchant(merchant, owner, other_merchant, world):
    other_owner = other_merchant.owner
    fund(merchant, owner, 10_000)
    fund(other_merchant, other_owner, 10_000)
    _, [mine] = confirmed(merchant, owner, world, 1)
    _, [theirs] = confirmed(other_merchant, other_owner, world, 1)

    first = payments.pay_from_wallet(merchant=merchant, orders=[mine], idempotency_key="k-1")
    second = payments.pay_from_wallet(
        merchant=other_merchant, orders=[theirs], idempotency_key="k-1"
    )

    assert first.transaction.idempotency_key == f"m{merchant.pk}:k-1"
    assert second.transaction.idempotency_key == f"m{other_merchant.pk}:k-1"
    assert (available(merchant), available(other_merchant)) == (10_000 - 1470, 10_000 - 1470)


def test_makeup_payment_keys_are_namespaced_per_merchant(merchant, owner, other_merchant):
    other_owner = other_merchant.owner
    fund(merchant, owner, 1_000)
    fund(other_merchant, other_owner, 1_000)
    bills = [
        payments.makeup_create(
            merchant=m, amount_minor=300, reason="surcharge", type=MakeupType.FREIGHT
        )
        for m in (merchant, other_merchant)
    ]

    payments.makeups_pay(merchant=merchant, makeups=[bills[0]], idempotency_key="bulk-1")
    payments.makeups_pay(merchant=other_merchant, makeups=[bills[1]], idempotency_key="bulk-1")

    assert set(
        LedgerTransaction.objects.filter(kind="makeup_payment").values_list(
            "idempotency_key", flat=True
        )
    ) == {f"m{merchant.pk}:bulk-1", f"m{other_merchant.pk}:bulk-1"}
    for bill in bills:
        bill.refresh_from_db()
        assert bill.status == MakeupStatus.PAID
    assert (available(merchant), available(other_merchant)) == (700, 700)


# --- Sandbox money only where sandbox_allowed ----------------------------------------------------


def test_sandbox_topup_is_refused_to_live_merchants(merchant, owner, settings):
    settings.DROPYARD_SANDBOX_PAYMENTS = False

    with pytest.raises(TopUpRefused, match="Sandbox top-ups are disabled"):
        services.sandbox_topup(merchant=merchant, amount_minor=5_000, actor=owner)

    assert not TopUp.objects.exists()
    assert not LedgerTransaction.objects.exists()
    assert not AuditEvent.objects.filter(action="topup.created").exists()
    assert available(merchant) == 0


def test_sandbox_accounts_and_trusted_callers_may_top_up(merchant, owner, settings):
    settings.DROPYARD_SANDBOX_PAYMENTS = False

    services.sandbox_topup(merchant=merchant, amount_minor=5_000, actor=owner, trusted=True)
    merchant.is_sandbox = True
    merchant.save(update_fields=["is_sandbox"])
    services.sandbox_topup(merchant=merchant, amount_minor=2_000, actor=owner)

    assert available(merchant) == 7_000


def test_sandbox_topup_page_and_buttons_are_hidden_from_live_merchants(
    client, merchant, owner, settings
):
    settings.DROPYARD_SANDBOX_PAYMENTS = False
    client.force_login(owner)

    page = client.get(reverse("wallet:topup_sandbox")).content.decode()
    posted = client.post(reverse("wallet:topup_sandbox"), {"amount": "1000.00"})
    home = client.get(reverse("wallet:home")).content.decode()
    topups = client.get(reverse("wallet:topup_list")).content.decode()

    assert 'data-testid="sandbox-topup-disabled"' in page
    assert 'data-testid="sandbox-topup-form"' not in page
    assert posted.status_code == 200
    assert "Sandbox top-ups are disabled" in posted.content.decode()
    assert not TopUp.objects.exists()
    assert available(merchant) == 0
    assert 'data-testid="sandbox-topup-form"' not in home
    assert 'data-testid="topup-sandbox-link"' not in topups


def test_sandbox_topup_buttons_show_where_allowed(client, merchant, owner):
    client.force_login(owner)  # the test settings turn sandbox payments on

    home = client.get(reverse("wallet:home")).content.decode()
    topups = client.get(reverse("wallet:topup_list")).content.decode()

    assert 'data-testid="sandbox-topup-form"' in home
    assert 'data-testid="topup-sandbox-link"' in topups
