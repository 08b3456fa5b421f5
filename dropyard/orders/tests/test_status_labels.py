"""One status vocabulary (``orders.status_labels``): every contract status and sub-status maps
to CJ's merchant group with a detail line, and the order list, tabs, filter, detail header,
history and both CSV exports read through it."""

import csv
import io
import re

import pytest
from django.urls import reverse

from dropyard.orders import selectors, services
from dropyard.orders.choices import OrderStatus, OrderSubStatus
from dropyard.orders.csv_io import EXPORT_HEADER
from dropyard.orders.forms import OrderFilterForm
from dropyard.orders.services.payment import paid_note
from dropyard.orders.status_labels import (
    StatusGroup,
    StatusLabel,
    group_statuses,
    order_status_label,
)
from dropyard.orders.templatetags.orders_tags import event_kind_label
from dropyard.orders.tests.factories import make_order_world, order_item

S, SUB, G = OrderStatus, OrderSubStatus, StatusGroup

EXPECTED = {
    (S.CREATED, ""): ("Pending", "Created, not confirmed yet", "text-bg-secondary"),
    (S.IN_CART, ""): ("Pending", "In the cart, not confirmed yet", "text-bg-secondary"),
    (S.UNPAID, ""): ("Pending", "Confirmed, awaiting payment", "text-bg-warning"),
    (S.UNSHIPPED, ""): ("Processing", "Paid, awaiting shipment", "text-bg-info"),
    (S.UNSHIPPED, SUB.PENDING): ("Processing", "Paid, waiting for the warehouse", "text-bg-info"),
    (S.UNSHIPPED, SUB.PROCESSING): ("Processing", "The warehouse is preparing it", "text-bg-info"),
    (S.SHIPPED, ""): ("Dispatched", "Shipped, in transit", "text-bg-primary"),
    (S.DELIVERED, ""): ("Completed", "Delivered", "text-bg-success"),
    (S.CANCELLED, ""): ("Cancelled", "", "text-bg-dark"),
}


@pytest.mark.parametrize("status", list(OrderStatus))
@pytest.mark.parametrize("sub_status", list(OrderSubStatus))
def test_every_status_and_sub_status_reads_in_the_merchant_vocabulary(status, sub_status):
    label = order_status_label(status, sub_status)

    # A sub-status exists only under UNSHIPPED; anywhere else it is ignored.
    key = (status, sub_status if status == S.UNSHIPPED else "")
    assert (label.label, label.detail, label.badge) == EXPECTED[key]
    assert label.label in G.labels


@pytest.mark.parametrize("status", list(OrderStatus))
def test_no_detail_repeats_a_code_or_a_group_name(status):
    for sub in SUB:
        detail = order_status_label(status, sub).detail
        assert status.value not in detail
        assert not {"Pending", "Processing"} & set(detail.split())


def test_plain_text_joins_group_and_detail():
    assert order_status_label(S.UNPAID).text == "Pending: Confirmed, awaiting payment"
    assert order_status_label(S.CANCELLED).text == "Cancelled"


def test_an_unknown_status_is_a_value_error():
    with pytest.raises(ValueError, match="unknown order status 'SHIPPING'"):
        order_status_label("SHIPPING")


def test_the_tabs_are_the_groups_and_cover_every_status_once():
    groups = group_statuses()

    assert groups == selectors.TABS
    assert list(groups) == [g.value for g in StatusGroup]
    assert sorted(s for statuses in groups.values() for s in statuses) == sorted(S.values)


def test_the_status_filter_offers_every_status_under_its_group_in_the_same_words():
    choices = dict(OrderFilterForm().fields["status"].choices)

    assert choices.pop("") == "Any status"
    assert choices == {
        "Pending": [
            ("CREATED", "Created, not confirmed yet"),
            ("IN_CART", "In the cart, not confirmed yet"),
            ("UNPAID", "Confirmed, awaiting payment"),
        ],
        "Processing": [
            ("UNSHIPPED", "Paid, awaiting shipment"),
            ("PENDING", "Paid, waiting for the warehouse"),
            ("PROCESSING", "The warehouse is preparing it"),
        ],
        "Dispatched": [("SHIPPED", "Shipped, in transit")],
        "Completed": [("DELIVERED", "Delivered")],
        "Cancelled": [("CANCELLED", "Cancelled")],
    }


# --- Pages and exports -----------------------------------------------------------------------


@pytest.fixture
def shop(db):
    return make_order_world()


def _text(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def _paid_order(client, merchant, shop):
    """A sandbox order confirmed, given a payment order and paid: UNSHIPPED / PENDING."""
    order = services.order_create(
        merchant=merchant, actor=merchant.owner, **order_item((shop.red, 1), is_sandbox=True)
    )
    client.post(reverse("orders:confirm", args=[order.public_id]))
    client.post(reverse("orders:generate_payment", args=[order.public_id]))
    order.refresh_from_db()
    client.post(reverse("orders:pay", args=[order.parent.pay_id]))
    order.refresh_from_db()
    return order


@pytest.mark.django_db
def test_list_shows_the_group_badge_with_the_fine_status_under_it(client, merchant, shop):
    client.force_login(merchant.owner)
    paid = _paid_order(client, merchant, shop)

    html = client.get(reverse("orders:list")).content.decode()

    assert (paid.status, paid.sub_status) == (S.UNSHIPPED, SUB.PENDING)
    assert (
        '<span class="badge text-bg-info">Processing</span><div class="small text-secondary" '
        'data-testid="status-detail">Paid, waiting for the warehouse</div>'
    ) in html
    tabs = re.findall(r'data-testid="tab-[a-z]+">(.*?)</a>', html, re.S)
    assert [_text(t) for t in tabs] == [
        "All 1", "Pending 0", "Processing 1", "Dispatched 0", "Completed 0", "Cancelled 0",
    ]  # fmt: skip
    assert ">UNSHIPPED<" not in html
    assert ">Unpaid<" not in html


@pytest.mark.django_db
def test_detail_header_and_history_use_the_same_words_and_no_id(client, merchant, shop):
    client.force_login(merchant.owner)
    order = _paid_order(client, merchant, shop)

    html = client.get(reverse("orders:detail", args=[order.public_id])).content.decode()

    header = html[html.index("<h1") : html.index('data-testid="order-actions"')]
    assert _text(re.search(r'data-testid="order-status".*?</div>', header, re.S)[0]).endswith(
        "Processing Paid, waiting for the warehouse"
    )
    assert order.code in header
    assert not re.search(rf"(?<!DY){order.public_id}", _text(header))
    history = [
        _text(m) for m in re.findall(r'data-testid="timeline-status">(.*?)</div>', html, re.S)
    ]
    assert history == [
        "Pending · Created, not confirmed yet",
        "Pending · Confirmed, awaiting payment (was Pending · Created, not confirmed yet)",
        "Processing · Paid, waiting for the warehouse (was Pending · Confirmed, awaiting payment)",
    ]
    assert "UNPAID" not in _text(html[html.index('data-testid="order-timeline"') :])


@pytest.mark.django_db
def test_both_order_csv_exports_carry_the_group_and_detail(client, merchant, shop):
    client.force_login(merchant.owner)
    order = _paid_order(client, merchant, shop)

    listing = client.get(reverse("orders:export"))
    history = client.get(reverse("wallet:order_export"))

    rows = list(
        csv.DictReader(io.StringIO(b"".join(listing.streaming_content).decode("utf-8-sig")))
    )
    wallet_rows = list(
        csv.DictReader(io.StringIO(b"".join(history.streaming_content).decode("utf-8-sig")))
    )
    assert EXPORT_HEADER[3:7] == ["status", "sub_status", "status_label", "status_detail"]
    expected = ("UNSHIPPED", "Processing", "Paid, waiting for the warehouse")
    assert [(r["status"], r["status_label"], r["status_detail"]) for r in rows] == [expected]
    assert [
        (r["order_code"], r["status"], r["status_label"], r["status_detail"]) for r in wallet_rows
    ] == [(order.code, *expected)]


def test_status_label_is_a_frozen_value():
    label = order_status_label(S.SHIPPED)

    assert label == StatusLabel(G.DISPATCHED, "Shipped, in transit", "text-bg-primary")
    with pytest.raises(AttributeError):
        label.detail = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("reference", "note"),
    [
        ("wallet:917288089146973705", "paid from the wallet"),
        ("sandbox:917287998514042113", "paid with the Sandbox provider (no real money)"),
        ("stripe:ch_3Test", "paid by card (Stripe), ch_3Test"),
        ("paypal:5O190127TN364715T", "paid with PayPal, 5O190127TN364715T"),
        ("free", "nothing to pay"),
        ("", "paid"),
        ("bank:REF-1", "paid bank:REF-1"),
    ],
)
def test_the_payment_note_names_the_method_not_our_ids(reference, note):
    assert paid_note(reference) == note


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("routed", "Shipping planned"),
        ("shipment", "Moved to a new payment"),
        ("remainder_cancelled", "Rest of the order cancelled"),
        ("some_new_kind", "Some new kind"),
    ],
)
def test_history_kinds_read_as_words(kind, label):
    assert event_kind_label(kind) == label
