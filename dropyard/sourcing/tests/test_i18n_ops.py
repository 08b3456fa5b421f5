"""The agent's conversation page in Simplified Chinese for an agent who chose it, English for
the others; the messages themselves are data and stay as written."""

import pytest
from django.urls import reverse

from dropyard.accounts import services as account_services
from dropyard.sourcing import services

pytestmark = pytest.mark.django_db


def test_thread_page_is_in_chinese_for_a_chinese_speaking_agent(client, agent, assigned):
    services.message_send(merchant=assigned, sender=assigned.owner, body="Where is my order?")
    client.force_login(account_services.user_language_set(user=agent, language="zh-hans"))

    response = client.get(reverse("sourcing:ops_thread", args=[assigned.pk]))

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    assert "专属代理：" in html
    assert "（你）" in html
    assert ">发送</button>" in html
    assert 'placeholder="输入消息…"' in html
    assert "Where is my order?" in html  # the message is shown as written


def test_sending_a_message_confirms_in_chinese(client, agent, assigned):
    client.force_login(account_services.user_language_set(user=agent, language="zh-hans"))
    url = reverse("sourcing:ops_thread", args=[assigned.pk])

    response = client.post(url, {"body": "您好"}, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["消息已发送。"]


def test_thread_page_stays_english_for_an_english_agent(client, agent, assigned):
    client.force_login(agent)

    response = client.get(reverse("sourcing:ops_thread", args=[assigned.pk]))

    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert "Personal agent:" in html
    assert ">Send</button>" in html
    assert "发送" not in html
