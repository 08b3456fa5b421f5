"""A webhook refusal speaks the page's language on the settings page (Simplified Chinese for a
person who chose it) and English in the developer API, even with that person's session: the
service translates when it refuses, and the API path is always answered in English."""

import pytest
from django.urls import reverse

from dropyard.accounts import services as account_services
from dropyard.webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db

PLAIN_HTTP = "http://hooks.example.com/h"


@pytest.fixture
def chinese_owner(client, owner, settings):
    settings.DROPYARD_WEBHOOK_ALLOW_HTTP_LOCALHOST = False
    client.force_login(account_services.user_language_set(user=owner, language="zh-hans"))
    return owner


def test_the_settings_page_refuses_a_plain_http_url_in_chinese(client, chinese_owner):
    response = client.post(
        reverse("webhooks:endpoint_set"),
        {"topic": "stock", "url": PLAIN_HTTP, "enabled": "on"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == ["回调地址必须以 https:// 开头"]
    assert WebhookEndpoint.objects.count() == 0


def test_the_api_refuses_the_same_url_in_english_with_a_chinese_session(
    client, cj, api_key, chinese_owner
):
    cj.get_access_token(api_key).ok()

    body = {"stock": {"type": "ENABLE", "callbackUrls": [PLAIN_HTTP]}}
    message = cj.post("webhook/set", body).error(1607002)

    assert message == "callback URL must start with https://"
    assert WebhookEndpoint.objects.count() == 0
