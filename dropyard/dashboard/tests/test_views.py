import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_root_redirects_to_login(client):
    response = client.get(reverse("dashboard:root"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_member_sees_own_merchant_home(client, merchant, owner):
    client.force_login(owner)

    response = client.get(reverse("dashboard:home"))

    assert response.status_code == 200
    assert merchant.account_number in response.content.decode()


def test_operator_is_refused_merchant_home(client, operator_admin):
    client.force_login(operator_admin)

    response = client.get(reverse("dashboard:home"))

    assert response.status_code == 403
