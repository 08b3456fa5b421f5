"""The operator dispute desk: the list (scope, filters, sort, CSV, overdue), the detail and
its actions through the test client, with the real services."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dropyard.accounts.services import merchant_agent_assign
from dropyard.accounts.tests.factories import make_merchant, make_operator
from dropyard.aftersales import services
from dropyard.aftersales.choices import DisputeOutcome, DisputeReason, DisputeStatus, ExpectType
from dropyard.aftersales.models import Dispute, DisputeMessage
from dropyard.aftersales.services import ClaimLine
from dropyard.aftersales.tests.factories import Shop, make_shop, paid_order
from dropyard.core.money import Money
from dropyard.wallet.models import Refund
from dropyard.wallet.tests.payment_helpers import available, fund

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    return make_shop()


@pytest.fixture
def admin(db):
    return make_operator(role="admin")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _open(shop, order=None, *, quantity=1, reason=DisputeReason.DELAYED) -> Dispute:
    order = order or paid_order(shop)
    line = order.lines.order_by("pk").first()
    return services.dispute_create(
        merchant=shop.merchant,
        actor=shop.owner,
        order=order,
        reason=reason,
        expect_type=ExpectType.REFUND,
        message_text="Nothing moves",
        lines=[ClaimLine(line.line_item_id, quantity)],
    )


def _url(name: str, dispute: Dispute) -> str:
    return reverse(f"aftersales_ops:{name}", kwargs={"public_id": dispute.public_id})


def _codes(response) -> list[str]:
    return [row.record.order.code for row in response.context["table"].page.object_list]


# --- The desk --------------------------------------------------------------------------------


def test_the_desk_shows_open_disputes_most_urgent_first(shop, admin):
    late = _open(shop)
    soon = _open(shop)
    done = _open(shop)
    Dispute.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    services.dispute_cancel(merchant=shop.merchant, dispute=done, actor=shop.owner)

    response = _client(admin).get(reverse("aftersales_ops:disputes"))

    assert response.status_code == 200
    assert _codes(response) == [late.order.code, soon.order.code]
    html = response.content.decode()
    assert html.count('data-testid="overdue"') == 1
    assert "due in" in html


def test_the_desk_filters_and_sorts(shop, admin):
    first = _open(shop)
    second = _open(shop, reason=DisputeReason.LOST)
    services.dispute_cancel(merchant=shop.merchant, dispute=first, actor=shop.owner)
    services.dispute_assign(dispute=second, actor=admin, assignee=admin)
    client = _client(admin)
    url = reverse("aftersales_ops:disputes")

    assert _codes(client.get(url, {"status": "all", "sort": "-created_at"})) == [
        second.order.code,
        first.order.code,
    ]
    assert _codes(client.get(url, {"status": DisputeStatus.CANCELLED})) == [first.order.code]
    assert _codes(client.get(url, {"status": "all", "assignee": "me"})) == [second.order.code]
    assert _codes(client.get(url, {"status": "all", "assignee": "none"})) == [first.order.code]
    assert _codes(client.get(url, {"reason": str(DisputeReason.LOST)})) == [second.order.code]
    assert _codes(client.get(url, {"overdue": "on"})) == []
    assert _codes(client.get(url, {"q": "After-sales"})) == [second.order.code]
    assert _codes(client.get(url, {"q": "nobody like this"})) == []
    assert _codes(client.get(url, {"status": "bogus", "reason": "abc"})) == [second.order.code]


def test_the_desk_exports_csv(shop, admin):
    dispute = _open(shop)

    response = _client(admin).get(reverse("aftersales_ops:disputes"), {"export": "csv"})

    body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    assert dispute.order.code in body
    assert "After-sales Shop" in body


def test_an_agent_sees_only_assigned_merchants(shop, admin):
    mine = _open(shop)
    other_merchant = make_merchant(business_name="Someone Else")
    fund(other_merchant, other_merchant.owner, 100_000)
    other = _open(Shop(other_merchant, other_merchant.owner, shop.world))
    agent = make_operator(role="agent")
    merchant_agent_assign(merchant=shop.merchant, agent=agent, actor=admin)
    client = _client(agent)

    assert _codes(client.get(reverse("aftersales_ops:disputes"))) == [mine.order.code]
    assert client.get(_url("dispute", other)).status_code == 404
    assert client.post(_url("dispute_message", other), {"message-body": "hi"}).status_code == 404
    assert client.get(_url("dispute", mine)).status_code == 200


def test_the_nav_badge_counts_open_overdue_or_unassigned(shop, admin):
    _open(shop)  # unassigned
    taken = _open(shop)
    services.dispute_assign(dispute=taken, actor=admin, assignee=admin)
    late = _open(shop)
    services.dispute_assign(dispute=late, actor=admin, assignee=admin)
    Dispute.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))

    response = _client(admin).get(reverse("aftersales_ops:disputes"))

    links = [link for group in response.context["nav_groups"] for link in group["links"]]
    assert next(link["badge"] for link in links if link["name"] == "aftersales_ops:disputes") == 2


# --- The detail and its actions --------------------------------------------------------------


def test_the_detail_shows_the_dispute(shop, admin):
    dispute = _open(shop)

    response = _client(admin).get(_url("dispute", dispute))

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("orders_ops:detail", args=[dispute.order.public_id]) in html
    # Prefilled with what the merchant asked: by default the cap (the line and its freight).
    assert dispute.requested_amount_minor == dispute.max_amount_minor
    assert (
        response.context["refund_form"]["amount"].value()
        == Money(dispute.requested_amount_minor, "USD").wire()
    )
    assert response.context["resend_form"] is None  # the order has not shipped
    assert 'data-testid="dispute-line"' in html


def test_start_review_and_assign(shop, admin):
    dispute = _open(shop)
    support = make_operator(role="support")
    client = _client(support)

    response = client.post(_url("dispute_review", dispute))

    assert response.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.status, dispute.assigned_to) == (DisputeStatus.UNDER_REVIEW, support)
    assert client.post(_url("dispute_review", dispute)).status_code == 409
    response = client.post(_url("dispute_assign", dispute), {"assign-assignee": str(admin.pk)})
    assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.assigned_to == admin


def test_assign_refuses_an_agent_who_cannot_see_the_dispute(shop, admin):
    dispute = _open(shop)
    stranger = make_operator(role="agent")

    response = _client(admin).post(
        _url("dispute_assign", dispute), {"assign-assignee": str(stranger.pk)}
    )

    assert response.status_code == 400
    dispute.refresh_from_db()
    assert dispute.assigned_to is None


def test_an_agent_messages_and_asks_for_evidence_but_cannot_decide(shop, admin):
    dispute = _open(shop)
    agent = make_operator(role="agent")
    merchant_agent_assign(merchant=shop.merchant, agent=agent, actor=admin)
    client = _client(agent)

    message = client.post(_url("dispute_message", dispute), {"message-body": "Looking"})
    assert message.status_code == 302
    assert (
        client.post(
            _url("dispute_evidence", dispute), {"evidence-message": "A photo please"}
        ).status_code
        == 302
    )
    decide = client.post(
        _url("dispute_decide", dispute), {"outcome": "rejected", "reject-note": "no"}
    )

    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.EVIDENCE_REQUESTED
    bodies = DisputeMessage.objects.filter(dispute=dispute, side="operator")
    assert list(bodies.values_list("body", flat=True)) == [
        "Looking",
        "A photo please",
    ]
    assert decide.status_code == 403


def test_a_blank_message_is_a_form_error(shop, admin):
    dispute = _open(shop)

    response = _client(admin).post(_url("dispute_message", dispute), {"message-body": "  "})

    assert response.status_code == 400
    assert response.context["message_form"].errors == {"body": ["This field is required."]}
    assert DisputeMessage.objects.filter(dispute=dispute, side="operator").count() == 0


def test_a_refund_decision_credits_the_merchant(shop, admin):
    dispute = _open(shop)
    before = available(shop.merchant)

    response = _client(admin).post(
        _url("dispute_decide", dispute), {"outcome": "refunded", "refund-amount": "7.50"}
    )

    assert response.status_code == 302
    dispute.refresh_from_db()
    assert (dispute.status, dispute.outcome) == (DisputeStatus.RESOLVED, DisputeOutcome.REFUNDED)
    assert dispute.granted_amount_minor == 750
    assert available(shop.merchant) - before == 750


@pytest.mark.parametrize(
    ("amount", "status", "error"),
    [
        ("-1", 400, "Ensure this value is greater than or equal to 0.01."),
        ("abc", 400, "Enter a number."),
        ("1" * 20, 400, "Ensure that there are no more than 14 digits in total."),
        ("0.001", 400, "Ensure that there are no more than 2 decimal places."),
        ("9999.00", 409, "At most"),
    ],
)
def test_a_bad_refund_amount_is_a_form_error(shop, admin, amount, status, error):
    dispute = _open(shop)
    before = available(shop.merchant)

    response = _client(admin).post(
        _url("dispute_decide", dispute), {"outcome": "refunded", "refund-amount": amount}
    )

    assert response.status_code == status
    assert error in str(response.context["refund_form"].errors)
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.AWAITING_RESPONSE
    assert available(shop.merchant) == before
    assert Refund.objects.count() == 0


def test_reject_needs_a_reason(shop, admin):
    dispute = _open(shop)

    response = _client(admin).post(
        _url("dispute_decide", dispute), {"outcome": "rejected", "reject-note": ""}
    )

    assert response.status_code == 400
    assert response.context["reject_form"].errors == {"note": ["This field is required."]}
    dispute.refresh_from_db()
    assert dispute.status == DisputeStatus.AWAITING_RESPONSE


def test_a_second_decision_is_refused(shop, admin):
    dispute = _open(shop)
    client = _client(admin)
    client.post(_url("dispute_decide", dispute), {"outcome": "rejected", "reject-note": "No."})

    response = client.post(
        _url("dispute_decide", dispute), {"outcome": "refunded", "refund-amount": "1.00"}
    )

    assert response.status_code == 409
    assert response.context["refund_form"].non_field_errors() == ["This dispute is already closed"]
    dispute.refresh_from_db()
    assert (dispute.outcome, dispute.decision_note) == (DisputeOutcome.REJECTED, "No.")
    assert Refund.objects.count() == 0


def test_a_resend_of_an_unshipped_order_is_refused(shop, admin):
    dispute = _open(shop)

    response = _client(admin).post(_url("dispute_decide", dispute), {"outcome": "resent"})

    assert response.status_code == 409
    assert response.context["resend_form"].non_field_errors() == [
        "This outcome is not possible for this order."
    ]


def test_finance_refunds_but_cannot_resend(shop, admin):
    dispute = _open(shop)
    client = _client(make_operator(role="finance"))

    assert client.post(_url("dispute_decide", dispute), {"outcome": "resent"}).status_code == 403
    assert client.post(_url("dispute_decide", dispute), {"outcome": "nope"}).status_code == 400
    response = client.post(
        _url("dispute_decide", dispute), {"outcome": "refunded", "refund-amount": "10.00"}
    )
    assert response.status_code == 302


def test_an_unknown_dispute_id_is_404(admin):
    client = _client(admin)

    assert client.get(reverse("aftersales_ops:dispute", args=["123456789"])).status_code == 404
    assert client.get(reverse("aftersales_ops:dispute", args=["abc"])).status_code == 404
    assert client.get(reverse("aftersales_ops:dispute", args=["9" * 40])).status_code == 404
