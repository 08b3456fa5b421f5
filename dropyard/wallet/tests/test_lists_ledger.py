"""The wallet's transactions on the generic list page (the wallet page): search by code, kind,
day range, sort, CSV export with the references as codes, the htmx partial, bad input, and
scoping (another merchant's entries are never listed)."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from dropyard.checkout import services as checkout_services
from dropyard.orders.tests.factories import make_order_world
from dropyard.wallet.models import Entry, LedgerTransaction, TopUp

from .payment_helpers import confirmed, fund

pytestmark = pytest.mark.django_db

WALLET = reverse("wallet:home")


@pytest.fixture
def ledger(merchant, owner, other_merchant):
    """The merchant: a $300 top-up on March 1st, a $100 one on March 5th, then one order paid
    from the wallet today; another merchant: a $99 top-up."""
    world = make_order_world()
    fund(merchant, owner, 30_000)
    fund(merchant, owner, 10_000)
    fund(other_merchant, other_merchant.owner, 9_900)
    first, second = TopUp.objects.filter(merchant=merchant).order_by("pk")
    for topup, day in ((first, 1), (second, 5)):
        LedgerTransaction.objects.filter(pk=topup.transaction_id).update(
            created_at=datetime(2026, 3, day, 12, tzinfo=UTC)
        )
    _, orders = confirmed(merchant, owner, world, 1)
    checkout_services.pay_from_wallet(merchant=merchant, orders=orders, actor=owner)
    return first, second, orders[0]


def _amounts(response) -> list[int]:
    return [e.amount_minor for e in response.context["page"].object_list]


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body)))


def test_wallet_lists_only_own_entries_newest_first(client, owner, ledger):
    client.force_login(owner)

    response = client.get(WALLET)

    html = response.content.decode()
    paid = _amounts(response)[0]
    assert paid < 0
    assert _amounts(response) == [paid, 10_000, 30_000]
    assert "$99.00" not in html
    assert 'data-testid="result-count">3 transactions</div>' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "topup"}, [10_000, 30_000]),
        ({"date_from": "2026-03-01", "date_to": "2026-03-04"}, [30_000]),
        ({"date_from": "2026-03-05", "date_to": "2026-03-05"}, [10_000]),
    ],
)
def test_wallet_entries_filter_by_kind_and_days(client, owner, ledger, query, expected):
    client.force_login(owner)

    assert _amounts(client.get(WALLET, query)) == expected


def test_wallet_entries_search_by_topup_order_and_invoice_code(client, owner, ledger):
    first, _second, order = ledger
    client.force_login(owner)
    invoice = order.invoices.get()

    by_topup = _amounts(client.get(WALLET, {"q": first.code}))
    by_order = client.get(WALLET, {"q": order.code}).context["page"].object_list
    by_invoice = client.get(WALLET, {"q": invoice.number}).context["page"].object_list

    assert by_topup == [30_000]
    assert [e.transaction.kind for e in by_order] == ["order_payment"]
    assert [e.transaction.kind for e in by_invoice] == ["order_payment"]


def test_wallet_entries_search_never_finds_another_merchants_entries(
    client, owner, ledger, other_merchant
):
    theirs = TopUp.objects.get(merchant=other_merchant)
    client.force_login(owner)

    assert _amounts(client.get(WALLET, {"q": theirs.code})) == []
    assert _amounts(client.get(WALLET, {"q": theirs.transaction.code})) == []


def test_wallet_entries_sort_by_amount(client, owner, ledger):
    client.force_login(owner)

    up = _amounts(client.get(WALLET, {"sort": "amount"}))
    down = _amounts(client.get(WALLET, {"sort": "-amount"}))

    assert up == sorted(up)
    assert down == sorted(up, reverse=True)
    assert up[0] < 0


def test_wallet_entries_csv_holds_the_filtered_rows_with_reference_codes(client, owner, ledger):
    first, second, _order = ledger
    client.force_login(owner)

    rows = _csv(client.get(WALLET, {"export": "csv", "kind": "topup", "sort": "amount"}))

    assert rows == [
        ["Date", "Kind", "Description", "Reference", "Amount", "Balance after"],
        [
            "2026-03-05 12:00",
            "Top-up",
            second.transaction.memo,
            f"Top-up {second.code}; Receipt {second.receipt.number}",
            "$100.00",
            "$400.00",
        ],
        [
            "2026-03-01 12:00",
            "Top-up",
            first.transaction.memo,
            f"Top-up {first.code}; Receipt {first.receipt.number}",
            "$300.00",
            "$300.00",
        ],
    ]


def test_wallet_entries_htmx_answers_only_the_results(client, owner, ledger):
    client.force_login(owner)

    response = client.get(WALLET, {"kind": "topup"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html
    assert 'data-testid="balance-available"' not in html
    assert "activity" not in response.context
    assert html.count('data-testid="entry-row"') == 2


@pytest.mark.parametrize(
    "query",
    [
        {"page": "zz"},
        {"page": "40"},
        {"sort": "account__merchant__owner__password"},
        {"per_page": "7"},
        {"kind": "no_such_kind"},
        {"account_kind": "platform_cash"},
        {"date_to": "yesterday"},
    ],
)
def test_wallet_entries_bad_input_does_not_fail(client, owner, ledger, query):
    client.force_login(owner)

    response = client.get(WALLET, query)

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3
    assert Entry.objects.count() > 3  # the other merchant's and the platform's exist
