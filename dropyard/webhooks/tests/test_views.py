"""Webhook pages: settings per topic, delivery log, message detail and replay."""

import pytest
from django.urls import reverse
from django.utils import timezone

from dropyard.accounts.tests.factories import make_staff
from dropyard.webhooks import services, tasks
from dropyard.webhooks.choices import DeliveryStatus
from dropyard.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage

from .conftest import set_endpoint

pytestmark = pytest.mark.django_db

HOOK = "https://hooks.example.com/cj"


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def _message(merchant, type_="ORDER", params=None):
    return services.webhook_publish(
        merchant=merchant, type=type_, message_type="UPDATE", params=params or {"orderId": "1"}
    )


def test_settings_lists_every_topic(owner_client, merchant):
    set_endpoint(merchant, "order", HOOK)
    page = owner_client.get(reverse("webhooks:settings"))
    assert page.status_code == 200
    html = page.content.decode()
    for topic in ("product", "stock", "order", "logistics"):
        assert f'data-testid="topic-{topic}"' in html
    assert f'value="{HOOK}"' in html
    assert "Send test message" in html


def test_set_url_from_the_page(owner_client, merchant):
    response = owner_client.post(
        reverse("webhooks:endpoint_set"), {"topic": "stock", "url": HOOK, "enabled": "on"}
    )
    assert response.status_code == 302
    endpoint = WebhookEndpoint.objects.get(merchant=merchant)
    assert (endpoint.topic, endpoint.url, endpoint.enabled) == ("stock", HOOK, True)


def test_bad_url_from_the_page_changes_nothing(owner_client, merchant, settings):
    settings.DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST = False
    response = owner_client.post(
        reverse("webhooks:endpoint_set"),
        {"topic": "stock", "url": "http://example.com/h", "enabled": "on"},
        follow=True,
    )
    assert "callback URL must start with https://" in response.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_enable_without_url_or_unknown_topic_is_refused(owner_client):
    owner_client.post(reverse("webhooks:endpoint_set"), {"topic": "stock", "enabled": "on"})
    owner_client.post(reverse("webhooks:endpoint_set"), {"topic": "refund", "url": HOOK})
    assert WebhookEndpoint.objects.count() == 0


def test_paused_topic_shows_reason_and_resumes(owner_client, merchant):
    endpoint = set_endpoint(merchant, "order", HOOK)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        paused_at=timezone.now(), pause_reason="20 consecutive failed deliveries"
    )
    html = owner_client.get(reverse("webhooks:settings")).content.decode()
    assert "20 consecutive failed deliveries" in html
    assert "Resume" in html

    owner_client.post(reverse("webhooks:endpoint_resume"), {"topic": "order"})

    endpoint.refresh_from_db()
    assert endpoint.paused_at is None


def test_send_test_message_button(owner_client, merchant):
    set_endpoint(merchant, "logistics", HOOK)
    owner_client.post(reverse("webhooks:endpoint_test"), {"topic": "logistics"})
    message = WebhookMessage.objects.get()
    assert (message.merchant, message.type) == (merchant, "LOGISTIC")


def test_log_shows_only_own_messages(owner_client, merchant, other_merchant):
    set_endpoint(merchant, "order", HOOK)
    set_endpoint(other_merchant, "order", HOOK)
    mine, theirs = _message(merchant), _message(other_merchant)
    html = owner_client.get(reverse("webhooks:message_list")).content.decode()
    assert mine.message_id in html
    assert theirs.message_id not in html


def test_log_filters_by_topic_and_status(owner_client, merchant):
    set_endpoint(merchant, "order", HOOK)
    set_endpoint(merchant, "stock", HOOK)
    order, stock = _message(merchant), _message(merchant, "STOCK")
    WebhookDelivery.objects.filter(message=stock).update(
        status=DeliveryStatus.FAILED, attempts_started=5
    )
    url = reverse("webhooks:message_list")
    html = owner_client.get(url, {"topic": "stock"}).content.decode()
    assert stock.message_id in html
    assert order.message_id not in html
    html = owner_client.get(url, {"status": "PENDING"}).content.decode()
    assert order.message_id in html
    assert stock.message_id not in html
    today = timezone.now().date().isoformat()
    html = owner_client.get(url, {"date_from": today, "date_to": today}).content.decode()
    assert order.message_id in html
    assert stock.message_id in html


def test_log_htmx_partial_pagination_and_empty_state(owner_client, merchant):
    url = reverse("webhooks:message_list")
    assert 'data-testid="empty-state"' in owner_client.get(url).content.decode()
    set_endpoint(merchant, "order", HOOK)
    for _ in range(26):
        _message(merchant)
    page = owner_client.get(url, headers={"HX-Request": "true"})
    html = page.content.decode()
    assert html.count('data-testid="message-row"') == 25
    assert "<html" not in html
    assert "Page 1 of 2" in html
    assert (
        owner_client.get(url, {"page": 2}).content.decode().count('data-testid="message-row"') == 1
    )
    html = owner_client.get(url, {"topic": "stock"}).content.decode()
    assert "No messages match these filters." in html


def test_bad_filter_dates_show_an_error(owner_client):
    html = owner_client.get(
        reverse("webhooks:message_list"), {"date_from": "2026-02-02", "date_to": "2026-01-01"}
    ).content.decode()
    assert "The start date must not be after the end date." in html


def test_message_detail_shows_body_sign_and_attempts(owner_client, merchant, receiver):
    set_endpoint(merchant, "order", receiver.url)
    message = _message(merchant)
    tasks.webhook_deliver.call(delivery_id=message.deliveries.get().pk)
    page = owner_client.get(reverse("webhooks:message_detail", args=[message.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert message.signature in html
    assert message.message_id in html
    assert html.count('data-testid="attempt"') == 1
    assert "hx-confirm=" in html


def test_replay_from_the_page(owner_client, merchant):
    set_endpoint(merchant, "order", HOOK)
    message = _message(merchant)
    url = reverse("webhooks:message_replay", args=[message.pk])
    assert owner_client.get(url).status_code == 405
    assert owner_client.post(url).status_code == 302
    assert list(message.deliveries.values_list("is_replay", flat=True)) == [False, True]


def test_other_merchant_gets_404(client, merchant, other_merchant):
    set_endpoint(merchant, "order", HOOK)
    message = _message(merchant)
    client.force_login(other_merchant.owner)
    assert client.get(reverse("webhooks:message_detail", args=[message.pk])).status_code == 404
    assert client.post(reverse("webhooks:message_replay", args=[message.pk])).status_code == 404
    assert message.deliveries.count() == 1


def test_staff_without_developer_area_gets_403(client, merchant, staff_user):
    set_endpoint(merchant, "order", HOOK)
    message = _message(merchant)
    client.force_login(staff_user)
    for name, args in [
        ("webhooks:settings", []),
        ("webhooks:message_list", []),
        ("webhooks:message_detail", [message.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403
    assert client.post(reverse("webhooks:endpoint_set"), {"topic": "order"}).status_code == 403


def test_staff_with_developer_area_sees_the_log(client, merchant):
    developer = make_staff(merchant=merchant, permissions=["developer"])
    client.force_login(developer)
    assert client.get(reverse("webhooks:message_list")).status_code == 200


def test_url_saved_while_disabled_is_kept_and_shown(owner_client, merchant):
    response = owner_client.post(
        reverse("webhooks:endpoint_set"), {"topic": "order", "url": HOOK}, follow=True
    )
    assert "The order webhook was saved." in response.content.decode()
    endpoint = WebhookEndpoint.objects.get(merchant=merchant, topic="order")
    assert (endpoint.url, endpoint.enabled) == (HOOK, False)
    page = owner_client.get(reverse("webhooks:settings")).content.decode()
    assert f'value="{HOOK}"' in page


def test_disabling_keeps_a_changed_url_and_clearing_empties_it(owner_client, merchant):
    set_endpoint(merchant, "order", HOOK)
    other = "https://hooks.example.com/other"
    owner_client.post(reverse("webhooks:endpoint_set"), {"topic": "order", "url": other})
    endpoint = WebhookEndpoint.objects.get(merchant=merchant, topic="order")
    assert (endpoint.url, endpoint.enabled) == (other, False)
    owner_client.post(reverse("webhooks:endpoint_set"), {"topic": "order", "url": ""})
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.enabled) == ("", False)


def test_bad_url_saved_while_disabled_is_refused(owner_client, merchant, settings):
    settings.DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST = False
    response = owner_client.post(
        reverse("webhooks:endpoint_set"),
        {"topic": "order", "url": "http://example.com/h"},
        follow=True,
    )
    assert "callback URL must start with https://" in response.content.decode()
    assert WebhookEndpoint.objects.count() == 0
