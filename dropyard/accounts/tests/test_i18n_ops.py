"""The admin's merchant, supplier-application and staff pages in Simplified Chinese for an admin
who chose it, English for the others."""

import pytest
from django.urls import reverse

from dropyard.accounts import services as account_services
from dropyard.accounts.tests.factories import make_operator

pytestmark = pytest.mark.django_db


def _chinese(user):
    return account_services.user_language_set(user=user, language="zh-hans")


def test_merchant_detail_is_in_chinese_for_a_chinese_speaking_admin(
    client, operator_admin, assigned
):
    client.force_login(_chinese(operator_admin))

    response = client.get(reverse("accounts_ops:merchant_detail", args=[assigned.pk]))

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    for words in ("资料", "账号", "创建时间", "成员", "专属代理", "保存代理"):
        assert words in html, words
    assert assigned.business_name in html  # data is not translated


def test_staff_edit_is_in_chinese_with_its_plural(client, operator_admin, agent, assigned):
    client.force_login(_chinese(operator_admin))

    response = client.get(reverse("accounts_ops:staff_edit", args=[agent.pk]))

    html = response.content.decode()
    assert response["Content-Language"] == "zh-hans"
    assert "该代理负责 1 个商户。" in html
    assert ">修改角色</h2>" in html
    assert ">停用…</button>" in html


def test_role_change_message_is_in_chinese(client, operator_admin):
    support = make_operator(role="support")
    client.force_login(_chinese(operator_admin))

    response = client.post(
        reverse("accounts_ops:staff_edit", args=[support.pk]), {"role": "finance"}, follow=True
    )

    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1
    assert messages[0].startswith(f"{support.email} 的角色已改为 ")


def test_staff_edit_stays_english_for_an_english_admin(client, operator_admin, agent, assigned):
    client.force_login(operator_admin)

    response = client.get(reverse("accounts_ops:staff_edit", args=[agent.pk]))

    html = response.content.decode()
    assert response["Content-Language"] == "en"
    assert "This agent looks after 1 merchant." in html
    assert "修改角色" not in html
