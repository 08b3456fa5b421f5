"""After-sales demo data (``demo.aftersales``, loaded by ``demo.loader.demo_load``): a dispute
under review, one refunded, one resent and an answered ticket, on the merchant's and the
support operator's pages."""

import pytest
from django.urls import reverse

from dropyard.accounts.models import User
from dropyard.aftersales.choices import (
    DisputeOutcome,
    DisputeReason,
    DisputeStatus,
    ExpectType,
    MessageSide,
)
from dropyard.aftersales.choices_tickets import TicketCategory, TicketStatus
from dropyard.aftersales.models import Dispute
from dropyard.aftersales.models_tickets import Ticket
from dropyard.core.models import AuditEvent
from dropyard.demo import aftersales as as_demo
from dropyard.demo import loader as demo
from dropyard.orders.choices import OrderStatus, OrderSubStatus, OrderType
from dropyard.orders.models import Order
from dropyard.wallet import ledger
from dropyard.wallet.models import Refund

pytestmark = pytest.mark.django_db

SUPPORT = "support@dropyard.example"


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


def thread(dispute_or_ticket) -> list[str]:
    return list(dispute_or_ticket.messages.order_by("pk").values_list("side", flat=True))


def test_demo_disputes_and_ticket(load, client):
    result = load()
    merchant = result.merchant
    support = User.objects.get(email=SUPPORT)
    disputes = {d.business_dispute_id: d for d in Dispute.objects.filter(merchant=merchant)}

    assert sorted(disputes) == ["DEMO-AS-1", "DEMO-AS-2", "DEMO-AS-3"]
    assert {d.assigned_to for d in disputes.values()} == {support}
    review = disputes["DEMO-AS-1"]
    assert (review.status, review.outcome, review.reason, review.expect_type) == (
        DisputeStatus.UNDER_REVIEW,
        "",
        DisputeReason.DELAYED,
        ExpectType.REFUND,
    )
    assert thread(review) == [MessageSide.MERCHANT, MessageSide.OPERATOR]
    assert (review.order.order_number, review.order.status) == ("WALLET-2004", OrderStatus.SHIPPED)

    refunded = disputes["DEMO-AS-2"]
    assert (refunded.status, refunded.outcome, refunded.reason) == (
        DisputeStatus.RESOLVED,
        DisputeOutcome.REFUNDED,
        DisputeReason.DAMAGED,
    )
    refund = Refund.objects.get(merchant=merchant)
    assert refunded.refund == refund
    assert refund.amount_minor == refunded.granted_amount_minor == refunded.max_amount_minor > 0
    assert (refund.destination, refund.status) == ("wallet", "completed")
    assert refunded.evidence.filter(kind="image").count() == 1
    # The delivered orders still became DELIVERED when the load committed.
    assert (refunded.order.order_number, refunded.order.status) == (
        "WALLET-2001",
        OrderStatus.DELIVERED,
    )

    resent = disputes["DEMO-AS-3"]
    assert (resent.status, resent.outcome, resent.reason) == (
        DisputeStatus.RESOLVED,
        DisputeOutcome.RESENT,
        DisputeReason.WRONG,
    )
    resend = resent.resend_order
    assert (resent.order.order_number, resent.order.status) == ("DEMO-1001", OrderStatus.DELIVERED)
    assert resend.order_number == f"DEMO-1001-RS{resent.public_id}"
    assert (resend.order_type, resend.original_order, resend.total_amount_minor) == (
        OrderType.RESEND,
        resent.order,
        0,
    )
    assert (resend.status, resend.sub_status) == (OrderStatus.UNSHIPPED, OrderSubStatus.PENDING)
    assert resent.evidence.filter(kind="image").count() == 1

    ticket = Ticket.objects.get(merchant=merchant)
    assert (ticket.subject, ticket.category, ticket.status) == (
        as_demo.TICKET_SUBJECT,
        TicketCategory.ORDER,
        TicketStatus.AWAITING_YOUR_REPLY,
    )
    assert (ticket.order.order_number, ticket.assigned_to) == ("DEMO-1009", support)
    assert ticket.first_response_at is not None
    assert thread(ticket) == [MessageSide.MERCHANT, MessageSide.OPERATOR]
    assert ledger.ledger_integrity_check() == []

    client.force_login(User.objects.get(email=demo.OWNER_EMAIL))
    center = client.get(reverse("aftersales:center"), {"tab": "all"}).content.decode()
    for dispute in disputes.values():
        assert dispute.order.code in center
    client.force_login(support)
    desk = client.get(reverse("aftersales_ops:disputes")).content.decode()
    assert review.order.code in desk
    tickets = client.get(reverse("aftersales_ops:tickets"), {"queue": "mine"}).content.decode()
    assert ticket.code in tickets


def test_second_demo_run_creates_no_after_sales_data(load):
    load()
    before = (
        Dispute.objects.count(),
        Ticket.objects.count(),
        Order.objects.filter(order_type=OrderType.RESEND).count(),
        Refund.objects.count(),
        AuditEvent.objects.count(),
    )

    result = load()

    assert not [c for c in result.created if "dispute" in c or "ticket" in c]
    after = (
        Dispute.objects.count(),
        Ticket.objects.count(),
        Order.objects.filter(order_type=OrderType.RESEND).count(),
        Refund.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before


def test_no_after_sales_demo_without_a_catalog(load):
    load(products=0)

    assert not Dispute.objects.exists()
    assert not Ticket.objects.exists()
