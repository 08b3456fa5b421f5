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
