"""The merchant's order list and catalog search in Simplified Chinese for a member who chose it
(``User.language``), English for the others."""

import pytest
from django.urls import reverse

from dropyard.accounts import services as account_services
from dropyard.catalog.search import search_index_rebuild
from dropyard.catalog.tests.factories import make_product
from dropyard.orders import services
from dropyard.orders.tests.factories import make_order_world, order_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(merchant):
    world = make_order_world()
    services.order_create(
        merchant=merchant, actor=merchant.owner, **order_item((world.red, 1), number="ZH-1")
    )
    make_product(name="Blue Teddy Bear")
    search_index_rebuild()


@pytest.mark.parametrize(
    ("name", "chinese", "english"),
    [
        ("orders:list", [">新建订单</a>", ">合并</a>", ">导出 CSV</a>"], ">New order</a>"),
        (
            "catalog:search",
            [">以图搜索</button>", ">运费试算</a>", "个商品</div>", "拖入或上传图片进行搜索"],
            ">Search by image</button>",
        ),
    ],
)
def test_merchant_pages_are_in_chinese_for_a_chinese_speaking_owner(
    client, owner, listed, name, chinese, english
):
    client.force_login(account_services.user_language_set(user=owner, language="zh-hans"))

    response = client.get(reverse(name))

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    html = response.content.decode()
    assert [words for words in chinese if words not in html] == []
    assert english not in html


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("orders:list", [">New order</a>", ">Merge</a>", ">Export CSV</a>"]),
        (
            "catalog:search",
            [">Search by image</button>", ">Freight calculator</a>", " products</div>"],
        ),
    ],
)
def test_merchant_pages_stay_english_for_an_owner_without_a_language(
    client, owner, listed, name, english
):
    client.force_login(owner)

    html = client.get(reverse(name)).content.decode()

    assert [words for words in english if words not in html] == []
    assert "新建订单" not in html
    assert "以图搜索" not in html
