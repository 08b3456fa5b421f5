"""Catalog developer API (contract §2.2) through the full stack with the conformance client."""

import json
import uuid
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from dropyard.accounts import services as account_services
from dropyard.catalog import services
from dropyard.catalog.merchant_prices import merchant_price_set
from dropyard.catalog.models import MyProduct
from dropyard.catalog.tests.factories import create_product, make_category_path, png_bytes
from dropyard.core.testing.cj_client import CJClient
from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.models import Stock, Warehouse


@pytest.fixture
def api(cj, api_key):
    """The conformance client holding a live token of ``merchant``."""
    cj.get_access_token(api_key).ok()
    return cj


@pytest.fixture
def other_api(other_merchant):
    _, key = account_services.apikey_create(
        merchant=other_merchant, actor=other_merchant.owner, name="ERP"
    )
    client = CJClient(Client())
    client.get_access_token(key).ok()
    return client


@pytest.fixture
def bear(db):
    leaf = make_category_path("Toys", "Plush", "Bears")
    product = create_product(
        name="Blue Teddy Bear",
        category=leaf,
        prices=(1250, 1999),
        material="Cotton",
        hs_code="9503000090",
        properties=["battery"],
        description_html="<p>Soft</p>",
    )
    services.product_image_add(
        product=product, upload=SimpleUploadedFile("bear.png", png_bytes()), actor=None
    )
    return product


def legacy_get(client, path: str, params: dict, token: str) -> dict:
    """GET an operation answering the alternate envelope; check it and return the body."""
    response = client.get(f"/api2.0/v1/{path}", params, headers={"CJ-Access-Token": token})
    body = json.loads(response.content)
    assert response.status_code == 200
    assert list(body) == ["success", "code", "message", "data", "requestId"]
    assert (body["success"], body["code"]) == (True, 0)
    assert uuid.UUID(body["requestId"]).version == 4
    assert response["X-Request-Id"] == body["requestId"]
    return body["data"]


# --- Auth ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "product/getCategory"),
        ("GET", "product/list"),
        ("GET", "product/listV2"),
        ("GET", "product/query"),
        ("GET", "product/variant/query"),
        ("GET", "product/variant/queryByVid"),
        ("GET", "product/productComments"),
        ("POST", "product/addToMyProduct"),
        ("GET", "product/myProduct/query"),
    ],
)
def test_every_catalog_operation_needs_a_token(cj, db, method, path):
    assert cj.request(method, path, token=None).error(1600002) == (
        "CJ-Access-Token header is required"
    )


# --- product/getCategory ------------------------------------------------------------------------


def test_get_category_tree(api):
    leaf = make_category_path("Home", "Kitchen", "Gadgets")
    second = leaf.parent
    first = second.parent
    services.category_create(name="Empty", parent=second)

    assert api.get("product/getCategory").ok() == [
        {
            "categoryFirstId": first.public_id,
            "categoryFirstName": first.name,
            "categoryFirstList": [
                {
                    "categorySecondId": second.public_id,
                    "categorySecondName": "Kitchen",
                    "categorySecondList": [
                        {
                            "categoryId": second.children.get(name="Empty").public_id,
                            "categoryName": "Empty",
                        },
                        {"categoryId": leaf.public_id, "categoryName": "Gadgets"},
                    ],
                }
            ],
        }
    ]


# --- product/list -------------------------------------------------------------------------------


def test_product_list_shape(api, bear):
    data = api.get("product/list").ok()

    assert list(data) == ["pageNum", "pageSize", "total", "list"]
    assert (data["pageNum"], data["pageSize"], data["total"]) == (1, 20, 1)
    item = data["list"][0]
    assert item == {
        "pid": bear.public_id,
        "productName": '["Blue Teddy Bear"]',
        "productNameEn": "Blue Teddy Bear",
        "productSku": bear.sku,
        "productImage": item["productImage"],
        "productWeight": "250",
        "productType": "ORDINARY_PRODUCT",
        "productUnit": "unit(s)",
        "categoryId": bear.category.public_id,
        "categoryName": "Bears",
        "remark": "",
        "addMarkStatus": 0,
        "isFreeShipping": False,
        "listedNum": 0,
        "supplierName": "",
        "supplierId": "",
        "sellPrice": "12.50",
        "createTime": bear.created_at.strftime("%Y-%m-%d %H:%M:%S"),
        "isVideo": 0,
        "saleStatus": "3",
        "customizationVersion": 0,
        "deliveryTime": None,
    }
    assert item["productImage"].startswith("http://testserver/media/products/")


def test_product_list_filters_and_paging(api, bear):
    create_product(name="Green Kettle", prices=(5000,))
    create_product(name="Red Kettle", prices=(800,))

    by_name = api.get("product/list", {"productNameEn": "kettle", "minPrice": "10"}).ok()
    assert [p["productNameEn"] for p in by_name["list"]] == ["Green Kettle"]
    by_pid = api.get("product/list", {"pid": bear.public_id}).ok()
    assert [p["pid"] for p in by_pid["list"]] == [bear.public_id]
    by_sku = api.get("product/list", {"productSku": "nope"}).ok()
    assert (by_sku["total"], by_sku["list"]) == (0, [])
    paged = api.get("product/list", {"pageNum": 2, "pageSize": 2}).ok()
    assert (paged["total"], len(paged["list"])) == (3, 1)
    by_category = api.get("product/list", {"categoryId": bear.category.parent.public_id}).ok()
    assert [p["pid"] for p in by_category["list"]] == [bear.public_id]
    cheapest = api.get("product/list", {"orderBy": "listedNum", "sort": "asc"}).ok()
    assert cheapest["total"] == 3


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"pageSize": 201}, "pageSize must be between 1 and 200"),
        ({"pageSize": 0}, "pageSize must be between 1 and 200"),
        ({"pageNum": 0}, "pageNum must be at least 1"),
        ({"pageNum": "x"}, "pageNum: Input should be a valid integer"),
        ({"minPrice": "abc"}, "minPrice must be a decimal amount"),
        ({"categoryId": "999"}, "categoryId: unknown category"),
        ({"orderBy": "price"}, "orderBy must be createAt or listedNum"),
        ({"countryCode": "USA"}, "countryCode must be an ISO 3166-1 alpha-2 country code"),
    ],
)
def test_product_list_bad_params(api, params, message):
    assert api.get("product/list", params).error(1600300).startswith(message)


def test_product_list_page_size_200_allowed(api):
    assert api.get("product/list", {"pageSize": 200}).ok()["pageSize"] == 200


# --- product/listV2 -----------------------------------------------------------------------------


def test_list_v2_shape(api, bear):
    wh = Warehouse.objects.create(code="US1", name="US 1", country="US")
    factory_wh = Warehouse.objects.create(
        code="CNF", name="Factory", country="CN", kind=WarehouseKind.SUPPLIER, is_verified=False
    )
    first, second = bear.variants.order_by("position")
    Stock.objects.create(variant=first, warehouse=wh, on_hand=10, reserved=3)
    Stock.objects.create(variant=second, warehouse=factory_wh, on_hand=5)

    data = api.get("product/listV2", {"keyWord": "blue ted"}).ok()

    assert list(data) == ["pageSize", "pageNumber", "totalRecords", "totalPages", "content"]
    assert (data["pageSize"], data["pageNumber"], data["totalRecords"], data["totalPages"]) == (
        10,
        1,
        1,
        1,
    )
    content = data["content"]
    assert [list(c) for c in content] == [
        ["productList", "relatedCategoryList", "keyWord", "keyWordOld"]
    ]
    third = bear.category
    assert content[0]["relatedCategoryList"] == [
        {"categoryId": third.public_id, "categoryName": "Bears", "count": 1}
    ]
    assert content[0]["keyWord"] == "blue ted"
    item = content[0]["productList"][0]
    assert item == {
        "id": bear.public_id,
        "nameEn": "Blue Teddy Bear",
        "sku": bear.sku,
        "spu": bear.sku,
        "bigImage": item["bigImage"],
        "sellPrice": "12.50",
        "nowPrice": "12.50",
        "discountPrice": "12.50",
        "listedNum": 0,
        "categoryId": third.public_id,
        "oneCategoryId": third.parent.parent.public_id,
        "oneCategoryName": third.parent.parent.name,
        "twoCategoryId": third.parent.public_id,
        "twoCategoryName": "Plush",
        "threeCategoryName": "Bears",
        "addMarkStatus": 0,
        "isVideo": 0,
        "productType": "ORDINARY_PRODUCT",
        "supplierName": "",
        "createAt": int(bear.created_at.timestamp() * 1000),
        "warehouseInventoryNum": 12,
        "totalVerifiedInventory": 7,
        "totalUnVerifiedInventory": 5,
        "verifiedWarehouse": 1,
        "saleStatus": "3",
        "description": None,
    }
    assert item["bigImage"].startswith("http://testserver/media/products/")


def test_list_v2_query_count_does_not_grow_with_page_size(api, bear, django_assert_max_num_queries):
    wh = Warehouse.objects.create(code="US1", name="US 1", country="US")
    for i in range(12):
        product = create_product(name=f"Blue teddy {i}", category=bear.category, prices=(900, 950))
        services.product_image_add(
            product=product, upload=SimpleUploadedFile("bear.png", png_bytes()), actor=None
        )
        Stock.objects.create(variant=product.variants.first(), warehouse=wh, on_hand=4)

    # token, count, ids (one per relevance tier read), products (+category path, supplier),
    # variants, images, stock totals; PostgreSQL: the prefix expansion and the planner settings
    # around its index-only count instead of tier reads (search_pg)
    for size in (1, 5, 13):
        with django_assert_max_num_queries(8 if connection.vendor == "sqlite" else 10):
            data = api.get("product/listV2", {"keyWord": "teddy", "size": size}).ok()
        assert len(data["content"][0]["productList"]) == size


def test_list_v2_description_feature(api, bear):
    data = api.get("product/listV2", {"features": "enable_description"}).ok()

    assert data["content"][0]["productList"][0]["description"] == "<p>Soft</p>"


def test_list_v2_filters_and_order(api, bear):
    create_product(name="Cheap thing", prices=(300,))
    create_product(name="Dear thing", prices=(9900,))
    Warehouse.objects.create(code="DE1", name="DE", country="DE")

    def ids(params):
        data = api.get("product/listV2", params).ok()
        return [p["nameEn"] for p in data["content"][0]["productList"]]

    assert ids({"orderBy": 2, "sort": "asc"}) == ["Cheap thing", "Blue Teddy Bear", "Dear thing"]
    assert ids({"orderBy": 2}) == ["Dear thing", "Blue Teddy Bear", "Cheap thing"]
    assert ids({"startSellPrice": "3.00", "endSellPrice": "12.50", "orderBy": 2}) == [
        "Blue Teddy Bear",
        "Cheap thing",
    ]
    assert ids({"categoryId": bear.category.parent.parent.public_id}) == ["Blue Teddy Bear"]
    assert ids({"countryCode": "DE"}) == []
    assert ids({"keyWord": "thing", "size": 1, "page": 2, "orderBy": 2, "sort": "asc"}) == [
        "Dear thing"
    ]


def test_list_v2_off_sale_products_hidden(api, bear):
    services.product_set_on_sale(product=bear, on_sale=False, reason="Recall", actor=None)

    assert api.get("product/listV2", {"keyWord": "bear"}).ok()["totalRecords"] == 0


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": 0}, "page must be between 1 and 1000"),
        ({"page": 1001}, "page must be between 1 and 1000"),
        ({"size": 0}, "size must be between 1 and 100"),
        ({"size": 101}, "size must be between 1 and 100"),
        ({"orderBy": 5}, "orderBy must be between 0 and 4"),
        ({"sort": "up"}, "sort must be asc or desc"),
        ({"startSellPrice": "1,5"}, "startSellPrice must be a decimal amount"),
        ({"endSellPrice": "-2"}, "endSellPrice must be a decimal amount ≥ 0"),
        ({"startSellPrice": "9", "endSellPrice": "2"}, "startSellPrice must not exceed"),
        ({"countryCode": "1X"}, "countryCode must be an ISO 3166-1 alpha-2"),
    ],
)
def test_list_v2_bad_params(api, params, message):
    assert api.get("product/listV2", params).error(1600300).startswith(message)


def test_list_v2_limits_allowed(api, bear):
    data = api.get("product/listV2", {"page": 1000, "size": 100}).ok()

    assert (data["pageNumber"], data["pageSize"], data["totalRecords"]) == (1000, 100, 1)
    assert data["content"][0]["productList"] == []


# --- product/query and variants -----------------------------------------------------------------


def test_product_query_by_pid(api, bear):
    data = api.get("product/query", {"pid": bear.public_id}).ok()

    variants = data.pop("variants")
    assert data == {
        "pid": bear.public_id,
        "productName": '["Blue Teddy Bear"]',
        "productNameEn": "Blue Teddy Bear",
        "productSku": bear.sku,
        "productImage": data["productImage"],
        "bigImage": data["bigImage"],
        "productWeight": "250",
        "packWeight": "250",
        "productType": "ORDINARY_PRODUCT",
        "productUnit": "unit(s)",
        "categoryId": bear.category.public_id,
        "categoryName": "Bears",
        "entryCode": "9503000090",
        "entryName": "9503000090",
        "entryNameEn": "9503000090",
        "materialName": "Cotton",
        "materialNameEn": "Cotton",
        "packingName": "",
        "packingNameEn": "",
        "productKey": "Size",
        "productKeyEn": "Size",
        "productProSet": ["battery"],
        "productProEnSet": ["battery"],
        "addMarkStatus": 0,
        "description": "<p>Soft</p>",
        "sellPrice": "12.50",
        "suggestSellPrice": "29.99",
        "createrTime": bear.created_at.strftime("%Y-%m-%d %H:%M:%S"),
        "productVideo": [],
        "status": "3",
        "listedNum": 0,
        "supplierName": "",
        "supplierId": "",
        "customizationVersion": 0,
    }
    assert json.loads(data["productImage"]) == [data["bigImage"]]
    assert [v["variantSellPrice"] for v in variants] == ["12.50", "19.99"]


def test_product_query_by_skus(api, bear):
    variant = bear.variants.first()

    assert api.get("product/query", {"productSku": bear.sku}).ok()["pid"] == bear.public_id
    assert api.get("product/query", {"variantSku": variant.sku}).ok()["pid"] == bear.public_id


@pytest.mark.parametrize("path", ["product/query", "product/variant/query"])
def test_product_lookup_errors(api, bear, path):
    assert api.get(path, {"pid": "123"}).error(1602001) == "Product not found"
    assert api.get(path, {"productSku": "NOPE"}).error(1602001) == "Product not found"
    assert api.get(path, {"variantSku": "NOPE"}).error(1602000) == "Variant not found"
    assert api.get(path).error(1600300) == "one of pid, productSku or variantSku is required"
    assert api.get(path, {"pid": bear.public_id, "productSku": bear.sku}).error(1600300) == (
        "one of pid, productSku or variantSku is required"
    )


@pytest.mark.parametrize("path", ["product/query", "product/variant/query"])
def test_product_lookup_off_sale(api, bear, path):
    variant = bear.variants.order_by("position").first()
    services.variant_set_on_sale(variant=variant, on_sale=False, actor=None)

    assert api.get(path, {"variantSku": variant.sku}).error(1602003) == ("The variant is off shelf")
    services.product_set_on_sale(product=bear, on_sale=False, reason="Recall", actor=None)
    assert api.get(path, {"pid": bear.public_id}).error(1602002) == "The product is off shelf"


def test_product_query_lists_only_on_sale_variants(api, bear):
    first, second = bear.variants.order_by("position")
    services.variant_set_on_sale(variant=first, on_sale=False, actor=None)

    data = api.get("product/query", {"pid": bear.public_id}).ok()

    assert [v["vid"] for v in data["variants"]] == [second.public_id]
    assert data["sellPrice"] == "19.99"


def test_variant_query_shape(api, bear):
    first, second = bear.variants.order_by("position")

    data = api.get("product/variant/query", {"pid": bear.public_id}).ok()

    assert [v["vid"] for v in data] == [first.public_id, second.public_id]
    assert data[0] == {
        "vid": first.public_id,
        "pid": bear.public_id,
        "variantName": "Blue Teddy Bear S0",
        "variantNameEn": "Blue Teddy Bear S0",
        "variantImage": "",
        "variantSku": first.sku,
        "variantUnit": "unit(s)",
        "variantProperty": '[{"name": "Size", "value": "S0"}]',
        "variantKey": "S0",
        "variantLength": 100,
        "variantWidth": 80,
        "variantHeight": 50,
        "variantVolume": 400000,
        "variantWeight": 250,
        "variantSellPrice": "12.50",
        "variantSugSellPrice": "29.99",
        "variantStandard": "long=100,width=80,height=50",
        "barcode": "",
        "createTime": first.created_at.strftime("%Y-%m-%d %H:%M:%S"),
    }


def test_variant_query_by_vid_without_inventory(api, bear):
    variant = bear.variants.order_by("position").first()

    data = api.get("product/variant/queryByVid", {"vid": variant.public_id}).ok()

    assert data["vid"] == variant.public_id
    assert data["variantSellPrice"] == "12.50"
    assert "inventories" not in data


def test_variant_query_by_vid_with_inventory(api, bear, merchant, other_merchant):
    variant = bear.variants.order_by("position").first()
    us = Warehouse.objects.create(code="US1", name="US 1", country="US")
    cn = Warehouse.objects.create(
        code="CNF", name="Factory", country="CN", kind=WarehouseKind.SUPPLIER
    )
    Stock.objects.create(variant=variant, warehouse=us, on_hand=10, reserved=4)
    Stock.objects.create(variant=variant, warehouse=us, merchant=merchant, on_hand=3)
    Stock.objects.create(variant=variant, warehouse=us, merchant=other_merchant, on_hand=50)
    Stock.objects.create(variant=variant, warehouse=cn, on_hand=7)

    data = api.get(
        "product/variant/queryByVid", {"vid": variant.public_id, "features": "enable_inventory"}
    ).ok()

    assert data["inventories"] == [
        {
            "countryCode": "CN",
            "totalInventory": 7,
            "cjInventory": 0,
            "factoryInventory": 7,
            "verifiedWarehouse": 1,
            "stock": [{"stockId": cn.public_id, "inventory": 0, "factoryInventory": 7}],
        },
        {
            "countryCode": "US",
            "totalInventory": 9,
            "cjInventory": 9,
            "factoryInventory": 0,
            "verifiedWarehouse": 1,
            "stock": [{"stockId": us.public_id, "inventory": 9, "factoryInventory": 0}],
        },
    ]


def test_variant_query_by_vid_errors(api, bear):
    variant = bear.variants.first()

    assert api.get("product/variant/queryByVid", {"vid": "42"}).error(1602000) == (
        "Variant not found"
    )
    assert api.get("product/variant/queryByVid").error(1600300) == "vid is required"
    services.variant_set_on_sale(variant=variant, on_sale=False, actor=None)
    assert api.get("product/variant/queryByVid", {"vid": variant.public_id}).error(1602003) == (
        "The variant is off shelf"
    )
    services.product_set_on_sale(product=bear, on_sale=False, reason="Recall", actor=None)
    assert api.get("product/variant/queryByVid", {"vid": variant.public_id}).error(1602002) == (
        "The product is off shelf"
    )


# --- product/productComments --------------------------------------------------------------------


def _review(product, rating, day, name="Anna", photos=()):
    return services.review_create(
        product=product,
        rating=rating,
        text=f"{rating} stars",
        country="DE",
        reviewer_name=name,
        reviewed_on=date(2026, 5, day),
        photos=list(photos),
    )


def test_product_comments_legacy_envelope(api, client, bear):
    newest = _review(bear, 5, 3, photos=[SimpleUploadedFile("p.png", png_bytes())])
    _review(bear, 2, 1)
    _review(bear, 5, 2)

    data = legacy_get(client, "product/productComments", {"pid": bear.public_id}, api.access_token)

    assert (data["pageNum"], data["pageSize"], data["total"]) == (1, 20, 3)
    first = data["list"][0]
    assert first == {
        "pid": bear.public_id,
        "commentId": newest.public_id,
        "comment": "5 stars",
        "commentUrls": first["commentUrls"],
        "commentUser": "Anna",
        "score": 5,
        "countryCode": "DE",
        "commentDate": "2026-05-03T00:00:00+00:00",
        "flagIconUrl": "",
    }
    assert len(first["commentUrls"]) == 1
    assert first["commentUrls"][0].startswith("http://testserver/media/reviews/")


def test_product_comments_score_filter_and_paging(api, client, bear):
    for day in range(1, 4):
        _review(bear, 5, day)
    _review(bear, 1, 9)
    token = api.access_token

    fives = legacy_get(
        client,
        "product/productComments",
        {"pid": bear.public_id, "score": 5, "pageNum": 2, "pageSize": 2},
        token,
    )
    assert (fives["total"], [r["commentDate"][:10] for r in fives["list"]]) == (3, ["2026-05-01"])


def test_product_comments_errors_use_normal_envelope(api, bear):
    assert api.get("product/productComments", {"pid": "1"}).error(1602001) == "Product not found"
    assert api.get("product/productComments").error(1600300) == "pid is required"
    assert api.get("product/productComments", {"pid": bear.public_id, "pageSize": 201}).error(
        1600300
    ) == ("pageSize must be between 1 and 200")
    assert api.get("product/productComments", {"pid": bear.public_id, "score": 6}).error(
        1600300
    ) == ("score must be between 1 and 5")


# --- My Products --------------------------------------------------------------------------------


def test_add_to_my_product_is_idempotent(api, bear, merchant):
    assert api.post("product/addToMyProduct", {"productId": bear.public_id}).ok() is True
    assert api.post("product/addToMyProduct", {"productId": bear.public_id}).ok() is True

    assert list(MyProduct.objects.values_list("merchant", "product")) == [(merchant.pk, bear.pk)]


def test_add_to_my_product_errors(api, bear):
    assert api.post("product/addToMyProduct", {"productId": "1"}).error(1602001) == (
        "Product not found"
    )
    assert api.post("product/addToMyProduct", {}).error(1600300) == "productId is required"
    assert api.post("product/addToMyProduct", {"productId": " "}).error(1600300) == (
        "productId is required"
    )
    services.product_set_on_sale(product=bear, on_sale=False, reason="Recall", actor=None)
    assert api.post("product/addToMyProduct", {"productId": bear.public_id}).error(1602002) == (
        "The product is off shelf"
    )
    assert MyProduct.objects.count() == 0


def test_my_product_query_shape(api, bear, merchant):
    api.post("product/addToMyProduct", {"productId": bear.public_id}).ok()
    saved = MyProduct.objects.get()

    data = api.get("product/myProduct/query").ok()

    assert list(data) == ["pageSize", "pageNumber", "totalRecords", "totalPages", "content"]
    assert (data["pageSize"], data["pageNumber"], data["totalRecords"], data["totalPages"]) == (
        10,
        1,
        1,
        1,
    )
    item = data["content"][0]
    assert item == {
        "productId": bear.public_id,
        "productName": "Blue Teddy Bear",
        "nameEn": "Blue Teddy Bear",
        "sku": bear.sku,
        "bigImage": item["bigImage"],
        "totalPrice": "12.50",
        "productType": "ORDINARY_PRODUCT",
        "listedShopNum": 0,
        "createAt": int(saved.created_at.timestamp() * 1000),
        "saleStatus": "3",
        "trialFreight": None,
    }


def test_my_product_query_filters_paging_and_off_sale(api, bear):
    kettle = create_product(name="Green Kettle")
    for product in (bear, kettle):
        api.post("product/addToMyProduct", {"productId": product.public_id}).ok()
    services.product_set_on_sale(product=kettle, on_sale=False, reason="Recall", actor=None)

    def names(params):
        return [p["nameEn"] for p in api.get("product/myProduct/query", params).ok()["content"]]

    assert names({"keyword": "kett"}) == ["Green Kettle"]
    assert names({"categoryId": bear.category.parent.parent.public_id}) == ["Blue Teddy Bear"]
    page2 = api.get("product/myProduct/query", {"size": 1, "page": 2}).ok()
    assert (page2["totalRecords"], page2["totalPages"], len(page2["content"])) == (2, 2, 1)
    off = api.get("product/myProduct/query", {"keyword": "kettle"}).ok()["content"][0]
    assert off["saleStatus"] == "2"


def test_my_products_are_private_to_the_account(api, other_api, bear):
    api.post("product/addToMyProduct", {"productId": bear.public_id}).ok()

    theirs = other_api.get("product/myProduct/query").ok()

    assert (theirs["totalRecords"], theirs["content"]) == (0, [])
    assert api.get("product/myProduct/query").ok()["totalRecords"] == 1


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"page": 0}, "page must be between 1 and 1000"),
        ({"size": 101}, "size must be between 1 and 100"),
        ({"categoryId": "1"}, "categoryId: unknown category"),
    ],
)
def test_my_product_query_bad_params(api, params, message):
    assert api.get("product/myProduct/query", params).error(1600300) == message


@pytest.mark.parametrize("path", ["product/query", "product/variant/query"])
def test_variant_sell_price_is_the_callers_agreed_price(api, other_api, merchant, bear, path):
    cheap, dear = bear.variants.order_by("position")
    merchant_price_set(merchant=merchant, variant=dear, price_minor=1500, actor=None)

    def sell_prices(client):
        data = client.get(path, {"pid": bear.public_id}).ok()
        variants = data["variants"] if path == "product/query" else data
        return {v["vid"]: v["variantSellPrice"] for v in variants}

    assert sell_prices(api) == {cheap.public_id: "12.50", dear.public_id: "15.00"}
    assert sell_prices(other_api) == {cheap.public_id: "12.50", dear.public_id: "19.99"}
