"""Due-time reminders (aftersales.reminders, tasks.disputes_overdue_remind_task)."""

from datetime import timedelta

import pytest
from django.core import mail

from dropyard.accounts.models import Notification
from dropyard.accounts.tests.factories import make_operator
from dropyard.aftersales import services, tasks
from dropyard.aftersales.choices import DisputeReason, ExpectType
from dropyard.aftersales.models import DisputeEvent
from dropyard.aftersales.services import ClaimLine
from dropyard.aftersales.tests.factories import delivered_order, make_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    return make_shop()


def _dispute(shop):
    order = delivered_order(shop)
    line = order.lines.order_by("pk").first()
    return services.dispute_create(
        merchant=shop.merchant,
        actor=shop.owner,
        order=order,
        reason=DisputeReason.DAMAGED,
        expect_type=ExpectType.REFUND,
        message_text="Broken",
        lines=[ClaimLine(line.line_item_id, 1)],
    )


def test_an_overdue_dispute_tells_its_operator_once_across_two_runs(
    shop, django_capture_on_commit_callbacks
):
    operator = make_operator(role="support", email="desk@example.test")
    dispute = _dispute(shop)
    services.dispute_assign(dispute=dispute, actor=make_operator(role="admin"), assignee=operator)
    dispute.refresh_from_db()
    dispute.due_at -= timedelta(days=30)
    dispute.save(update_fields=["due_at"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.disputes_overdue_remind_task.call()
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.disputes_overdue_remind_task.call()

    assert (first, second) == (1, 0)
    notices = Notification.objects.filter(user=operator, kind="dispute.overdue")
    assert notices.count() == 1
    assert notices.get().params == {"order": dispute.order.code}
    assert DisputeEvent.objects.filter(dispute=dispute, kind="overdue").count() == 1
    assert [m.to for m in mail.outbox] == [["desk@example.test"]]


def test_without_an_assignee_the_merchants_agent_is_told(shop):
    agent = make_operator(role="agent")
    shop.merchant.agent = agent
    shop.merchant.save(update_fields=["agent"])
    dispute = _dispute(shop)
    dispute.due_at -= timedelta(days=30)
    dispute.save(update_fields=["due_at"])

    assert tasks.disputes_overdue_remind_task.call() == 1

    assert Notification.objects.filter(user=agent, kind="dispute.overdue").count() == 1


def test_a_dispute_not_yet_due_or_closed_is_not_reminded(shop):
    not_due = _dispute(shop)
    closed = _dispute(shop)
    services.dispute_cancel(merchant=shop.merchant, dispute=closed, actor=shop.owner)
    closed.refresh_from_db()
    closed.due_at -= timedelta(days=30)
    closed.save(update_fields=["due_at"])

    assert tasks.disputes_overdue_remind_task.call() == 0

    assert not DisputeEvent.objects.filter(kind="overdue").exists()
    assert not Notification.objects.filter(kind="dispute.overdue").exists()
    assert not_due.due_at > closed.due_at
