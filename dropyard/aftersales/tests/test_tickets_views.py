"""Ticket pages: the merchant's list, new ticket, thread, reply, complete, rate, remind; the
operator desk's queues and actions; scoping (another merchant → 404, an agent's merchants)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dropyard.accounts.tests.factories import make_operator
from dropyard.aftersales import tickets_services
from dropyard.aftersales.choices import MessageSide
from dropyard.aftersales.choices_tickets import TicketStatus
from dropyard.aftersales.models import Ticket

pytestmark = pytest.mark.django_db
T = TicketStatus


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _open(merchant, subject="Invoice copy", **kw):
    return tickets_services.ticket_create(
        merchant=merchant,
        actor=merchant.owner,
        category=kw.pop("category", "payment"),
        subject=subject,
        message="Please send the invoice again.",
        **kw,
    )


def _url(name, ticket):
    return reverse(name, kwargs={"public_id": ticket.public_id})


def test_the_list_shows_own_tickets_with_tabs_and_search(merchant, other_merchant):
    mine = _open(merchant)
    _open(merchant, subject="Login trouble", category="account")
    _open(other_merchant, subject="Not mine")
    client = _client(merchant.owner)

    page = client.get(reverse("aftersales:tickets"))
    found = client.get(reverse("aftersales:tickets"), {"q": "login"})
    by_code = client.get(reverse("aftersales:tickets"), {"q": mine.code})
    tab = client.get(reverse("aftersales:tickets"), {"tab": "you"})

    assert page.status_code == 200
    assert page.content.decode().count('data-testid="ticket-row"') == 2
    assert "Not mine" not in page.content.decode()
    assert found.content.decode().count('data-testid="ticket-row"') == 1
    assert "Login trouble" in found.content.decode()
    assert by_code.content.decode().count('data-testid="ticket-row"') == 1
    assert tab.content.decode().count('data-testid="ticket-row"') == 0


def test_a_new_ticket_from_the_form(merchant):
    client = _client(merchant.owner)

    response = client.post(
        reverse("aftersales:ticket_new"),
        {
            "category": "account",
            "priority": "high",
            "subject": "Add a team member",
            "message": "How do I invite my colleague?",
        },
    )

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("aftersales:ticket", ticket)
    assert (ticket.priority, ticket.status, ticket.created_by) == (
        "high",
        T.AWAITING_CJ_REPLY,
        merchant.owner,
    )


def test_an_order_ticket_without_a_known_order_is_a_form_error(merchant):
    client = _client(merchant.owner)
    data = {"category": "order", "priority": "normal", "subject": "s", "message": "m"}

    missing = client.post(reverse("aftersales:ticket_new"), data)
    unknown = client.post(reverse("aftersales:ticket_new"), {**data, "order_code": "DY404"})

    assert missing.status_code == 400
    assert "Give the order this ticket is about." in missing.content.decode()
    assert unknown.status_code == 400
    assert "rder DY404 not found" in unknown.content.decode()
    assert Ticket.objects.count() == 0


def test_a_nul_byte_in_the_form_is_refused_without_a_500(merchant):
    client = _client(merchant.owner)

    response = client.post(
        reverse("aftersales:ticket_new"),
        {"category": "other", "priority": "normal", "subject": "a\x00b", "message": "m"},
    )

    assert response.status_code == 400
    assert Ticket.objects.count() == 0


def test_the_merchant_replies_completes_and_rates(merchant, support):
    ticket = _open(merchant)
    tickets_services.ticket_reply(
        ticket=ticket, actor=support, side=MessageSide.OPERATOR, body="Which month?"
    )
    client = _client(merchant.owner)

    page = client.get(_url("aftersales:ticket", ticket))
    reply = client.post(_url("aftersales:ticket_reply", ticket), {"message": "November"})
    complete = client.post(_url("aftersales:ticket_complete", ticket))
    rate = client.post(_url("aftersales:ticket_rate", ticket), {"rating": "5", "comment": "Ok"})

    ticket.refresh_from_db()
    assert page.status_code == 200
    assert 'data-testid="ticket-your-turn"' in page.content.decode()
    assert "Which month?" in page.content.decode()
    assert [r.status_code for r in (reply, complete, rate)] == [302, 302, 302]
    assert (ticket.status, ticket.rating, ticket.rating_comment) == (T.REVIEWED, 5, "Ok")
    assert [m.body for m in ticket.messages.all()][-1] == "November"


def test_an_empty_reply_is_a_form_error(merchant):
    ticket = _open(merchant)

    response = _client(merchant.owner).post(_url("aftersales:ticket_reply", ticket), {})

    assert response.status_code == 400
    assert ticket.messages.count() == 1


def test_remind_once_then_a_message(merchant):
    ticket = _open(merchant)
    client = _client(merchant.owner)

    client.post(_url("aftersales:ticket_remind", ticket))
    second = client.post(_url("aftersales:ticket_remind", ticket), follow=True)

    assert "already sent in the last 24 hours" in second.content.decode()
    ticket.refresh_from_db()
    assert ticket.reminded_at is not None


@pytest.mark.parametrize(
    "name",
    [
        "aftersales:ticket",
        "aftersales:ticket_reply",
        "aftersales:ticket_complete",
        "aftersales:ticket_remind",
        "aftersales:ticket_rate",
    ],
)
def test_another_merchants_ticket_is_not_found(merchant, other_merchant, name):
    ticket = _open(other_merchant)
    client = _client(merchant.owner)

    assert client.get(_url(name, ticket)).status_code == 404
    assert client.post(_url(name, ticket), {"message": "x", "rating": "5"}).status_code == 404
    ticket.refresh_from_db()
    assert (ticket.status, ticket.messages.count(), ticket.reminded_at) == (
        T.AWAITING_CJ_REPLY,
        1,
        None,
    )


def test_the_desk_queues_and_the_overdue_badge(merchant, support):
    late = _open(merchant, subject="Late one")
    Ticket.objects.filter(pk=late.pk).update(due_at=late.due_at.replace(year=2020))
    client = _client(support)

    overdue = client.get(reverse("aftersales_ops:tickets"), {"queue": "overdue"})
    mine = client.get(reverse("aftersales_ops:tickets"), {"queue": "mine"})

    assert overdue.status_code == 200
    assert "Late one" in overdue.content.decode()
    assert 'data-testid="overdue-badge"' in overdue.content.decode()
    assert mine.content.decode().count('data-testid="desk-row"') == 0


def test_the_operator_replies_assigns_holds_and_completes(merchant, support, operator_admin):
    ticket = _open(merchant)
    client = _client(support)

    client.post(_url("aftersales_ops:ticket_reply", ticket), {"message": "Sent again."})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assigned_to) == (T.AWAITING_YOUR_REPLY, support)
    client.post(_url("aftersales_ops:ticket_assign", ticket), {"assignee": operator_admin.pk})
    client.post(_url("aftersales_ops:ticket_hold", ticket), {"status": "COLLABORATING"})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.assigned_to) == (T.COLLABORATING, operator_admin)
    client.post(_url("aftersales_ops:ticket_complete", ticket))
    ticket.refresh_from_db()
    assert ticket.status == T.COMPLETED
    page = client.get(_url("aftersales_ops:ticket", ticket))
    assert 'data-testid="ticket-history"' in page.content.decode()


def test_an_agent_sees_only_their_merchants_tickets(assigned, agent, other_merchant):
    own = _open(assigned, subject="From my merchant")
    foreign = _open(other_merchant, subject="From another merchant")
    client = _client(agent)

    desk = client.get(reverse("aftersales_ops:tickets"), {"queue": "all"}).content.decode()

    assert "From my merchant" in desk
    assert "From another merchant" not in desk
    assert client.get(_url("aftersales_ops:ticket", own)).status_code == 200
    assert client.get(_url("aftersales_ops:ticket", foreign)).status_code == 404
    assert client.post(_url("aftersales_ops:ticket_complete", foreign)).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == T.AWAITING_CJ_REPLY


def test_warehouse_staff_and_merchants_cannot_open_the_desk(merchant):
    warehouse = make_operator(role="warehouse")

    assert _client(warehouse).get(reverse("aftersales_ops:tickets")).status_code == 403
    assert _client(merchant.owner).get(reverse("aftersales_ops:tickets")).status_code == 403


def test_an_attachment_is_served_by_the_signed_link_on_the_page(merchant):
    pdf = SimpleUploadedFile("bill.pdf", b"%PDF-1.4\nhello", content_type="application/pdf")
    ticket = _open(merchant, uploads=[pdf])

    page = _client(merchant.owner).get(_url("aftersales:ticket", ticket)).content.decode()
    link = re.search(r'href="(/after-sales/files/[^"]+)"', page).group(1)
    response = Client().get(link)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4\nhello"
    assert Client().get("/after-sales/files/forged-token/").status_code == 404
