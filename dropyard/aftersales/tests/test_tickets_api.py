"""``ticket/*`` through the full stack with the conformance client: the flow create → reply →
complete → evaluate, the reads, the two-step upload, and bad input (malformed JSON, NUL, wrong
types, unknown and another account's ids, oversized or invalid attachments)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dropyard.accounts import services as account_services
from dropyard.aftersales import tickets_services
from dropyard.aftersales.choices import MessageSide
from dropyard.aftersales.models import Ticket, TicketAttachment
from dropyard.core.testing.cj_client import API_PREFIX, CJClient, check_envelope
from dropyard.orders import services as order_services
from dropyard.orders.tests.factories import make_order_world, order_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def authed(cj, api_key):
    cj.get_access_token(api_key).ok()
    return cj


@pytest.fixture
def other_ticket(other_merchant):
    return tickets_services.ticket_create(
        merchant=other_merchant,
        actor=other_merchant.owner,
        category="other",
        subject="Theirs",
        message="Not yours",
    )


BASE = {"type": "other", "subject": "s", "message": "m"}


def _create(cj, **fields):
    body = {"type": "account", "subject": "Email change", "message": "Please help"}
    body.update(fields)
    return cj.post("ticket/create", body)


def _upload(client, token, content: bytes, name="file.pdf"):
    response = client.post(
        API_PREFIX + "ticket/attachment/upload",
        {"file": SimpleUploadedFile(name, content)},
        headers={"CJ-Access-Token": token},
    )
    body = json.loads(response.content)
    check_envelope(body, headers=response.headers)
    return body


def test_create_reply_complete_evaluate(authed, support):
    created = _create(authed, priority="high").ok()
    ticket = Ticket.objects.get(public_id=created["ticketId"])
    assert created == {
        "ticketId": ticket.public_id,
        "ticketCode": f"TK{ticket.public_id}",
        "status": "AWAITING_CJ_REPLY",
    }
    tickets_services.ticket_reply(
        ticket=ticket, actor=support, side=MessageSide.OPERATOR, body="Which email?"
    )
    assert authed.get("ticket/pendingCount").ok() == {"count": 1}

    reply = authed.post(
        "ticket/reply", {"ticketId": ticket.public_id, "message": "a@example.test"}
    ).ok()
    assert reply["status"] == "AWAITING_CJ_REPLY"
    assert authed.post("ticket/complete", {"ticketId": ticket.public_id}).ok() is True
    assert (
        authed.post(
            "ticket/evaluate", {"ticketId": ticket.public_id, "rating": 5, "comment": "Fast"}
        ).ok()
        is True
    )

    detail = authed.get("ticket/detail", {"ticketId": ticket.public_id}).ok()
    assert (detail["status"], detail["rating"], detail["ratingComment"]) == ("REVIEWED", 5, "Fast")
    assert (detail["type"], detail["priority"], detail["orderId"]) == ("account", "high", None)
    messages = authed.get("ticket/messages", {"ticketId": ticket.public_id}).ok()
    assert messages["total"] == 3
    assert [m["sender"] for m in messages["list"]] == ["merchant", "operator", "merchant"]
    again = authed.post("ticket/evaluate", {"ticketId": ticket.public_id, "rating": 1})
    again.error(1609008)


def test_list_types_and_question_types(authed):
    _create(authed)
    _create(authed, subject="Second")

    page = authed.get("ticket/list", {"pageNum": 1, "pageSize": 1}).ok()
    types = authed.get("ticket/types").ok()
    questions = authed.get("ticket/order/questionTypes").ok()

    assert (page["pageNum"], page["pageSize"], page["total"]) == (1, 1, 2)
    assert page["list"][0]["subject"] == "Second"
    assert [t["typeId"] for t in types] == [
        "order",
        "dispute",
        "product",
        "payment",
        "logistics",
        "account",
        "other",
    ]
    assert questions[0] == {
        "questionTypeId": "not_shipped",
        "questionTypeName": "Order not shipped yet",
    }
    authed.get("ticket/list", {"status": "OPEN"}).error(1600300)
    authed.get("ticket/list", {"pageSize": 101}).error(1600300)


def test_an_order_ticket_by_order_id(authed, merchant, other_merchant):
    world = make_order_world()
    order = order_services.order_create(
        merchant=merchant, actor=merchant.owner, **order_item((world.red, 1), number="T-1")
    )
    foreign = order_services.order_create(
        merchant=other_merchant,
        actor=other_merchant.owner,
        **order_item((world.red, 1), number="T-2"),
    )

    created = authed.post(
        "ticket/order/create",
        {"orderId": order.public_id, "questionType": "tracking", "message": "Stuck?"},
    ).ok()
    refused = authed.post(
        "ticket/order/create",
        {"orderId": foreign.public_id, "questionType": "tracking", "message": "Stuck?"},
    )

    ticket = Ticket.objects.get(public_id=created["ticketId"])
    assert (ticket.order, ticket.question_type, ticket.source) == (order, "tracking", "api")
    assert ticket.subject == f"Tracking not updating · {order.public_id}"
    refused.error(1609003)
    authed.post(
        "ticket/order/create", {"orderId": order.public_id, "questionType": "x", "message": "m"}
    ).error(1600300)
    assert Ticket.objects.count() == 1


def test_the_two_step_upload(authed, client):
    body = _upload(client, authed.access_token, b"%PDF-1.4\nbill")
    attachment_id = body["data"]["attachmentId"]
    assert body["data"]["fileType"] == "pdf"

    created = _create(authed, attachmentIds=[attachment_id]).ok()
    messages = authed.get("ticket/messages", {"ticketId": created["ticketId"]}).ok()

    files = messages["list"][0]["attachments"]
    assert [f["attachmentId"] for f in files] == [attachment_id]
    assert files[0]["url"].startswith("http://testserver/after-sales/files/")
    _create(authed, attachmentIds=[attachment_id]).error(1609006)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"MZ\x90\x00 not a picture", 1609005),
        (b"%PDF-" + b"x" * (10 * 1024 * 1024), 1600300),  # over the 10 MB request body
    ],
)
def test_a_bad_or_oversized_upload_is_refused(authed, client, content, code):
    body = _upload(client, authed.access_token, content)

    assert (body["code"], body["data"]) == (code, None)
    assert TicketAttachment.objects.count() == 0


def test_an_upload_without_a_file(authed, client):
    response = client.post(
        API_PREFIX + "ticket/attachment/upload",
        {},
        headers={"CJ-Access-Token": authed.access_token},
    )

    assert json.loads(response.content)["code"] == 1600300


@pytest.mark.parametrize(
    ("path", "body", "code"),
    [
        ("ticket/create", {"subject": "s", "message": "m"}, 1600300),  # no type
        ("ticket/create", {"type": "weather", "subject": "s", "message": "m"}, 1609002),
        ("ticket/create", {"type": 3, "subject": "s", "message": "m"}, 1600300),
        ("ticket/create", {"type": "other", "subject": ["s"], "message": "m"}, 1600300),
        ("ticket/create", {"type": "other", "subject": "s", "message": "a\u0000b"}, 1600300),
        (
            "ticket/create",
            {"type": "other", "subject": "s", "message": "m", "orderId": "9"},
            1609003,
        ),
        (
            "ticket/create",
            {"type": "other", "subject": "s", "message": "m", "disputeId": "9"},
            1609004,
        ),
        (
            "ticket/create",
            {"type": "other", "subject": "s", "message": "m", "attachmentIds": ["1"]},
            1609006,
        ),
        ("ticket/reply", {"ticketId": "123", "message": "m"}, 1609000),
        ("ticket/reply", {"ticketId": True, "message": "m"}, 1600300),
        ("ticket/reply", {"message": "m"}, 1600300),
        ("ticket/evaluate", {"ticketId": "123", "rating": "5"}, 1600300),
        ("ticket/complete", {"ticketId": 99999999999999999999999}, 1600300),
    ],
)
def test_bad_input_changes_nothing(authed, path, body, code):
    authed.post(path, body).error(code)

    assert Ticket.objects.count() == 0


def test_malformed_json(authed):
    authed.request("POST", "ticket/create", raw_body=b"{not json").error(16900205)


def test_another_accounts_ticket_is_not_found(authed, other_ticket):
    for path in ("ticket/reply", "ticket/complete", "ticket/remind", "ticket/evaluate"):
        authed.post(path, {"ticketId": other_ticket.public_id, "message": "m", "rating": 5}).error(
            1609000
        )
    authed.get("ticket/detail", {"ticketId": other_ticket.public_id}).error(1609000)
    authed.get("ticket/messages", {"ticketId": other_ticket.public_id}).error(1609000)

    other_ticket.refresh_from_db()
    assert (other_ticket.status, other_ticket.messages.count()) == ("AWAITING_CJ_REPLY", 1)


def test_remind_once_a_day(authed):
    ticket_id = _create(authed).ok()["ticketId"]

    assert authed.post("ticket/remind", {"ticketId": ticket_id}).ok() is True
    authed.post("ticket/remind", {"ticketId": ticket_id}).error(1609007)


def test_ticket_calls_share_one_call_per_second(authed, settings, ratelimit_clock):
    settings.DROPYARD_API_RATE_LIMITS_ENABLED = True
    settings.DROPYARD_API_BURST = 4

    first = authed.get("ticket/types")
    second = authed.get("ticket/pendingCount")
    ratelimit_clock.now += 1
    third = authed.get("ticket/pendingCount")

    assert first.code == 200
    second.error(1600200)
    assert third.code == 200
    assert authed.get("setting/get").code == 200


def test_a_key_without_the_orders_scope_only_reads(client, merchant):
    _, plain = account_services.apikey_create(
        merchant=merchant, actor=merchant.owner, name="ro", scopes=["read"]
    )
    reader = CJClient(client)
    reader.get_access_token(plain).ok()

    assert reader.get("ticket/list").ok()["total"] == 0
    _create(reader).error(1600001)
