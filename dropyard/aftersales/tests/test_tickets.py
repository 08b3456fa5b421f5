"""Ticket services: the transition table, the SLA on the business calendar, replies turning the
ticket between the two sides, rating once, the reminder limit, expiry, attachments."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from freezegun import freeze_time
from PIL import Image

from dropyard.accounts.models import Notification
from dropyard.accounts.tests.factories import make_merchant, make_operator
from dropyard.aftersales import tickets_selectors, tickets_services
from dropyard.aftersales.choices import MessageSide
from dropyard.aftersales.choices_tickets import TICKET_TRANSITIONS, TicketStatus
from dropyard.aftersales.exceptions_tickets import (
    AttachmentNotFound,
    AttachmentRefused,
    EvaluateRefused,
    RemindTooSoon,
    TicketClosed,
    TicketInvalid,
    TicketOrderNotFound,
)
from dropyard.aftersales.models import BusinessHoliday, Ticket, TicketAttachment, TicketEvent
from dropyard.aftersales.tasks_tickets import tickets_expire
from dropyard.aftersales.tests.factories import make_shop, paid_order
from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.orders import services as order_services
from dropyard.orders.tests.factories import order_item

pytestmark = pytest.mark.django_db
T = TicketStatus


@pytest.fixture
def calendar(settings):
    settings.DROPYARD_BUSINESS_TIMEZONE = "UTC"
    settings.DROPYARD_WEEKEND_DAYS = (5, 6)
    settings.DROPYARD_TICKET_SLA_WORKING_DAYS = 1
    settings.DROPYARD_TICKET_EXPIRE_DAYS = 7


@pytest.fixture
def shop(db):
    return make_shop()


@pytest.fixture
def support(db):
    return make_operator(role="support")


def _open(shop, **kw):
    fields = {
        "category": "account",
        "subject": "Change of email",
        "message": "Please change our login email.",
    }
    fields.update(kw)
    return tickets_services.ticket_create(merchant=shop.merchant, actor=shop.owner, **fields)


def _png(name="photo.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _pdf(size=100, name="invoice.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n" + b"x" * max(0, size - 9)
    return SimpleUploadedFile(name, body, content_type="application/pdf")


# --- Opening --------------------------------------------------------------------------------------


def test_a_new_ticket_awaits_support_with_its_first_message_history_and_audit(shop, calendar):
    ticket = _open(shop)

    assert ticket.status == T.AWAITING_CJ_REPLY
    assert ticket.code == f"TK{ticket.public_id}"
    assert [(m.side, m.body) for m in ticket.messages.all()] == [
        ("merchant", "Please change our login email.")
    ]
    assert [(e.kind, e.to_status) for e in TicketEvent.objects.filter(ticket=ticket)] == [
        ("opened", T.AWAITING_CJ_REPLY)
    ]
    assert AuditEvent.objects.filter(action=AuditAction.TICKET_OPENED).count() == 1


def test_the_sla_skips_the_weekend(shop, calendar):
    with freeze_time(datetime(2026, 1, 9, 15, 0, tzinfo=UTC)):  # a Friday
        ticket = _open(shop)

    assert ticket.due_at == datetime(2026, 1, 12, 15, 0, tzinfo=UTC)  # Monday


def test_the_sla_skips_a_holiday_too(shop, calendar):
    BusinessHoliday.objects.create(date=date(2026, 1, 12), name="Closed")
    with freeze_time(datetime(2026, 1, 9, 15, 0, tzinfo=UTC)):
        ticket = _open(shop)

    assert ticket.due_at == datetime(2026, 1, 13, 15, 0, tzinfo=UTC)


def test_an_order_ticket_links_the_merchants_own_order_by_code(shop, calendar):
    order = paid_order(shop)

    ticket = _open(shop, category="order", order_key=order.code)

    assert ticket.order == order


def test_another_merchants_order_or_none_is_refused_and_nothing_is_written(shop, calendar):
    other = make_merchant(business_name="Other")
    foreign = order_services.order_create(
        merchant=other, actor=other.owner, **order_item((shop.world.red, 1))
    )

    with pytest.raises(TicketOrderNotFound):
        _open(shop, category="order", order_key=foreign.code)
    with pytest.raises(TicketInvalid, match="needs the order"):
        _open(shop, category="order")

    assert Ticket.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("category", "weather", "type must be one of"),
        ("priority", "asap", "priority must be one of"),
        ("subject", "", "subject is required"),
        ("subject", "x" * 201, "longer than 200"),
        ("message", "a\x00b", "NUL"),
        ("message", 12, "must be text"),
        ("question_type", "tracking", "for order tickets only"),
    ],
)
def test_bad_fields_are_refused(shop, calendar, field, value, problem):
    with pytest.raises(TicketInvalid, match=problem):
        _open(shop, **{field: value})

    assert Ticket.objects.count() == 0


# --- Transitions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("source", list(T))
@pytest.mark.parametrize("target", list(T))
def test_the_transition_table_is_the_only_way(shop, calendar, source, target):
    ticket = _open(shop)
    Ticket.objects.filter(pk=ticket.pk).update(status=source)
    ticket.refresh_from_db()

    if target in TICKET_TRANSITIONS[source]:
        tickets_services.ticket_transition(ticket=ticket, to_status=target, actor=None)
        ticket.refresh_from_db()
        assert ticket.status == target
    else:
        with pytest.raises(TicketClosed):
            tickets_services.ticket_transition(ticket=ticket, to_status=target, actor=None)
        ticket.refresh_from_db()
        assert ticket.status == source


def test_replies_hand_the_turn_between_the_sides(shop, calendar, support):
    ticket = _open(shop)

    tickets_services.ticket_reply(
        ticket=ticket, actor=support, side=MessageSide.OPERATOR, body="Which email?"
    )
    ticket.refresh_from_db()
    assert ticket.status == T.AWAITING_YOUR_REPLY
    assert ticket.assigned_to == support
    first = ticket.first_response_at
    assert first is not None

    tickets_services.ticket_reply(
        ticket=ticket, actor=shop.owner, side=MessageSide.MERCHANT, body="new@example.test"
    )
    ticket.refresh_from_db()
    assert ticket.status == T.AWAITING_CJ_REPLY
    tickets_services.ticket_reply(
        ticket=ticket, actor=support, side=MessageSide.OPERATOR, body="Done."
    )
    ticket.refresh_from_db()
    assert ticket.first_response_at == first
    assert [m.side for m in ticket.messages.all()] == [
        "merchant",
        "operator",
        "merchant",
        "operator",
    ]
    assert Notification.objects.filter(user=shop.owner, kind="ticket.reply").count() == 2


def test_a_merchant_reply_on_hold_keeps_the_ticket_on_hold(shop, calendar, support):
    ticket = _open(shop)
    tickets_services.ticket_hold(ticket=ticket, actor=support, status=T.ON_HOLD, note="billing")

    tickets_services.ticket_reply(
        ticket=ticket, actor=shop.owner, side=MessageSide.MERCHANT, body="Any news?"
    )

    ticket.refresh_from_db()
    assert ticket.status == T.ON_HOLD


def test_the_merchants_answer_sets_a_new_sla_due_time(shop, calendar, support):
    with freeze_time(datetime(2026, 1, 5, 9, 0, tzinfo=UTC)):  # Monday
        ticket = _open(shop)
        tickets_services.ticket_reply(
            ticket=ticket, actor=support, side=MessageSide.OPERATOR, body="?"
        )
    with freeze_time(datetime(2026, 1, 9, 10, 0, tzinfo=UTC)):  # Friday
        tickets_services.ticket_reply(
            ticket=ticket, actor=shop.owner, side=MessageSide.MERCHANT, body="!"
        )

    ticket.refresh_from_db()
    assert ticket.due_at == datetime(2026, 1, 12, 10, 0, tzinfo=UTC)


def test_no_reply_on_a_completed_ticket(shop, calendar, support):
    ticket = _open(shop)
    tickets_services.ticket_complete(ticket=ticket, actor=support, side=MessageSide.OPERATOR)

    with pytest.raises(TicketClosed):
        tickets_services.ticket_reply(
            ticket=ticket, actor=shop.owner, side=MessageSide.MERCHANT, body="late"
        )

    assert ticket.messages.count() == 1


# --- Rating, reminders ----------------------------------------------------------------------------


def test_a_completed_ticket_is_rated_once(shop, calendar, support):
    ticket = _open(shop)
    with pytest.raises(EvaluateRefused, match="only a completed"):
        tickets_services.ticket_evaluate(ticket=ticket, actor=shop.owner, rating=5)
    tickets_services.ticket_complete(ticket=ticket, actor=shop.owner, side=MessageSide.MERCHANT)

    tickets_services.ticket_evaluate(ticket=ticket, actor=shop.owner, rating=4, comment="Quick")

    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating, ticket.rating_comment) == (T.REVIEWED, 4, "Quick")
    with pytest.raises(EvaluateRefused, match="already rated"):
        tickets_services.ticket_evaluate(ticket=ticket, actor=shop.owner, rating=1)
    ticket.refresh_from_db()
    assert ticket.rating == 4


@pytest.mark.parametrize("rating", [0, 6, "five", True, None, 4.5])
def test_a_rating_is_a_whole_number_from_1_to_5(shop, calendar, rating):
    ticket = _open(shop)
    tickets_services.ticket_complete(ticket=ticket, actor=shop.owner, side=MessageSide.MERCHANT)

    with pytest.raises(TicketInvalid, match="from 1 to 5"):
        tickets_services.ticket_evaluate(ticket=ticket, actor=shop.owner, rating=rating)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating) == (T.COMPLETED, None)


def test_a_reminder_once_per_24_hours(shop, calendar):
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    ticket = _open(shop)

    tickets_services.ticket_remind(ticket=ticket, actor=shop.owner, now=start)
    with pytest.raises(RemindTooSoon):
        tickets_services.ticket_remind(
            ticket=ticket, actor=shop.owner, now=start + timedelta(hours=23, minutes=59)
        )
    tickets_services.ticket_remind(ticket=ticket, actor=shop.owner, now=start + timedelta(days=1))

    ticket.refresh_from_db()
    assert ticket.reminded_at == start + timedelta(days=1)
    assert TicketEvent.objects.filter(ticket=ticket, kind="reminded").count() == 2


def test_no_reminder_while_the_ticket_awaits_the_merchant(shop, calendar, support):
    ticket = _open(shop)
    tickets_services.ticket_reply(ticket=ticket, actor=support, side=MessageSide.OPERATOR, body="?")

    with pytest.raises(TicketClosed):
        tickets_services.ticket_remind(ticket=ticket, actor=shop.owner)


# --- Assignment -----------------------------------------------------------------------------------


def test_an_agent_takes_only_their_own_merchants_tickets(shop, calendar, support):
    ticket = _open(shop)
    stranger = make_operator(role="agent")
    warehouse = make_operator(role="warehouse")

    with pytest.raises(TicketInvalid, match="their own merchants"):
        tickets_services.ticket_assign(ticket=ticket, actor=support, assignee=stranger)
    with pytest.raises(TicketInvalid, match="desk staff"):
        tickets_services.ticket_assign(ticket=ticket, actor=support, assignee=warehouse)
    tickets_services.ticket_assign(ticket=ticket, actor=support, assignee=support)

    ticket.refresh_from_db()
    assert ticket.assigned_to == support


# --- Expiry ---------------------------------------------------------------------------------------


def test_expiry_is_idempotent_and_spares_answered_tickets(shop, calendar, support):
    with freeze_time(datetime(2026, 1, 1, 9, 0, tzinfo=UTC)):
        waiting = _open(shop, subject="waiting")
        answered = _open(shop, subject="answered")
        for ticket in (waiting, answered):
            tickets_services.ticket_reply(
                ticket=ticket, actor=support, side=MessageSide.OPERATOR, body="?"
            )
    with freeze_time(datetime(2026, 1, 5, 9, 0, tzinfo=UTC)):
        tickets_services.ticket_reply(
            ticket=answered, actor=shop.owner, side=MessageSide.MERCHANT, body="!"
        )

    with freeze_time(datetime(2026, 1, 8, 8, 59, tzinfo=UTC)):
        assert tickets_expire.call() == 0
    with freeze_time(datetime(2026, 1, 8, 9, 0, tzinfo=UTC)):
        assert tickets_expire.call() == 1
        assert tickets_expire.call() == 0

    waiting.refresh_from_db()
    answered.refresh_from_db()
    assert (waiting.status, answered.status) == (T.EXPIRED, T.AWAITING_CJ_REPLY)
    assert waiting.messages.last().side == "system"
    assert TicketEvent.objects.filter(ticket=waiting, to_status=T.EXPIRED).count() == 1


# --- Attachments ----------------------------------------------------------------------------------


def test_photos_and_pdfs_are_attached_other_files_refused(shop, calendar):
    ticket = _open(shop, uploads=[_png(), _pdf()])

    assert sorted(a.kind for a in ticket.attachments.all()) == ["image", "pdf"]
    with pytest.raises(AttachmentRefused):
        _open(shop, uploads=[SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 10)])
    with pytest.raises(AttachmentRefused, match="larger than 10 MB"):
        _open(shop, uploads=[_pdf(size=10 * 1024 * 1024 + 1)])
    assert Ticket.objects.count() == 1


def test_an_api_upload_is_claimed_once_by_its_merchant(shop, calendar):
    upload = tickets_services.attachment_upload(
        merchant=shop.merchant, actor=shop.owner, upload=_pdf()
    )
    other = make_merchant(business_name="Other")

    with pytest.raises(AttachmentNotFound):
        tickets_services.ticket_create(
            merchant=other,
            actor=other.owner,
            category="other",
            subject="s",
            message="m",
            attachment_ids=[upload.public_id],
        )
    ticket = _open(shop, attachment_ids=[upload.public_id])
    with pytest.raises(AttachmentNotFound):
        _open(shop, attachment_ids=[upload.public_id])

    assert list(ticket.attachments.values_list("public_id", flat=True)) == [upload.public_id]
    assert Ticket.objects.count() == 1


def test_unused_uploads_are_pruned_after_a_day(shop, calendar):
    with freeze_time(datetime(2026, 1, 1, 9, 0, tzinfo=UTC)):
        tickets_services.attachment_upload(merchant=shop.merchant, actor=shop.owner, upload=_pdf())
    with freeze_time(datetime(2026, 1, 2, 9, 1, tzinfo=UTC)):
        tickets_expire.call()

    assert TicketAttachment.objects.count() == 0


def test_the_desk_queues(shop, calendar, support):
    with freeze_time(datetime(2026, 1, 5, 9, 0, tzinfo=UTC)):
        late = _open(shop, subject="late")
        mine = _open(shop, subject="mine")
        tickets_services.ticket_assign(ticket=mine, actor=support, assignee=support)
        held = _open(shop, subject="held")
        tickets_services.ticket_hold(ticket=held, actor=support, status=T.ON_HOLD)
    now = datetime(2026, 1, 7, 9, 0, tzinfo=UTC)

    def queue(name):
        rows = tickets_selectors.tickets_for_operator(user=support, queue=name, now=now)
        return sorted(t.subject for t in rows)

    assert queue("unassigned") == ["held", "late"]
    assert queue("mine") == ["mine"]
    assert queue("overdue") == ["late", "mine"]
    assert queue("hold") == ["held"]
    assert queue("all") == ["held", "late", "mine"]
    assert tickets_selectors.is_overdue(late, now=now) is True
