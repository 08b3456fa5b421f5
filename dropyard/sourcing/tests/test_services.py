import pytest
from django.core import mail

from dropyard.accounts.tests.factories import make_operator, make_staff
from dropyard.sourcing import services
from dropyard.sourcing.exceptions import MessageInvalid, PermissionDenied
from dropyard.sourcing.models import AgentMessage

pytestmark = pytest.mark.django_db


# --- message_send -------------------------------------------------------------------------------


def test_member_message_is_stored_stripped_and_not_from_agent(assigned, owner):
    message = services.message_send(merchant=assigned, sender=owner, body="  Hello agent \n")

    message.refresh_from_db()
    assert (message.merchant, message.sender, message.body) == (assigned, owner, "Hello agent")
    assert message.from_agent is False
    assert message.read_at is None


def test_agent_message_is_from_agent(assigned, agent):
    message = services.message_send(merchant=assigned, sender=agent, body="Hi there")

    assert message.from_agent is True


def test_admin_may_post_to_any_merchant(merchant, operator_admin):
    message = services.message_send(merchant=merchant, sender=operator_admin, body="Admin note")

    assert message.from_agent is True


def test_staff_member_without_areas_may_post(merchant):
    staff = make_staff(merchant=merchant, permissions=[])

    message = services.message_send(merchant=merchant, sender=staff, body="Question")

    assert message.sender == staff


def test_member_message_emails_the_agent_on_commit(
    assigned, owner, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(merchant=assigned, sender=owner, body="Where is my order?")

    assert [m.to for m in mail.outbox] == [[agent.email]]
    assert mail.outbox[0].subject == (
        f"[Dropyard] New message from {assigned.business_name} ({assigned.account_number})"
    )
    assert [mime for _, mime in mail.outbox[0].alternatives] == ["text/html"]
    assert "Where is my order?" in mail.outbox[0].body
    assert f"/messages/ops/{assigned.pk}/" in mail.outbox[0].body


def test_agent_message_emails_the_merchant_contact_on_commit(
    assigned, agent, django_capture_on_commit_callbacks
):
    assigned.contact_email = "orders@acme.test"
    assigned.save(update_fields=["contact_email"])

    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(merchant=assigned, sender=agent, body="Shipped today")

    assert [m.to for m in mail.outbox] == [["orders@acme.test"]]
    assert "/messages/" in mail.outbox[0].body


def test_member_message_without_agent_emails_nobody(
    merchant, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(merchant=merchant, sender=owner, body="Anyone?")

    assert mail.outbox == []
    assert AgentMessage.objects.count() == 1


def test_no_email_is_sent_before_commit(assigned, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.message_send(merchant=assigned, sender=owner, body="Hi")

    assert len(callbacks) == 1
    assert mail.outbox == []


@pytest.mark.parametrize("body", ["", "   \n\t ", None])
def test_empty_body_is_refused(merchant, owner, body, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(MessageInvalid):
        services.message_send(merchant=merchant, sender=owner, body=body)

    assert AgentMessage.objects.count() == 0
    assert mail.outbox == []


def test_body_of_5000_characters_is_accepted(merchant, owner):
    message = services.message_send(merchant=merchant, sender=owner, body="x" * 5000)

    assert len(message.body) == 5000


def test_body_over_5000_characters_is_refused(merchant, owner):
    with pytest.raises(MessageInvalid, match="5000"):
        services.message_send(merchant=merchant, sender=owner, body="x" * 5001)

    assert AgentMessage.objects.count() == 0


def test_agent_of_another_merchant_is_refused(
    assigned, other_merchant, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        services.message_send(merchant=other_merchant, sender=agent, body="Hi")

    assert AgentMessage.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize("role", ["support", "warehouse", "finance"])
def test_non_agent_operators_are_refused(merchant, role):
    with pytest.raises(PermissionDenied):
        services.message_send(merchant=merchant, sender=make_operator(role=role), body="Hi")

    assert AgentMessage.objects.count() == 0


def test_member_of_another_merchant_is_refused(merchant, other_merchant):
    with pytest.raises(PermissionDenied):
        services.message_send(merchant=merchant, sender=other_merchant.owner, body="Hi")

    assert AgentMessage.objects.count() == 0


# --- thread_mark_read ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reader", "other"),
    [("owner", "agent"), ("agent", "owner")],
    ids=["member_marks_agent_messages", "agent_marks_merchant_messages"],
)
def test_reader_marks_only_the_other_sides_messages_read(request, assigned, reader, other):
    reader, other = request.getfixturevalue(reader), request.getfixturevalue(other)
    from_other = services.message_send(merchant=assigned, sender=other, body="a")
    own = services.message_send(merchant=assigned, sender=reader, body="b")

    marked = services.thread_mark_read(merchant=assigned, reader=reader)

    from_other.refresh_from_db()
    own.refresh_from_db()
    assert marked == 1
    assert from_other.read_at is not None
    assert own.read_at is None


def test_marking_again_keeps_the_first_read_time(assigned, owner, agent):
    message = services.message_send(merchant=assigned, sender=agent, body="a")
    services.thread_mark_read(merchant=assigned, reader=owner)
    message.refresh_from_db()
    first_read = message.read_at

    marked = services.thread_mark_read(merchant=assigned, reader=owner)

    message.refresh_from_db()
    assert marked == 0
    assert message.read_at == first_read


def test_admin_reading_an_assigned_thread_leaves_it_unread_for_the_agent(
    assigned, owner, operator_admin
):
    message = services.message_send(merchant=assigned, sender=owner, body="b")

    marked = services.thread_mark_read(merchant=assigned, reader=operator_admin)

    message.refresh_from_db()
    assert marked == 0
    assert message.read_at is None


def test_admin_reading_a_thread_without_agent_marks_it_read(merchant, owner, operator_admin):
    services.message_send(merchant=merchant, sender=owner, body="b")

    assert services.thread_mark_read(merchant=merchant, reader=operator_admin) == 1


def test_outsider_cannot_mark_read(assigned, other_merchant, agent):
    message = services.message_send(merchant=assigned, sender=agent, body="a")

    with pytest.raises(PermissionDenied):
        services.thread_mark_read(merchant=assigned, reader=other_merchant.owner)

    message.refresh_from_db()
    assert message.read_at is None
