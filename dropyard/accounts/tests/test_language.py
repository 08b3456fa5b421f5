"""Per-person language: the setting, its page, and the pages shown in it."""

import pytest
from django.urls import reverse

from dropyard.accounts import services
from dropyard.accounts.exceptions import AccountsError
from dropyard.accounts.tests.factories import make_operator

pytestmark = pytest.mark.django_db


def test_language_set_and_cleared():
    user = make_operator(role="warehouse")
    assert services.user_language_set(user=user, language="zh-hans").language == "zh-hans"
    user.refresh_from_db()
    assert user.language == "zh-hans"
    services.user_language_set(user=user, language="")
    user.refresh_from_db()
    assert user.language == ""


@pytest.mark.parametrize("bad", ["fr", "zh", "en-us", "x" * 50, "zh-hans\x00"])
def test_unknown_language_is_refused(bad):
    user = make_operator(role="warehouse")
    with pytest.raises(AccountsError):
        services.user_language_set(user=user, language=bad)
    user.refresh_from_db()
    assert user.language == ""


def test_language_page_saves_and_pages_follow(client):
    user = make_operator(role="warehouse")
    client.force_login(user)
    page = client.get(reverse("accounts:language"))
    assert page.status_code == 200
    assert page.headers["Content-Language"] == "en"
    assert '<h1 class="h3 mb-3">Language</h1>' in page.content.decode()

    saved = client.post(reverse("accounts:language"), {"language": "zh-hans"}, follow=True)
    assert saved.status_code == 200
    assert saved.headers["Content-Language"] == "zh-hans"
    html = saved.content.decode()
    assert '<h1 class="h3 mb-3">语言</h1>' in html
    assert "语言已保存。" in html
    user.refresh_from_db()
    assert user.language == "zh-hans"


def test_language_page_refuses_an_unknown_choice(client):
    user = make_operator(role="agent")
    client.force_login(user)
    response = client.post(reverse("accounts:language"), {"language": "klingon"})
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.language == ""


def test_anonymous_pages_use_the_default_language_whatever_the_browser(client):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.headers["Content-Language"] == "en"


def test_language_page_needs_a_login(client):
    response = client.get(reverse("accounts:language"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.headers["Location"]


# --- Pages in Simplified Chinese ------------------------------------------------------------------


def _in_chinese(client, user):
    services.user_language_set(user=user, language="zh-hans")
    client.force_login(user)


def test_wallet_top_up_flashes_and_the_invoice_list_reads_in_chinese(client, owner):
    _in_chinese(client, owner)

    credited = client.post(reverse("wallet:topup_sandbox"), {"amount": "1000.00"}, follow=True)
    invoices = client.get(reverse("wallet:invoice_list"))

    assert "沙盒充值 1000.00 USD 已到账。" in credited.content.decode()
    html = invoices.content.decode()
    assert '<td data-label="单据号" class="font-monospace list-title">RCT-' in html  # the header
    assert '<td data-label="类型" >收据</td>' in html  # InvoiceKind.RECEIPT's label


def test_team_page_shows_role_labels_and_the_invite_message_in_chinese(client, owner):
    _in_chinese(client, owner)

    response = client.post(
        reverse("accounts:team"),
        {"email": "invitee@example.test", "role": "staff", "permissions": ["orders"]},
        follow=True,
    )

    html = response.content.decode()
    assert "邀请已发送至 invitee@example.test。" in html
    assert '<td data-label="角色" class="text-nowrap">所有者 <span' in html  # MemberRole.OWNER


def test_operator_merchant_list_headers_and_levels_read_in_chinese(client, merchant):
    admin = make_operator(role="admin")
    _in_chinese(client, admin)

    html = client.get(reverse("accounts_ops:merchants")).content.decode()

    assert 'class="list-sort is-sorted">企业名称 <span' in html  # the Business column header
    assert '<td data-label="等级" class="text-nowrap">免费</td>' in html  # AccountLevel.FREE
    assert 'data-testid="result-count">1 个商户<' in html  # the count's noun


def test_the_developer_api_answers_in_english_to_a_chinese_session(client):
    user = make_operator(role="warehouse")
    _in_chinese(client, user)

    response = client.get("/api2.0/v1/logistic/freightCalculate")

    assert response.headers["Content-Language"] == "en"


def test_merchant_home_and_profile_read_in_chinese(client, owner, merchant):
    _in_chinese(client, owner)

    home = client.get(reverse("dashboard:home"))
    profile = client.get(reverse("accounts:profile"))

    assert home.headers["Content-Language"] == "zh-hans"
    html = home.content.decode()
    assert "<title>概览 · Dropyard</title>" in html
    assert '<h2 class="h5">你的专属代理</h2>' in html
    assert 'fw-normal text-secondary">团队成员</dt>' in html
    assert "Your personal agent" not in html
    html = profile.content.decode()
    assert '<h1 class="h3 mb-3">企业资料</h1>' in html
    assert '<h2 class="h6 mt-4">联系方式</h2>' in html
    assert ">保存资料</button>" in html
    assert merchant.business_name in html  # data is not translated
