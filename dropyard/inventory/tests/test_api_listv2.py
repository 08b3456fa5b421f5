"""product/listV2 filters added for issue 3: productType, productFlag, creation time, stock
range, supplier, verified warehouse, self pickup, lv2/lv3 category lists, relatedCategoryList
and listedNum. Exact result sets on small data, through the CJ conformance client."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dropyard.accounts.models import Supplier
from dropyard.accounts.tests.factories import SupplierApplicationFactory, make_merchant
from dropyard.catalog import services
from dropyard.catalog.choices import ProductType
from dropyard.catalog.exceptions import CatalogError
from dropyard.catalog.models import MyProduct, Product
from dropyard.catalog.selectors import (
    NEW_DAYS,
    SLOW_MOVING_DAYS,
    TRENDING_DAYS,
    product_flag_filters,
    related_categories,
)
from dropyard.catalog.tests.factories import create_product, make_category_path
from dropyard.inventory.aggregates import product_stock_refresh
from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.models import Stock, Warehouse
from dropyard.orders.models import Order, OrderLine


@pytest.fixture
def api(cj, api_key):
    cj.get_access_token(api_key).ok()
    return cj


def names(api, params: dict) -> list[str]:
    """The product names of one listV2 page, sorted (filters are tested as sets)."""
    data = api.get("product/listV2", {"size": 100, **params}).ok()
    return sorted(p["nameEn"] for p in data["content"][0]["productList"])


def _created(product: Product, days_ago: float) -> Product:
    Product.objects.filter(pk=product.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    product.refresh_from_db()
    return product


def _stock(product: Product, warehouse: Warehouse, on_hand: int, reserved: int = 0, **kw):
    row = Stock.objects.create(
        variant=product.variants.first(),
        warehouse=warehouse,
        on_hand=on_hand,
        reserved=reserved,
        **kw,
    )
    product_stock_refresh([product.pk])  # rows made directly, not by the inventory services
    return row


def _save(merchant, product: Product, days_ago: float = 0) -> None:
    saved = services.my_product_add(merchant=merchant, product=product, actor=None)
    MyProduct.objects.filter(pk=saved.pk).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )


def _supplier(company_name: str) -> Supplier:
    application = SupplierApplicationFactory(company_name=company_name)
    return Supplier.objects.create(
        user=application.applicant,
        application=application,
        company_name=company_name,
        country="CN",
    )


def test_product_type_supplier_video_and_non_video(api):
    create_product(name="Plain")
    create_product(name="From factory", product_type=ProductType.SUPPLIER)
    create_product(name="Factory ships", product_type=ProductType.SUPPLIER_SHIPPED)
    create_product(name="Filmed", video_url="https://videos.example.com/filmed.mp4")

    assert names(api, {"productType": 4}) == ["Factory ships", "From factory"]
    assert names(api, {"productType": 10}) == ["Filmed"]
    assert names(api, {"productType": 11}) == ["Factory ships", "From factory", "Plain"]
    data = api.get("product/listV2", {"productType": 10}).ok()
    assert data["content"][0]["productList"][0]["isVideo"] == 1
    assert (
        api.get("product/listV2", {"productType": 11}).ok()["content"][0]["productList"][0][
            "isVideo"
        ]
        == 0
    )


def test_product_flag_trending_counts_recent_saves(api, merchant, other_merchant):
    third = make_merchant(business_name="Third Shop")
    hot = create_product(name="Hot")
    fading = create_product(name="Fading")
    single = create_product(name="Single")
    create_product(name="Unsaved")
    _save(merchant, hot, days_ago=1)
    _save(other_merchant, hot, days_ago=TRENDING_DAYS - 1)
    _save(merchant, fading, days_ago=2)
    _save(other_merchant, fading, days_ago=TRENDING_DAYS + 1)  # too old to count
    _save(third, fading, days_ago=TRENDING_DAYS + 5)
    _save(merchant, single)

    assert names(api, {"productFlag": 0}) == ["Hot"]
    # listedNum counts every save (all time), and orderBy 1 sorts by it.
    data = api.get("product/listV2", {"orderBy": 1}).ok()
    listed = [(p["nameEn"], p["listedNum"]) for p in data["content"][0]["productList"]]
    assert listed == [("Fading", 3), ("Hot", 2), ("Single", 1), ("Unsaved", 0)]


def test_listed_count_follows_my_products(merchant, other_merchant, db):
    product = create_product(name="Counted")
    services.my_product_add(merchant=merchant, product=product, actor=None)
    services.my_product_add(merchant=merchant, product=product, actor=None)  # no change
    services.my_product_add(merchant=other_merchant, product=product, actor=None)
    product.refresh_from_db()
    assert product.listed_count == 2 == MyProduct.objects.filter(product=product).count()

    assert services.my_product_remove(merchant=merchant, product=product, actor=None) is True
    assert services.my_product_remove(merchant=merchant, product=product, actor=None) is False
    product.refresh_from_db()
    assert product.listed_count == 1 == MyProduct.objects.filter(product=product).count()


def test_product_flag_new_and_video(api):
    _created(create_product(name="Old"), NEW_DAYS + 1)
    _created(create_product(name="Recent"), NEW_DAYS - 1)
    create_product(name="Today", video_url="https://videos.example.com/today.mp4")

    assert names(api, {"productFlag": 1}) == ["Recent", "Today"]
    assert names(api, {"productFlag": 2}) == ["Today"]
    # "new" narrows an explicit timeStart, never widens it.
    since = int((timezone.now() - timedelta(days=1)).timestamp() * 1000)
    assert names(api, {"productFlag": 1, "timeStart": since}) == ["Today"]


def test_product_flag_slow_moving(api, merchant):
    wh = Warehouse.objects.create(code="US1", name="US 1", country="US")
    idle = create_product(name="Idle")
    long_ago = create_product(name="Saved long ago")
    saved = create_product(name="Saved recently")
    ordered = create_product(name="Ordered recently")
    ordered_long_ago = create_product(name="Ordered long ago")
    create_product(name="No stock")
    for product in (idle, long_ago, saved, ordered, ordered_long_ago):
        _stock(product, wh, 5)
    _save(merchant, long_ago, days_ago=SLOW_MOVING_DAYS + 1)
    _save(merchant, saved, days_ago=SLOW_MOVING_DAYS - 1)
    for n, (product, days_ago) in enumerate(
        [(ordered, SLOW_MOVING_DAYS - 1), (ordered_long_ago, SLOW_MOVING_DAYS + 1)]
    ):
        order = Order.objects.create(
            code=f"DYSLOW{n}",
            merchant=merchant,
            order_number=f"slow-{n}",
            shipping_country_code="DE",
            shipping_city="Berlin",
            shipping_address="Street 1",
            shipping_customer_name="Kim",
        )
        Order.objects.filter(pk=order.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
        OrderLine.objects.create(
            order=order, variant=product.variants.first(), quantity=1, unit_price_minor=1250
        )

    assert names(api, {"productFlag": 3}) == ["Idle", "Ordered long ago", "Saved long ago"]


def test_time_start_and_end_filter_creation_time_inclusive(api):
    a = _created(create_product(name="Ten days"), 10)
    b = _created(create_product(name="Five days"), 5)
    _created(create_product(name="One day"), 1)

    def ms(product):
        return int(product.created_at.timestamp() * 1000)

    assert names(api, {"timeStart": ms(b)}) == ["Five days", "One day"]
    assert names(api, {"timeEnd": ms(b)}) == ["Five days", "Ten days"]
    assert names(api, {"timeStart": ms(a), "timeEnd": ms(b)}) == ["Five days", "Ten days"]
    assert names(api, {"timeStart": ms(b), "timeEnd": ms(b)}) == ["Five days"]


def test_warehouse_inventory_range_counts_available_shared_stock(api, merchant):
    wh = Warehouse.objects.create(code="US1", name="US 1", country="US")
    factory_wh = Warehouse.objects.create(
        code="CNF", name="Factory", country="CN", kind=WarehouseKind.SUPPLIER, is_verified=False
    )
    closed = Warehouse.objects.create(code="GB1", name="Closed", country="GB", is_active=False)
    create_product(name="Zero")
    five = create_product(name="Five")
    twelve = create_product(name="Twelve")
    _stock(five, wh, 8, reserved=3)
    _stock(five, closed, 100)  # inactive warehouse: not counted
    _stock(twelve, wh, 7)
    _stock(twelve, factory_wh, 5)
    _stock(twelve, wh, 50, merchant=merchant)  # private stock: not counted

    assert names(api, {"startWarehouseInventory": 5}) == ["Five", "Twelve"]
    assert names(api, {"startWarehouseInventory": 6}) == ["Twelve"]
    assert names(api, {"endWarehouseInventory": 5}) == ["Five", "Zero"]
    assert names(api, {"startWarehouseInventory": 1, "endWarehouseInventory": 11}) == ["Five"]
    assert names(api, {"startWarehouseInventory": 12, "endWarehouseInventory": 12}) == ["Twelve"]


def test_verified_warehouse_and_self_pickup(api):
    verified = Warehouse.objects.create(code="US1", name="US 1", country="US")
    unverified = Warehouse.objects.create(
        code="CNF", name="Factory", country="CN", is_verified=False
    )
    pickup = Warehouse.objects.create(code="DE1", name="DE", country="DE", is_self_pickup=True)
    both = create_product(name="Both")
    only_unverified = create_product(name="Only unverified")
    reserved_verified = create_product(name="Verified all reserved")
    at_pickup = create_product(name="At pickup")
    create_product(name="None")
    _stock(both, verified, 2)
    _stock(both, unverified, 2)
    _stock(only_unverified, unverified, 3)
    _stock(reserved_verified, verified, 4, reserved=4)
    _stock(reserved_verified, unverified, 1)
    _stock(at_pickup, pickup, 1)

    assert names(api, {"verifiedWarehouse": 1}) == ["At pickup", "Both"]
    assert names(api, {"verifiedWarehouse": 2}) == ["Only unverified", "Verified all reserved"]
    assert names(api, {"isSelfPickup": 1}) == ["At pickup"]
    assert len(names(api, {"isSelfPickup": 0})) == 5  # 0: no condition
    data = api.get("product/listV2", {"verifiedWarehouse": 2, "keyWord": "only"}).ok()
    assert data["content"][0]["productList"][0]["verifiedWarehouse"] == 2


def test_supplier_id(api):
    acme = _supplier("Acme Factory")
    other = _supplier("Other Factory")
    create_product(name="Acme item", supplier=acme)
    create_product(name="Other item", supplier=other)
    create_product(name="Platform item")

    assert names(api, {"supplierId": str(acme.pk)}) == ["Acme item"]
    assert names(api, {"supplierId": str(other.pk + acme.pk + 100)}) == []


def test_lv2_and_lv3_category_lists(api):
    bears = make_category_path("Toys", "Plush", "Bears")
    plush = bears.parent
    dolls = make_category_path("Toys2", "Dolls", "Rag dolls")
    cups = make_category_path("Home", "Kitchen", "Cups")
    create_product(name="Teddy", category=bears)
    create_product(name="Rag", category=dolls)
    create_product(name="Mug", category=cups)

    assert names(api, {"lv2categoryList": plush.public_id}) == ["Teddy"]
    assert names(api, {"lv3categoryList": [dolls.public_id, cups.public_id]}) == ["Mug", "Rag"]
    assert names(api, {"lv3categoryList": f"{dolls.public_id},{cups.public_id}"}) == [
        "Mug",
        "Rag",
    ]
    # lv2 and lv3 lists form one OR-ed set; categoryId still ANDs with it.
    both = {"lv2categoryList": plush.public_id, "lv3categoryList": cups.public_id}
    assert names(api, both) == ["Mug", "Teddy"]
    assert names(api, {**both, "categoryId": cups.parent.parent.public_id}) == ["Mug"]
    # A level-3 id in the level-2 list is refused.
    assert api.get("product/listV2", {"lv2categoryList": bears.public_id}).error(1600300) == (
        f"lv2categoryList: unknown level-2 category {bears.public_id}"
    )


def test_related_category_list_top_categories_by_match_count(api):
    bears = make_category_path("Toys", "Plush", "Bears")
    dolls = make_category_path("Toys", "Dolls", "Rag dolls")
    cups = make_category_path("Home", "Kitchen", "Cups")
    for i in range(3):
        create_product(name=f"Blue bear {i}", category=bears)
    create_product(name="Blue cup", category=cups)
    create_product(name="Blue doll 1", category=dolls)
    create_product(name="Blue doll 2", category=dolls)
    create_product(name="Red doll", category=dolls)

    sampled = {"keyWord": "blue", "size": 1, "features": "enable_category"}
    data = api.get("product/listV2", sampled).ok()

    assert data["totalRecords"] == 6
    assert data["content"][0]["relatedCategoryList"] == [
        {"categoryId": bears.public_id, "categoryName": "Bears", "count": 3},
        {"categoryId": dolls.public_id, "categoryName": "Rag dolls", "count": 2},
        {"categoryId": cups.public_id, "categoryName": "Cups", "count": 1},
    ]
    # Without the feature: the categories of the page itself (here the newest match only).
    data = api.get("product/listV2", {"keyWord": "blue", "size": 1}).ok()
    assert data["content"][0]["relatedCategoryList"] == [
        {"categoryId": dolls.public_id, "categoryName": "Rag dolls", "count": 1}
    ]
    # Newest first: Blue doll 2, Blue doll 1, Blue cup, Blue bear 2; ties by category pk.
    data = api.get("product/listV2", {"keyWord": "blue", "size": 4}).ok()
    assert data["content"][0]["relatedCategoryList"] == [
        {"categoryId": dolls.public_id, "categoryName": "Rag dolls", "count": 2},
        {"categoryId": bears.public_id, "categoryName": "Bears", "count": 1},
        {"categoryId": cups.public_id, "categoryName": "Cups", "count": 1},
    ]
    # It follows the filters, and is empty when nothing matches.
    data = api.get("product/listV2", {"keyWord": "blue", "endSellPrice": "5"}).ok()
    assert data["content"][0]["relatedCategoryList"] == []
    data = api.get("product/listV2", {"keyWord": "doll", "features": "enable_category"}).ok()
    assert data["content"][0]["relatedCategoryList"] == [
        {"categoryId": dolls.public_id, "categoryName": "Rag dolls", "count": 3}
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"productType": 5}, "productType must be one of 4, 10, 11"),
        ({"productType": "video"}, "productType must be one of 4, 10, 11"),
        ({"productFlag": 9}, "productFlag must be one of 0, 1, 2, 3"),
        ({"productFlag": "-1"}, "productFlag must be one of 0, 1, 2, 3"),
        ({"timeStart": "yesterday"}, "timeStart must be a whole number ≥ 0"),
        ({"timeEnd": "-5"}, "timeEnd must be a whole number ≥ 0"),
        ({"timeStart": "9" * 30}, "timeStart must be epoch milliseconds"),
        ({"timeStart": 2000, "timeEnd": 1000}, "timeStart must not exceed timeEnd"),
        ({"startWarehouseInventory": "x"}, "startWarehouseInventory must be a whole number"),
        ({"endWarehouseInventory": "1.5"}, "endWarehouseInventory must be a whole number"),
        (
            {"startWarehouseInventory": 9, "endWarehouseInventory": 2},
            "startWarehouseInventory must not exceed endWarehouseInventory",
        ),
        ({"verifiedWarehouse": 3}, "verifiedWarehouse must be one of 1, 2"),
        ({"isSelfPickup": "yes"}, "isSelfPickup must be one of 0, 1"),
        ({"supplierId": "acme"}, "supplierId must be a supplier id"),
        ({"lv3categoryList": "nope"}, "lv3categoryList: unknown level-3 category nope"),
        ({"orderBy": "best"}, "orderBy"),
    ],
)
def test_list_v2_new_bad_params(api, db, params, message):
    assert api.get("product/listV2", params).error(1600300).startswith(message)


def test_paging_limits_unchanged_with_filters(api):
    create_product(name="Filmed", video_url="https://videos.example.com/f.mp4")

    data = api.get("product/listV2", {"page": 1000, "size": 100, "productType": 10}).ok()
    assert (data["pageNumber"], data["pageSize"], data["totalRecords"]) == (1000, 100, 1)
    assert data["content"][0]["productList"] == []
    assert api.get("product/listV2", {"size": 101, "productType": 10}).error(1600300) == (
        "size must be between 1 and 100"
    )
    assert api.get("product/listV2", {"page": 1001, "productFlag": 2}).error(1600300) == (
        "page must be between 1 and 1000"
    )


def test_product_video_url_must_be_http(db):
    with pytest.raises(CatalogError, match="http"):
        create_product(name="Bad video", video_url="javascript:alert(1)")
    product = create_product(name="Later video")
    services.product_update(
        product=product, actor=None, video_url=" https://videos.example.com/x.mp4 "
    )
    assert Product.objects.get(pk=product.pk).video_url == "https://videos.example.com/x.mp4"


def test_video_in_product_query_and_product_list(api):
    filmed = create_product(name="Filmed", video_url="https://videos.example.com/filmed.mp4")
    plain = create_product(name="Plain")

    assert api.get("product/query", {"pid": filmed.public_id}).ok()["productVideo"] == [
        "https://videos.example.com/filmed.mp4"
    ]
    assert api.get("product/query", {"pid": plain.public_id}).ok()["productVideo"] == []
    rows = api.get("product/list", {}).ok()["list"]
    assert sorted((r["productNameEn"], r["isVideo"]) for r in rows) == [
        ("Filmed", 1),
        ("Plain", 0),
    ]


def test_related_categories_sample_is_bounded(db):
    bears = make_category_path("Toys", "Plush", "Bears")
    cups = make_category_path("Home", "Kitchen", "Cups")
    for i in range(4):
        create_product(name=f"Blue bear {i}", category=bears)
    create_product(name="Blue cup", category=cups)

    full = related_categories(keyword="blue")
    assert [(r.category.name, r.count) for r in full] == [("Bears", 4), ("Cups", 1)]
    sampled = related_categories(keyword="blue", sample=3)
    assert sum(r.count for r in sampled) == 3
    assert [r.category.name for r in related_categories(keyword="blue", limit=1)] == ["Bears"]


def test_unknown_product_flag_is_a_programming_error():
    with pytest.raises(ValueError, match="productFlag 7"):
        product_flag_filters(7, now=timezone.now())
