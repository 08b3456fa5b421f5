"""The merchant's top-up list and finance's wire queue on the generic list page: filters, sort,
CSV export, the htmx partial, bad input, and scoping (another merchant's top-ups are never
listed; finance sees every merchant's wires)."""

import csv
import io
from datetime import UTC, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dropyard.accounts.tests.factories import PDF, make_operator
from dropyard.wallet.choices import Provider, TopUpStatus
from dropyard.wallet.models import TopUp
from dropyard.wallet.topups import topup_create

from .payment_helpers import fund

pytestmark = pytest.mark.django_db

TOPUPS = reverse("wallet:topup_list")
WIRES = reverse("wallet_ops:wire_list")


def _wire(merchant, actor, amount: int, reference: str) -> TopUp:
    return topup_create(
        merchant=merchant,
        provider=Provider.WIRE,
        amount_minor=amount,
        actor=actor,
        wire_reference=reference,
        proof=SimpleUploadedFile("confirmation.pdf", PDF),
    )


def _dated(topup: TopUp, day: int) -> TopUp:
    TopUp.objects.filter(pk=topup.pk).update(created_at=datetime(2026, 3, day, 12, tzinfo=UTC))
    return topup


def _codes(response) -> list[str]:
    return [t.code for t in response.context["page"].object_list]


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode().lstrip("\ufeff")
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def topups(merchant, owner, other_merchant):
    """Three of the merchant's top-ups on three days (a $50 sandbox credit on the 1st, a
    pending $250 wire on the 2nd, a pending $80 wire on the 3rd) and one of another merchant's."""
    fund(merchant, owner, 5_000)
    sandbox = _dated(TopUp.objects.get(merchant=merchant), 1)
    big = _dated(_wire(merchant, owner, 25_000, "BANK-REF-BIG"), 2)
    small = _dated(_wire(merchant, owner, 8_000, "BANK-REF-SMALL"), 3)
    theirs = _dated(_wire(other_merchant, other_merchant.owner, 9_900, "THEIR-REF"), 2)
    return sandbox, big, small, theirs


@pytest.fixture
def finance(db):
    return make_operator(role="finance")


# --- The merchant's top-ups -----------------------------------------------------------------------


def test_topup_list_shows_only_own_topups_newest_first(client, owner, topups):
    sandbox, big, small, theirs = topups
    client.force_login(owner)

    response = client.get(TOPUPS)

    html = response.content.decode()
    assert _codes(response) == [small.code, big.code, sandbox.code]
    assert theirs.code not in html
    assert 'data-testid="result-count">3 top-ups</div>' in html
    assert '<td data-label="Amount" class="text-end text-nowrap" data-primary="1">$250.00</td>' in (
        html
    )
    detail = reverse("wallet:topup_detail", args=[big.public_id])
    assert f'<a href="{detail}">{big.code}</a>' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "pending"}, ["small", "big"]),
        ({"provider": "sandbox"}, ["sandbox"]),
        ({"q": "bank-ref-big"}, ["big"]),
        ({"date_from": "2026-03-02", "date_to": "2026-03-02"}, ["big"]),
        ({"date_from": "2026-03-02"}, ["small", "big"]),
    ],
)
def test_topup_list_filters(client, owner, topups, query, expected):
    named = dict(zip(("sandbox", "big", "small"), topups, strict=False))
    client.force_login(owner)

    response = client.get(TOPUPS, query)

    assert _codes(response) == [named[name].code for name in expected]


def test_topup_list_finds_a_topup_by_its_code_but_not_another_merchants(client, owner, topups):
    sandbox, _big, _small, theirs = topups
    client.force_login(owner)

    assert _codes(client.get(TOPUPS, {"q": sandbox.code.lower()})) == [sandbox.code]
    assert _codes(client.get(TOPUPS, {"q": theirs.code})) == []
    assert _codes(client.get(TOPUPS, {"q": theirs.public_id})) == []


def test_topup_list_sorts_by_amount(client, owner, topups):
    sandbox, big, small, _theirs = topups
    client.force_login(owner)

    up = client.get(TOPUPS, {"sort": "amount"})
    down = client.get(TOPUPS, {"sort": "-amount"})

    assert _codes(up) == [sandbox.code, small.code, big.code]
    assert _codes(down) == [big.code, small.code, sandbox.code]


def test_topup_csv_holds_the_filtered_rows_with_codes_and_money(client, owner, topups):
    _sandbox, big, small, theirs = topups
    client.force_login(owner)

    rows = _csv(client.get(TOPUPS, {"export": "csv", "status": "pending", "sort": "amount"}))

    assert rows == [
        ["Top-up", "Date", "Method", "Status", "Amount", "Fee"],
        [small.code, "2026-03-03 12:00", "Wire transfer", "Awaiting finance", "$80.00", "$0.00"],
        [big.code, "2026-03-02 12:00", "Wire transfer", "Awaiting finance", "$250.00", "$0.00"],
    ]
    assert theirs.code not in str(rows)


def test_topup_list_htmx_answers_only_the_results(client, owner, topups):
    client.force_login(owner)

    response = client.get(TOPUPS, {"provider": "wire"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html
    assert "Card or PayPal" not in html  # the page's header is not in the partial
    assert html.count('data-testid="topup-row"') == 2
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "999"},
        {"page": "-3"},
        {"sort": "merchant__password"},
        {"sort": "-nope"},
        {"per_page": "1000000"},
        {"status": "bogus", "provider": "x" * 500},
        {"date_from": "2026-13-45"},
        {"q": "x" * 101},
    ],
)
def test_topup_list_bad_input_does_not_fail(client, owner, topups, query):
    client.force_login(owner)

    response = client.get(TOPUPS, query)

    assert response.status_code == 200
    assert len(response.context["page"].object_list) in (0, 3)


def test_topup_list_empty_states_say_what_to_do(client, owner, merchant):
    client.force_login(owner)

    empty = client.get(TOPUPS).content.decode()
    filtered = client.get(TOPUPS, {"status": "rejected"}).content.decode()

    assert "No top-ups yet. Add money with one of the methods above" in empty
    assert 'href="/wallet/topups/wire/"' in empty
    assert "No top-up matches these filters." in filtered


# --- Finance's wire queue -------------------------------------------------------------------------


def test_wire_queue_lists_every_merchants_pending_wires_oldest_first(client, finance, topups):
    _sandbox, big, small, theirs = topups
    client.force_login(finance)

    response = client.get(WIRES)

    html = response.content.decode()
    # Same day for big and theirs: created first, listed first.
    assert _codes(response) == [big.code, theirs.code, small.code]
    assert html.count('data-testid="wire-review"') == 3
    detail = reverse("wallet_ops:wire_detail", args=[big.public_id])
    review = f'<a class="btn btn-sm btn-primary" href="{detail}" data-testid="wire-review">'
    assert f"{review}Review…</a>" in html


def test_wire_queue_filters_by_status_merchant_and_dates(client, finance, topups, other_merchant):
    _sandbox, big, small, theirs = topups
    TopUp.objects.filter(pk=small.pk).update(status=TopUpStatus.REJECTED)
    client.force_login(finance)

    assert _codes(client.get(WIRES, {"status": "rejected"})) == [small.code]
    assert _codes(client.get(WIRES, {"status": "all"})) == [big.code, theirs.code, small.code]
    assert _codes(client.get(WIRES, {"q": other_merchant.account_number})) == [theirs.code]
    assert _codes(client.get(WIRES, {"q": big.code})) == [big.code]
    assert _codes(client.get(WIRES, {"status": "all", "date_from": "2026-03-03"})) == [small.code]


def test_wire_queue_sorts_and_exports_the_filtered_rows(client, finance, topups, other_merchant):
    _sandbox, big, small, theirs = topups
    client.force_login(finance)

    by_amount = client.get(WIRES, {"sort": "-amount"})
    rows = _csv(client.get(WIRES, {"export": "csv", "q": other_merchant.account_number}))

    assert _codes(by_amount) == [big.code, theirs.code, small.code]
    assert rows == [
        ["Top-up", "Submitted", "Merchant", "Bank reference", "Status", "Amount"],
        [
            theirs.code,
            "2026-03-02 12:00",
            f"{other_merchant.business_name} {other_merchant.account_number}",
            "THEIR-REF",
            "Awaiting finance",
            "$99.00",
        ],
    ]


def test_wire_queue_htmx_and_bad_input(client, finance, topups):
    client.force_login(finance)

    partial = client.get(WIRES, {"status": "all"}, HTTP_HX_REQUEST="true").content.decode()
    bad = client.get(WIRES, {"status": "<script>", "page": "x", "sort": "decided_by__password"})

    assert "<html" not in partial
    assert partial.count('data-testid="wire-row"') == 3
    assert bad.status_code == 200
    assert len(bad.context["page"].object_list) == 3  # a bad status: the pending queue


def test_wire_queue_is_finance_only(client, owner, topups):
    client.force_login(owner)

    assert client.get(WIRES).status_code == 403
    assert client.get(WIRES, {"export": "csv"}).status_code == 403
