"""The bell and the notifications pages (accounts.views_notifications)."""

import pytest
from django.urls import reverse

from dropyard.accounts.models import Notification
from dropyard.accounts.notifications import notify
from dropyard.accounts.tests.factories import make_operator

pytestmark = pytest.mark.django_db


def _notice(user, *, url="/orders/", title="Dispute on order %(order)s was assigned to you"):
    (row,) = notify(
        users=[user],
        kind="dispute.assigned",
        title=title,
        params={"order": "A-7"},
        url=url,
        email=False,
    )
    return row


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def test_the_bell_shows_the_unread_count_for_a_merchant(owner_client, owner):
    _notice(owner)
    _notice(owner)
    read = _notice(owner)
    read.read_at = read.created_at
    read.save()

    page = owner_client.get(reverse("dashboard:home")).content.decode()

    assert 'data-testid="bell-count">2</span>' in page
    assert "Notifications, 2 unread" in page
    assert reverse("accounts:notification_menu") in page


def test_the_bell_shows_for_an_operator_without_a_count_when_all_is_read(client):
    operator = make_operator(role="support")
    client.force_login(operator)

    page = client.get(reverse("dashboard:ops_home")).content.decode()

    assert 'data-testid="bell"' in page
    assert 'data-testid="bell-count"' not in page


def test_the_menu_lists_the_latest_translated_titles(owner_client, owner):
    notice = _notice(owner)

    page = owner_client.get(reverse("accounts:notification_menu")).content.decode()

    assert "Dispute on order A-7 was assigned to you" in page
    assert reverse("accounts:notification_open", kwargs={"pk": notice.pk}) in page
    assert "dy-notice-unread" in page


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(owner_client, owner):
    notice = _notice(owner, url="/orders/?tab=pending")

    response = owner_client.get(reverse("accounts:notification_open", kwargs={"pk": notice.pk}))

    assert response.status_code == 302
    assert response["Location"] == "/orders/?tab=pending"
    notice.refresh_from_db()
    assert notice.read_at is not None


@pytest.mark.parametrize(
    "url", ["https://evil.example/x", "//evil.example/x", "/\\evil.example", "javascript:x", ""]
)
def test_opening_never_redirects_off_site(owner_client, owner, url):
    notice = _notice(owner, url=url)

    response = owner_client.get(reverse("accounts:notification_open", kwargs={"pk": notice.pk}))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:notifications")
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_another_persons_notice_is_not_found_and_stays_unread(owner_client, other_merchant):
    notice = _notice(other_merchant.owner)

    response = owner_client.get(reverse("accounts:notification_open", kwargs={"pk": notice.pk}))

    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_all_read_posts_and_returns_to_a_same_site_page(owner_client, owner, other_merchant):
    _notice(owner)
    _notice(owner)
    others = _notice(other_merchant.owner)

    response = owner_client.post(reverse("accounts:notifications_read_all"), {"next": "/orders/"})

    assert response.status_code == 302
    assert response["Location"] == "/orders/"
    assert Notification.objects.filter(user=owner, read_at__isnull=True).count() == 0
    others.refresh_from_db()
    assert others.read_at is None


def test_mark_all_read_ignores_an_off_site_next_and_refuses_get(owner_client, owner):
    _notice(owner)

    response = owner_client.post(
        reverse("accounts:notifications_read_all"), {"next": "https://evil.example/"}
    )

    assert response["Location"] == reverse("accounts:notifications")
    assert owner_client.get(reverse("accounts:notifications_read_all")).status_code == 405


def test_the_list_shows_ones_own_notices_unread_first(owner_client, owner, other_merchant):
    first = _notice(owner, title="First %(order)s")
    _notice(owner, title="Second %(order)s")
    _notice(other_merchant.owner, title="Not mine %(order)s")
    owner_client.get(reverse("accounts:notification_open", kwargs={"pk": first.pk}))

    page = owner_client.get(reverse("accounts:notifications"), {"order": "unread"})
    html = page.content.decode()

    assert page.status_code == 200
    assert html.count('data-testid="notification-row"') == 2
    assert "Not mine" not in html
    assert html.index("Second A-7") < html.index("First A-7")
    assert 'data-testid="notifications-read-all"' in html


def test_the_list_has_an_empty_state(owner_client):
    page = owner_client.get(reverse("accounts:notifications"), {"page": "x", "order": "bogus"})

    assert page.status_code == 200
    assert 'data-testid="notifications-empty"' in page.content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("accounts:notifications"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
