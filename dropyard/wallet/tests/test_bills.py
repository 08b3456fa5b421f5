"""Supplementary ("makeup", BT…) bills: created by operators, paid from the wallet."""

import pytest

from dropyard.core.models import AuditEvent
from dropyard.orders.exceptions import OrderNotFound
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet import bills as wallet_bills
from dropyard.wallet.choices import AccountKind, InvoiceKind, MakeupStatus, MakeupType
from dropyard.wallet.exceptions import InsufficientBalance, PaymentRefused
from dropyard.wallet.models import Invoice, LedgerTransaction, Makeup, Payment
from dropyard.wallet.tests.payment_helpers import available, confirmed, entries_by_kind, fund


@pytest.fixture
def world(db):
    return make_order_world()


def _bill(merchant, amount=250, type=MakeupType.FREIGHT, order=None, actor=None):
    return wallet_bills.makeup_create(
        merchant=merchant,
        related_order=order,
        amount_minor=amount,
        reason="remote area surcharge",
        type=type,
        actor=actor,
    )


def test_create_gives_a_bt_code_and_audits(merchant, operator_admin, owner, world):
    _, [order] = confirmed(merchant, owner, world, 1)

    bill = _bill(merchant, order=order, actor=operator_admin)

    assert bill.code.startswith("BT")
    assert bill.code[2:].isdigit()
    assert (bill.status, bill.amount_minor, bill.related_order_id) == (
        MakeupStatus.UNPAID,
        250,
        order.pk,
    )
    event = AuditEvent.objects.get(action="makeup.created")
    assert event.details["code"] == bill.code
    assert event.actor == operator_admin
    params = wallet_bills.makeup_webhook_params(bill)
    assert params["orderId"] == bill.code
    assert params["relationOrderId"] == order.public_id
    assert (params["amount"], params["diffUseType"], params["status"]) == ("2.50", 3, "UNPAID")


@pytest.mark.parametrize(
    ("amount", "type", "reason"),
    [
        (0, "freight", "x"),
        (-1, "freight", "x"),
        ("250", "freight", "x"),
        (2.5, "freight", "x"),
        (250, "tax", "x"),
        (250, "freight", " "),
        (250, "freight", "x" * 301),
        (100_000_001, "freight", "x"),
    ],
)
def test_bad_bills_are_refused(merchant, amount, type, reason):
    with pytest.raises(PaymentRefused):
        wallet_bills.makeup_create(merchant=merchant, amount_minor=amount, reason=reason, type=type)

    assert not Makeup.objects.exists()


def test_bill_for_another_merchants_order_is_refused(merchant, other_merchant, owner, world):
    _, [order] = confirmed(merchant, owner, world, 1)

    with pytest.raises(OrderNotFound):
        _bill(other_merchant, order=order)


def test_pay_from_wallet_posts_freight_revenue_once(merchant, owner):
    fund(merchant, owner, 1000)
    bill = _bill(merchant)

    result = wallet_bills.makeup_pay(makeup=bill, actor=owner)
    again = wallet_bills.makeup_pay(makeup=bill, actor=owner)

    assert entries_by_kind(result.transaction) == {
        AccountKind.WALLET_AVAILABLE: -250,
        AccountKind.FREIGHT_REVENUE: 250,
    }
    assert result.transaction.idempotency_key == f"makeup:{bill.code}"
    assert again.created is False
    assert available(merchant) == 750
    bill.refresh_from_db()
    assert bill.status == MakeupStatus.PAID
    assert bill.paid_at is not None
    assert Payment.objects.get(makeup=bill).net_minor == 250
    assert Invoice.objects.get(kind=InvoiceKind.INVOICE).total_minor == 250


def test_insufficient_balance_leaves_the_bill_unpaid(merchant, owner):
    fund(merchant, owner, 1000)
    bill = _bill(merchant, amount=1001, type=MakeupType.PRODUCT)
    count = LedgerTransaction.objects.count()

    with pytest.raises(InsufficientBalance):
        wallet_bills.makeup_pay(makeup=bill, actor=owner)

    bill.refresh_from_db()
    assert bill.status == MakeupStatus.UNPAID
    assert available(merchant) == 1000
    assert LedgerTransaction.objects.count() == count


def test_pay_order_bundles_bills_and_pays_them_together(merchant, owner):
    fund(merchant, owner, 1000)
    freight = _bill(merchant, 250, MakeupType.FREIGHT)
    product = _bill(merchant, 300, MakeupType.PRODUCT)

    bundle = wallet_bills.makeup_pay_order_create(
        merchant=merchant, codes=[freight.code, product.code]
    )
    same = wallet_bills.makeup_pay_order_create(
        merchant=merchant, codes=[product.code, freight.code]
    )
    result = wallet_bills.makeup_pay_order_pay(
        merchant=merchant, pay_order_code=bundle.pay_order_code, pay_id=bundle.pay_id
    )

    assert (same.pay_order_code, same.pay_id) == (bundle.pay_order_code, bundle.pay_id)
    assert bundle.amount_minor == 550
    assert entries_by_kind(result.transaction) == {
        AccountKind.WALLET_AVAILABLE: -550,
        AccountKind.ORDER_REVENUE: 300,
        AccountKind.FREIGHT_REVENUE: 250,
    }
    assert set(Makeup.objects.values_list("status", flat=True)) == {MakeupStatus.PAID}
    with pytest.raises(PaymentRefused):
        wallet_bills.makeup_pay_order_create(merchant=merchant, codes=[freight.code])


def test_pay_order_refuses_unknown_and_foreign_codes(merchant, other_merchant):
    mine = _bill(merchant)
    theirs = _bill(other_merchant)

    with pytest.raises(OrderNotFound):
        wallet_bills.makeup_pay_order_create(merchant=merchant, codes=[mine.code, theirs.code])
    with pytest.raises(OrderNotFound):
        wallet_bills.makeup_pay_order_create(merchant=merchant, codes=["BT000"])
    with pytest.raises(OrderNotFound):
        wallet_bills.makeups_pay(merchant=merchant, makeups=[theirs])
    mine.refresh_from_db()
    assert mine.pay_order_code == ""


def test_wrong_pay_id_is_not_found(merchant, owner):
    fund(merchant, owner, 1000)
    bill = _bill(merchant)
    bundle = wallet_bills.makeup_pay_order_create(merchant=merchant, codes=[bill.code])

    with pytest.raises(OrderNotFound):
        wallet_bills.makeup_pay_order_pay(
            merchant=merchant, pay_order_code=bundle.pay_order_code, pay_id="999"
        )

    assert available(merchant) == 1000


def test_makeup_webhooks_insert_then_paid(
    merchant, owner, world, django_capture_on_commit_callbacks
):
    from dropyard.webhooks.models import WebhookMessage  # noqa: PLC0415
    from dropyard.webhooks.services import CallbackSetting, webhook_set  # noqa: PLC0415

    webhook_set(
        merchant=merchant,
        actor=owner,
        settings_by_topic=[
            CallbackSetting(topic="makeup", action="ENABLE", urls=("https://hooks.example/bt",))
        ],
    )
    fund(merchant, owner, 1000)

    with django_capture_on_commit_callbacks(execute=False):
        bill = _bill(merchant)
        wallet_bills.makeup_pay(makeup=bill, actor=owner)

    messages = list(
        WebhookMessage.objects.filter(merchant=merchant)
        .order_by("pk")
        .values_list("type", "message_type", "topic")
    )
    assert messages == [("MAKEUP", "INSERT", "makeup"), ("MAKEUP", "PAID", "makeup")]


# --- Idempotency keys are per merchant ----------------------------------------------------------


def test_makeup_payment_keys_are_namespaced_per_merchant(merchant, owner, other_merchant):
    other_owner = other_merchant.owner
    fund(merchant, owner, 1_000)
    fund(other_merchant, other_owner, 1_000)
    bills = [
        wallet_bills.makeup_create(
            merchant=m, amount_minor=300, reason="surcharge", type=MakeupType.FREIGHT
        )
        for m in (merchant, other_merchant)
    ]

    wallet_bills.makeups_pay(merchant=merchant, makeups=[bills[0]], idempotency_key="bulk-1")
    wallet_bills.makeups_pay(merchant=other_merchant, makeups=[bills[1]], idempotency_key="bulk-1")

    assert set(
        LedgerTransaction.objects.filter(kind="makeup_payment").values_list(
            "idempotency_key", flat=True
        )
    ) == {f"m{merchant.pk}:bulk-1", f"m{other_merchant.pk}:bulk-1"}
    for bill in bills:
        bill.refresh_from_db()
        assert bill.status == MakeupStatus.PAID
    assert (available(merchant), available(other_merchant)) == (700, 700)
