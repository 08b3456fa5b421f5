"""The catalog back office (products, categories) in Simplified Chinese for an operator who
chose it, English for the others."""

import pytest
from django.urls import reverse

from dropyard.accounts import services as account_services
from dropyard.accounts.tests.factories import make_operator

pytestmark = pytest.mark.django_db


@pytest.fixture
def support(db):
    return make_operator(role="support")


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("catalog_ops:product_list", [">新建商品</a>", ">类目</a>", "暂无商品。", "创建第一个"]),
        ("catalog_ops:product_create", [">新建商品</h1>", "首个变体", ">创建商品</button>"]),
        ("catalog_ops:category_list", [">类目</h1>", ">添加类目</h2>", "暂无类目。"]),
    ],
)
def test_catalog_pages_are_in_chinese_for_a_chinese_speaking_operator(client, support, name, words):
    client.force_login(account_services.user_language_set(user=support, language="zh-hans"))

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    assert [w for w in words if w not in html] == []


def test_category_page_stays_english_for_an_english_operator(client, support):
    client.force_login(support)

    response = client.get(reverse("catalog_ops:category_list"))

    html = response.content.decode()
    assert response["Content-Language"] == "en"
    assert '<h1 class="h3 mb-3">Categories</h1>' in html
    assert "No categories yet." in html
    assert "类目" not in html
