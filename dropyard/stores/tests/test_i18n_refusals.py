"""A Chinese-speaking merchant sees the stores pages' refusals and form labels in Simplified
Chinese (issue 12); the words come from the catalog (dropyard/locale/zh_Hans)."""

import pytest
from django.urls import reverse

from dropyard.accounts import services as account_services
from dropyard.stores.models import Store
from dropyard.stores.tests.medusa_fake import SECRET_KEY

pytestmark = pytest.mark.django_db


def _chinese(client, user):
    client.force_login(account_services.user_language_set(user=user, language="zh-hans"))
    return client


def test_a_bad_store_address_is_refused_in_chinese(client, owner):
    response = _chinese(client, owner).post(
        reverse("stores:connect_medusa"),
        {"base_url": "ftp://shop.example.com", "api_key": SECRET_KEY},
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert response["Content-Language"] == "zh-hans"
    assert "店铺地址必须以 https://（或 http://）开头" in page
    assert "must start with" not in page
    assert ">店铺地址<" in page  # the field's label
    assert Store.objects.count() == 0


def test_a_page_without_the_permission_says_so_in_chinese(client, staff_user):
    response = _chinese(client, staff_user).get(reverse("stores:connect_medusa"))

    page = response.content.decode()
    assert response.status_code == 403
    assert "你无权访问此页面" in page
    assert "访问此页面需要 stores 权限" in page
