"""A product published privately for one merchant (``Product.private_for``) is invisible to
every other merchant: catalog search (keyword and browse), the product page, My Products, the
developer API's product, variant and stock queries; its owner opens and orders it."""

import pytest
from django.test import Client
from django.urls import reverse

from dropyard.accounts import services as account_services
from dropyard.catalog import selectors as catalog_selectors
from dropyard.catalog.search import product_search_ids
from dropyard.catalog.tests.factories import create_product, make_category_path
from dropyard.core.testing.cj_client import CJClient
from dropyard.orders.services import order_create
from dropyard.orders.tests.factories import order_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def private(merchant):
    leaf = make_category_path("Home", "Desk", "Stands")
    return create_product(name="Walnut phone stand", category=leaf, private_for=merchant)


@pytest.fixture
def public(db):
    leaf = make_category_path("Home", "Desk", "Lamps")
    return create_product(name="Walnut desk lamp", category=leaf)


def _api(merchant) -> CJClient:
    _, key = account_services.apikey_create(merchant=merchant, actor=merchant.owner, name="ERP")
    client = CJClient(Client())
    client.get_access_token(key).ok()
    return client


def test_search_never_lists_a_private_product(private, public):
    by_word = product_search_ids(keyword="walnut", limit=10)
    browsing = product_search_ids(limit=10)
    by_category = product_search_ids(category_id=private.category_id, limit=10)

    assert by_word[1] == [public.pk]
    assert browsing[1] == [public.pk]
    assert by_category[1] == []


def test_another_merchant_cannot_find_or_open_it_on_the_web(
    client, private, public, other_merchant
):
    client.force_login(other_merchant.owner)

    search = client.get(reverse("catalog:search"), {"q": "walnut"})
    page = client.get(reverse("catalog:product", args=[private.public_id]))
    add = client.post(reverse("catalog:my_product_add"), {"product": private.public_id})

    assert private.name not in search.content.decode()
    assert public.name in search.content.decode()
    assert page.status_code == 404
    assert add.status_code in (302, 400, 404)
    assert not other_merchant.my_products.exists()


def test_the_owner_opens_it(client, private, owner):
    client.force_login(owner)

    page = client.get(reverse("catalog:product", args=[private.public_id]))

    assert page.status_code == 200
    assert private.name in page.content.decode()


def test_the_api_hides_it_from_another_merchant(private, other_merchant):
    api = _api(other_merchant)
    variant = private.variants.get()

    assert api.get("product/query", {"pid": private.public_id}).error(1602001)
    assert api.get("product/variant/query", {"pid": private.public_id}).error(1602001)
    assert api.get("product/variant/queryByVid", {"vid": variant.public_id}).error(1602000)
    assert api.get("product/stock/queryByVid", {"vid": variant.public_id}).error(1602000)
    assert api.get("product/stock/getInventoryByPid", {"pid": private.public_id}).error(1602001)
    listed = api.get("product/list", {"pid": private.public_id}).ok()
    assert (listed["total"], listed["list"]) == (0, [])
    assert api.post("product/addToMyProduct", {"productId": private.public_id}).error(1602001)


def test_the_api_shows_it_to_its_owner(private, merchant):
    api = _api(merchant)

    product = api.get("product/query", {"pid": private.public_id}).ok()
    variant = private.variants.get()
    by_vid = api.get("product/variant/queryByVid", {"vid": variant.public_id}).ok()

    assert product["pid"] == private.public_id
    assert by_vid["vid"] == variant.public_id


def test_order_picker_offers_it_only_to_its_owner(private, merchant, other_merchant):
    sku = private.variants.get().sku

    mine = catalog_selectors.variant_picker_search(q=sku, merchant=merchant)
    theirs = catalog_selectors.variant_picker_search(q=sku, merchant=other_merchant)

    assert [v.sku for v in mine] == [sku]
    assert theirs == []
    assert list(catalog_selectors.variants_by_keys([sku], merchant=other_merchant)) == []


def test_the_owner_can_order_it(private, merchant, owner):
    variant = private.variants.get()

    order = order_create(merchant=merchant, actor=owner, **order_item((variant, 2)))

    assert [(line.variant, line.quantity) for line in order.lines.all()] == [(variant, 2)]


@pytest.mark.parametrize("by", ["vid", "sku"])
def test_another_merchant_cannot_order_it_by_vid_or_sku(private, other_merchant, by):
    from dropyard.logistics.exceptions import VariantNotFound

    variant = private.variants.get()
    item = order_item((variant, 1))
    line = item["lines"][0]
    key = line.pop("vid", None) or line.pop("sku", None)
    line[by] = variant.public_id if by == "vid" else variant.sku
    assert key

    with pytest.raises(VariantNotFound):
        order_create(merchant=other_merchant, actor=other_merchant.owner, **item)
