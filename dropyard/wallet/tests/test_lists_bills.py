"""Finance's refunds queue and the supplementary bill lists (the merchant's and finance's) on the
generic list page: filters, sort, CSV export, the htmx partial, bad input, the row actions and
their confirmations, and scoping (a merchant never sees another's bills; finance sees all)."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator
from dropyard.checkout import services as checkout_services
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet import bills as wallet_bills
from dropyard.wallet import refunds
from dropyard.wallet.choices import MakeupStatus, MakeupType
from dropyard.wallet.models import Makeup, Refund

from .payment_helpers import available, confirmed, fund

pytestmark = pytest.mark.django_db

REFUNDS = reverse("wallet_ops:refund_list")
BILLS = reverse("wallet:makeup_list")
OPS_BILLS = reverse("wallet_ops:makeup_list")


@pytest.fixture
def finance(db):
    return make_operator(role="finance")


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body)))


def _codes(response) -> list[str]:
    return [r.code for r in response.context["page"].object_list]


# --- Refunds --------------------------------------------------------------------------------------


def _refund(merchant, owner, world, amount: int, reason: str, day: int) -> Refund:
    fund(merchant, owner, 100_000)
    _, orders = confirmed(merchant, owner, world, 1)
    checkout_services.pay_from_wallet(merchant=merchant, orders=orders, actor=owner)
    refund = refunds.refund_issue(
        merchant=merchant,
        order=orders[0],
        amount_minor=amount,
        reason=reason,
        actor=owner,
        idempotency_key=f"t-{reason}",
    )
    Refund.objects.filter(pk=refund.pk).update(created_at=datetime(2026, 4, day, 9, tzinfo=UTC))
    return Refund.objects.select_related("order").get(pk=refund.pk)


@pytest.fixture
def refunded(merchant, owner, other_merchant):
    world = make_order_world()
    small = _refund(merchant, owner, world, 100, "damaged", 1)
    big = _refund(other_merchant, other_merchant.owner, world, 700, "lost", 3)
    return small, big


def test_refunds_queue_shows_every_merchants_refunds_with_codes(client, finance, refunded):
    small, big = refunded
    client.force_login(finance)

    response = client.get(REFUNDS)

    html = response.content.decode()
    assert _codes(response) == [big.code, small.code]
    assert small.code.startswith("RF")
    assert f">{small.order.code}<" in html
    assert 'data-testid="result-count">2 refunds</div>' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "lost"}, ["big"]),
        ({"date_from": "2026-04-02"}, ["big"]),
        ({"date_to": "2026-04-02"}, ["small"]),
        ({"destination": "wallet"}, ["big", "small"]),
        ({"status": "pending"}, []),
    ],
)
def test_refunds_queue_filters(client, finance, refunded, query, expected):
    named = dict(zip(("small", "big"), refunded, strict=True))
    client.force_login(finance)

    assert _codes(client.get(REFUNDS, query)) == [named[n].code for n in expected]


def test_refunds_queue_finds_a_refund_by_its_code_order_or_merchant(
    client, finance, refunded, other_merchant
):
    small, big = refunded
    client.force_login(finance)

    assert _codes(client.get(REFUNDS, {"q": small.code})) == [small.code]
    assert _codes(client.get(REFUNDS, {"q": small.order.code})) == [small.code]
    assert _codes(client.get(REFUNDS, {"q": other_merchant.account_number})) == [big.code]


def test_refunds_queue_sorts_and_exports_the_filtered_rows(client, finance, refunded, merchant):
    small, big = refunded
    client.force_login(finance)

    by_amount = client.get(REFUNDS, {"sort": "amount"})
    rows = _csv(client.get(REFUNDS, {"export": "csv", "q": "damaged"}))

    assert _codes(by_amount) == [small.code, big.code]
    assert rows == [
        [
            "Refund",
            "Date",
            "Merchant",
            "Order",
            "Reason",
            "Destination",
            "Status",
            "Amount",
        ],
        [
            small.code,
            "2026-04-01 09:00",
            f"{merchant.business_name} {merchant.account_number}",
            small.order.code,
            "damaged",
            "Wallet",
            small.get_status_display(),
            "$1.00",
        ],
    ]


def test_refunds_queue_owed_refund_can_be_sent_again_after_a_confirmation(
    client, finance, refunded
):
    small, _big = refunded
    Refund.objects.filter(pk=small.pk).update(status="pending", destination="source")
    client.force_login(finance)

    html = client.get(REFUNDS).content.decode()

    send = reverse("wallet_ops:refund_send", args=[small.public_id])
    assert html.count('data-testid="refund-send"') == 1
    assert f'formaction="{send}" data-confirm="Ask ' in html


def test_refunds_queue_htmx_and_bad_input(client, finance, refunded):
    client.force_login(finance)

    partial = client.get(REFUNDS, {"q": "lost"}, HTTP_HX_REQUEST="true").content.decode()
    responses = [
        client.get(REFUNDS, query)
        for query in (
            {"page": "x"},
            {"page": "99"},
            {"sort": "payment__provider_reference"},
            {"status": "nope"},
            {"date_from": "31/31/2026"},
        )
    ]

    assert "<html" not in partial
    assert "Open refund form" not in partial
    assert partial.count('data-testid="refund-row"') == 1
    assert [r.status_code for r in responses] == [200] * 5
    assert [len(r.context["page"].object_list) for r in responses] == [2] * 5


# --- Supplementary bills --------------------------------------------------------------------------


def _bill(merchant, amount: int, type: str, reason: str, day: int) -> Makeup:
    bill = wallet_bills.makeup_create(
        merchant=merchant, amount_minor=amount, reason=reason, type=type
    )
    Makeup.objects.filter(pk=bill.pk).update(created_at=datetime(2026, 5, day, 8, tzinfo=UTC))
    return bill


@pytest.fixture
def billed(merchant, other_merchant):
    freight = _bill(merchant, 300, MakeupType.FREIGHT, "remote area surcharge", 1)
    product = _bill(merchant, 900, MakeupType.PRODUCT, "price change", 4)
    theirs = _bill(other_merchant, 500, MakeupType.FREIGHT, "their surcharge", 2)
    return freight, product, theirs


def test_merchant_bill_list_is_scoped_filtered_and_sorted(client, owner, billed):
    freight, product, theirs = billed
    client.force_login(owner)

    assert _codes(client.get(BILLS)) == [product.code, freight.code]
    assert _codes(client.get(BILLS, {"type": "freight"})) == [freight.code]
    assert _codes(client.get(BILLS, {"q": "price"})) == [product.code]
    assert _codes(client.get(BILLS, {"q": theirs.code})) == []
    assert _codes(client.get(BILLS, {"date_to": "2026-05-02"})) == [freight.code]
    assert _codes(client.get(BILLS, {"sort": "amount"})) == [freight.code, product.code]


def test_merchant_bill_csv_holds_only_own_filtered_bills(client, owner, billed):
    freight, _product, theirs = billed
    client.force_login(owner)

    rows = _csv(client.get(BILLS, {"export": "csv", "type": "freight"}))

    assert rows == [
        ["Bill", "Date", "Order", "Type", "Reason", "Status", "Amount"],
        [
            freight.code,
            "2026-05-01 08:00",
            "",
            "Freight difference",
            "remote area surcharge",
            "Awaiting payment",
            "$3.00",
        ],
    ]
    assert theirs.code not in str(rows)


def test_merchant_bill_list_keeps_its_pay_buttons_and_confirmations(client, owner, billed):
    client.force_login(owner)

    html = client.get(BILLS).content.decode()

    assert html.count('name="codes"') == 2
    assert html.count('data-testid="makeup-pay-one"') == 2
    assert 'data-testid="makeup-pay-selected"' in html
    assert 'data-confirm="Pay the selected bills from your wallet?"' in html
    assert f'formaction="{reverse("wallet:makeup_pay")}" name="one"' in html


def test_a_rows_pay_button_pays_that_bill_only_whatever_is_ticked(client, merchant, owner, billed):
    freight, product, _theirs = billed
    fund(merchant, owner, 5_000)
    client.force_login(owner)

    response = client.post(
        reverse("wallet:makeup_pay"), {"one": freight.code, "codes": [freight.code, product.code]}
    )

    assert response.status_code == 302
    assert Makeup.objects.get(pk=freight.pk).status == MakeupStatus.PAID
    assert Makeup.objects.get(pk=product.pk).status == MakeupStatus.UNPAID
    assert available(merchant) == 5_000 - 300


def test_merchant_bill_list_htmx_and_bad_input(client, owner, billed):
    client.force_login(owner)

    partial = client.get(BILLS, {"status": "unpaid"}, HTTP_HX_REQUEST="true")
    bad = [
        client.get(BILLS, q)
        for q in ({"page": "-1"}, {"sort": "merchant__owner__email"}, {"type": "?"})
    ]

    assert "<html" not in partial.content.decode()
    assert "unpaid_count" not in partial.context
    assert partial.content.decode().count('data-testid="makeup-row"') == 2
    assert [len(r.context["page"].object_list) for r in bad] == [2, 2, 2]


def test_finance_bill_list_shows_all_merchants_and_filters_by_account_number(
    client, finance, billed, other_merchant
):
    freight, product, theirs = billed
    client.force_login(finance)

    everyone = client.get(OPS_BILLS)
    by_number = client.get(OPS_BILLS, {"merchant": other_merchant.account_number.lower()})
    rows = _csv(client.get(OPS_BILLS, {"export": "csv", "sort": "-amount"}))

    assert _codes(everyone) == [product.code, theirs.code, freight.code]
    assert 'name="codes"' not in everyone.content.decode()
    assert everyone.content.decode().count('data-testid="makeup-cancel-link"') == 3
    assert _codes(by_number) == [theirs.code]
    assert [row[0] for row in rows] == ["Bill", product.code, theirs.code, freight.code]
    assert rows[0][2] == "Merchant"
