"""accounts.notifications: one notice per distinct active reader, emails on commit only, in the
reader's language; the selectors of the bell and the list."""

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation

from dropyard.accounts import notifications
from dropyard.accounts.exceptions import NotificationNotFound
from dropyard.accounts.models import Notification
from dropyard.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TITLE = "New reply on the dispute about order %(order)s"


def _notify(users, **kw):
    return notifications.notify(
        users=users,
        kind="dispute.reply",
        title=TITLE,
        params={"order": "A-1"},
        url="/after-sales/disputes/1/",
        **kw,
    )


def test_one_row_per_distinct_active_reader_and_not_the_actor():
    alice, bob, actor = UserFactory(), UserFactory(), UserFactory()
    gone = UserFactory(is_active=False)

    rows = _notify([alice, None, bob, alice, actor, gone], exclude=actor, email=False)

    assert [row.user_id for row in rows] == [alice.pk, bob.pk]
    assert Notification.objects.filter(user=actor).count() == 0
    assert Notification.objects.filter(user=gone).count() == 0
    assert notifications.notification_text(rows[0]) == (
        "New reply on the dispute about order A-1",
        "",
    )


def test_emails_go_out_only_when_the_transaction_commits(django_capture_on_commit_callbacks):
    reader = UserFactory(email="reader@example.test")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify([reader])
    assert mail.outbox == []

    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["reader@example.test"]]
    assert mail.outbox[0].subject == (
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + "New reply on the dispute about order A-1"
    )
    assert (
        f"{settings.SITE_URL.rstrip('/')}/after-sales/disputes/1/"
        in (mail.outbox[0].alternatives[0][0])
    )


def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks):
    reader = UserFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _notify([reader])
    # The outer transaction rolls back: its on-commit callbacks never run.

    assert len(callbacks) == 1
    assert mail.outbox == []


def test_the_email_is_written_in_the_readers_language(
    monkeypatch, django_capture_on_commit_callbacks
):
    english, chinese = UserFactory(language="en"), UserFactory(language="zh-hans")
    seen: list[str | None] = []
    real_override = translation.override

    def recording_override(language, deactivate=False):
        seen.append(language)
        return real_override(language, deactivate)

    monkeypatch.setattr(notifications.translation, "override", recording_override)

    with django_capture_on_commit_callbacks(execute=True):
        _notify([english, chinese])

    assert seen[-2:] == ["en", "zh-hans"]
    assert len(mail.outbox) == 2
    assert "A-1" in mail.outbox[1].subject  # the placeholder is filled in either language


def test_a_reader_without_email_gets_the_notice_only(django_capture_on_commit_callbacks):
    reader = UserFactory(email="")

    with django_capture_on_commit_callbacks(execute=True):
        rows = _notify([reader])

    assert len(rows) == 1
    assert mail.outbox == []


def test_unread_first_lists_unread_before_newer_read_ones():
    reader = UserFactory()
    older, newer = _notify([reader], email=False)[0], _notify([reader], email=False)[0]
    notifications.notification_mark_read(user=reader, notification_id=newer.pk)

    assert [n.pk for n in notifications.notifications_list(user=reader)] == [newer.pk, older.pk]
    assert [n.pk for n in notifications.notifications_list(user=reader, unread_first=True)] == [
        older.pk,
        newer.pk,
    ]
    assert notifications.unread_count(user=reader) == 1


@pytest.mark.parametrize("pk", ["x", "0", "-1", "99999999999999999999", "\x00"])
def test_get_refuses_bad_and_unknown_ids(pk):
    with pytest.raises(NotificationNotFound):
        notifications.notification_get(user=UserFactory(), pk=pk)


def test_get_refuses_another_persons_notice():
    owner, other = UserFactory(), UserFactory()
    (notice,) = _notify([owner], email=False)

    with pytest.raises(NotificationNotFound):
        notifications.notification_get(user=other, pk=notice.pk)


def test_latest_gives_the_eight_newest():
    reader = UserFactory()
    rows = [_notify([reader], email=False)[0] for _ in range(10)]

    latest = notifications.notifications_latest(user=reader)

    assert [n.pk for n in latest] == [n.pk for n in reversed(rows)][:8]
