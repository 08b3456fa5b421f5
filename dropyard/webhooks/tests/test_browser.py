"""Browser test: a merchant sets a webhook, sends a test message, reads the log and replays."""

import pytest
from django.conf import settings
from django.test import Client

from dropyard.webhooks import tasks
from dropyard.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _logged_in_page(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context.new_page()


def test_set_webhook_send_test_read_log_and_replay(browser, live_server, merchant, receiver):
    page = _logged_in_page(browser, live_server, merchant.owner)
    page.goto(f"{live_server.url}/webhooks/")
    page.get_by_test_id("main-nav").get_by_role("link", name="Webhooks").wait_for()

    row = page.get_by_test_id("topic-order")
    row.get_by_label("Order callback URL").fill(receiver.url)
    row.get_by_label("Enabled").check()
    row.get_by_role("button", name="Save").click()
    page.get_by_text("The order webhook was saved.").wait_for()
    assert WebhookEndpoint.objects.get(merchant=merchant, topic="order").url == receiver.url

    page.get_by_test_id("topic-order").get_by_role("button", name="Send test message").click()
    page.get_by_text("A test message to the order webhook is queued").wait_for()
    message = WebhookMessage.objects.get()
    tasks.webhook_deliver.call(delivery_id=message.deliveries.get().pk)

    page.get_by_role("link", name="Delivery log").click()
    page.get_by_test_id("message-row").get_by_text("Delivered").wait_for()
    page.get_by_role("link", name=message.message_id).click()
    assert page.get_by_test_id("sign").inner_text() == message.signature
    assert page.get_by_test_id("attempt").count() == 1

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Replay").click()
    page.get_by_text("Replay queued").wait_for()
    assert list(WebhookDelivery.objects.values_list("is_replay", flat=True)) == [False, True]
    assert receiver.accepted == [message.message_id]
