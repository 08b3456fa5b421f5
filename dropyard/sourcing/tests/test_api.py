"""product/sourcing/* through the full stack (contract §2.2, docs/api-sourcing.md)."""

import pytest
from django.test import Client

from dropyard.accounts import services as account_services
from dropyard.accounts.tests.factories import make_merchant
from dropyard.core.testing.cj_client import CJClient
from dropyard.core.testing.openapi import answer_problems, openapi_document, undocumented_operations
from dropyard.sourcing import services_requests as svc
from dropyard.sourcing.choices import AuthorityEventKind, SourcingChannel, SourcingStatus
from dropyard.sourcing.models import AuthorityEvent, SourcingRequest
from dropyard.stores.tests.factories import import_variants, make_store

pytestmark = pytest.mark.django_db

CREATE = "product/sourcing/create"
QUERY = "product/sourcing/query"
QUERY_LIST = "product/sourcing/queryList"
URL = "https://detail.1688.com/offer/624523847261.html"
IMAGE = "https://cbu01.alicdn.com/img/ibank/stand.jpg"


def _client(merchant, *, scopes=None) -> CJClient:
    extra = {"scopes": scopes} if scopes is not None else {}
    _, key = account_services.apikey_create(
        merchant=merchant, actor=merchant.owner, name="ERP", **extra
    )
    cj = CJClient(Client())
    cj.get_access_token(key).ok()
    return cj


@pytest.fixture
def cj(merchant):
    return _client(merchant)


@pytest.fixture
def stranger(db):
    return _client(make_merchant(business_name="Stranger Shop"))


def _body(**overrides):
    body = {
        "productName": "Silicone phone stand",
        "productImage": IMAGE,
        "productUrl": URL,
        "thirdProductId": "gid-100",
        "thirdVariantId": "gid-101",
        "thirdProductSku": "STAND-BLK",
        "remark": "Black only",
        "price": "3.50",
    }
    body.update(overrides)
    return {key: value for key, value in body.items() if value is not None}


def _offer(n: int) -> str:
    return f"https://detail.1688.com/offer/{700000 + n}.html"


# --- create ---------------------------------------------------------------------------------------


def test_create_answers_the_new_request_and_stores_every_field(merchant, cj):
    data = cj.post(
        CREATE,
        _body(monthlyQuantity=500, destinationCountries=["us", "DE"], description="Foldable"),
    ).ok()

    sourcing = SourcingRequest.objects.get()
    assert data == {
        "cjSourcingId": sourcing.public_id,
        "result": "Sourcing request created",
        "duplicate": False,
        "sourceNumber": f"SR{sourcing.public_id}",
        "sourceStatus": 1,
        "sourceStatusStr": "SUBMITTED",
    }
    assert (sourcing.merchant, sourcing.channel, sourcing.created_by) == (
        merchant,
        SourcingChannel.API,
        None,
    )
    assert (sourcing.product_name, sourcing.image_url, sourcing.source_url) == (
        "Silicone phone stand",
        IMAGE,
        URL,
    )
    assert (sourcing.third_product_id, sourcing.third_variant_id, sourcing.third_product_sku) == (
        "gid-100",
        "gid-101",
        "STAND-BLK",
    )
    assert (sourcing.notes, sourcing.description, sourcing.target_price_minor) == (
        "Black only",
        "Foldable",
        350,
    )
    assert (sourcing.monthly_quantity, sourcing.destination_countries) == (500, ["US", "DE"])


def test_the_extension_header_marks_the_channel(cj):
    cj.post(CREATE, _body(), headers={"X-Dropyard-Client": "extension"}).ok()

    assert SourcingRequest.objects.get().channel == SourcingChannel.EXTENSION


@pytest.mark.parametrize(
    ("price", "minor"),
    [("12.50", 1250), ("7", 700), (12.5, 1250), (3, 300), ("0.01", 1), (" 9.9 ", 990)],
)
def test_price_is_read_as_written(cj, price, minor):
    cj.post(CREATE, _body(price=price)).ok()

    assert SourcingRequest.objects.get().target_price_minor == minor


def test_a_yuan_price_stays_in_yuan(cj):
    cj.post(CREATE, _body(price="12.50", currency="cny")).ok()

    sourcing = SourcingRequest.objects.get()
    assert (sourcing.target_price_minor, sourcing.currency) == (1250, "CNY")


def test_an_unknown_currency_is_refused_and_creates_nothing(cj):
    message = cj.post(CREATE, _body(price="12.50", currency="XBT")).error(1600300)

    assert message == "currency must be one of USD, CNY, EUR, GBP, CAD, AUD, HKD"
    assert not SourcingRequest.objects.exists()


def test_a_link_alone_is_enough(cj):
    cj.post(CREATE, _body(productImage=None)).ok()

    assert SourcingRequest.objects.get().image_url == ""


def test_a_duplicate_answers_the_existing_request_and_creates_nothing(merchant, cj):
    first = cj.post(CREATE, _body()).ok()

    again = cj.post(CREATE, _body(productUrl=URL + "?spm=a26", productName="Same stand")).ok()

    assert again == {
        **first,
        "result": "A sourcing request for this product already exists",
        "duplicate": True,
    }
    assert SourcingRequest.objects.count() == 1
    assert AuthorityEvent.objects.filter(kind=AuthorityEventKind.DUPLICATE).count() == 1


def test_another_merchants_request_for_the_same_product_is_not_a_duplicate(cj, stranger):
    mine = cj.post(CREATE, _body()).ok()

    theirs = stranger.post(CREATE, _body()).ok()

    assert theirs["duplicate"] is False
    assert theirs["cjSourcingId"] != mine["cjSourcingId"]


def test_over_the_daily_quota_is_1600201_and_creates_nothing(merchant, cj):
    quota = svc.quota_for(merchant).quota
    for n in range(quota):
        cj.post(CREATE, _body(productUrl=_offer(n), productImage=f"{IMAGE}?n={n}")).ok()

    message = cj.post(CREATE, _body(productUrl=_offer(99), productImage=None)).error(1600201)

    assert message.startswith(f"today's {quota} sourcing requests are used; the quota renews at ")
    assert SourcingRequest.objects.count() == quota == 5


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"productName": None}, "productName is required"),
        ({"productName": "   "}, "productName is required"),
        ({"productName": 42}, "productName: "),
        ({"productName": "x" * 301}, "productName is longer than 300 characters"),
        ({"productImage": None, "productUrl": None}, "give a product link or a picture"),
        ({"productImage": "ftp://x/y.jpg"}, "productImage must be an http:// or https:// address"),
        ({"productUrl": "javascript:alert(1)"}, "productUrl must be an http:// or https://"),
        ({"remark": "r" * 4001}, "remark is longer than 4000 characters"),
        ({"thirdProductId": "i" * 101}, "thirdProductId is longer than 100 characters"),
        ({"thirdVariantId": ["a"]}, "thirdVariantId: "),
        ({"price": "12.345"}, "price must be a positive USD amount"),
        ({"price": "-1"}, "price must be a positive USD amount"),
        ({"price": "0"}, "price must be between 0.01 and 100000000.00"),
        ({"price": "0.00"}, "price must be between 0.01 and 100000000.00"),
        ({"price": "1e3"}, "price must be a positive USD amount"),
        ({"price": "NaN"}, "price must be a positive USD amount"),
        ({"price": "Infinity"}, "price must be a positive USD amount"),
        ({"price": 1e300}, "price must be a positive USD amount"),
        ({"price": 0.1 + 0.2}, "price must be a positive USD amount"),
        ({"price": "100000000.01"}, "price must be between 0.01 and 100000000.00"),
        ({"price": 10**15}, "price must be a positive USD amount"),
        ({"price": 2**70}, "price: is outside the 64-bit integer range"),
        ({"price": True}, "price: "),
        ({"price": ["1"]}, "price.str: Input should be a valid string"),
        ({"monthlyQuantity": 0}, "monthlyQuantity: "),
        ({"monthlyQuantity": 2**40}, "monthlyQuantity: Input should be less than or equal"),
        ({"monthlyQuantity": "many"}, "monthlyQuantity: "),
        ({"destinationCountries": ["XX"]}, "unknown country code XX"),
        ({"destinationCountries": "US"}, "destinationCountries: "),
        ({"productName": "Stand\u0000"}, "productName: contains a NUL character"),
        ({"remark": "\ud800"}, "remark: contains an unpaired surrogate"),
        ({"shopId": "123", "thirdVariantId": None}, "thirdVariantId is required with shopId"),
    ],
)
def test_bad_input_is_1600300_naming_the_field_and_creates_nothing(cj, overrides, named):
    body = _body(**{k: v for k, v in overrides.items() if v is not None})
    for key, value in overrides.items():
        if value is None:
            body.pop(key, None)

    message = cj.post(CREATE, body).error(1600300)

    assert message.startswith(named), message
    assert SourcingRequest.objects.count() == 0


def test_shop_and_third_variant_link_the_store_variant(merchant, cj):
    store = make_store(merchant=merchant)
    (linked,) = import_variants(store, ("gid-101", "STAND-BLK"))

    made = cj.post(CREATE, _body(shopId=store.public_id)).ok()

    assert SourcingRequest.objects.get().store_variant == linked
    (item,) = cj.get(QUERY_LIST, {"sourceIds": made["cjSourcingId"]}).ok()
    assert (item["shopId"], item["shopName"]) == (store.public_id, store.name)


@pytest.mark.parametrize("whose", ["unknown variant", "another merchant's store"])
def test_an_unknown_or_foreign_store_variant_is_refused(merchant, cj, whose):
    store = make_store(merchant=merchant if whose == "unknown variant" else make_merchant())
    import_variants(store, ("gid-999", "OTHER"))

    message = cj.post(CREATE, _body(shopId=store.public_id)).error(1600300)

    assert message == f"shopId, thirdVariantId: store {store.public_id} has no variant gid-101"
    assert SourcingRequest.objects.count() == 0


def test_not_json_and_no_body_are_refused(cj):
    cj.request("POST", CREATE, raw_body="{not json").error(16900205)
    cj.post(CREATE).error(16900204)
    cj.request("POST", CREATE, raw_body='"a string"').error(1600300)

    assert SourcingRequest.objects.count() == 0


def test_a_read_only_key_may_query_but_not_create(merchant, cj):
    made = cj.post(CREATE, _body()).ok()
    reader = _client(merchant, scopes=["read"])

    message = reader.post(CREATE, _body(productUrl=_offer(2))).error(1600001)

    assert "'products' scope" in message
    assert SourcingRequest.objects.count() == 1
    assert [i["sourceId"] for i in reader.post(QUERY, {"sourceIds": [made["cjSourcingId"]]}).ok()]
    assert [i["sourceId"] for i in reader.get(QUERY_LIST).ok()] == [made["cjSourcingId"]]


def test_a_products_only_key_may_create_but_not_read(merchant):
    writer = _client(merchant, scopes=["products"])

    made = writer.post(CREATE, _body()).ok()

    assert writer.get(QUERY_LIST, {"sourceIds": made["cjSourcingId"]}).error(1600001)
    assert writer.post(QUERY, {"sourceIds": [made["cjSourcingId"]]}).error(1600001)


def test_no_token_is_1600002(cj):
    cj.post(CREATE, _body(), token=None).error(1600002)
    cj.get(QUERY_LIST, token=None).error(1600002)


# --- query / queryList ----------------------------------------------------------------------------


def _made(cj, n: int) -> str:
    return cj.post(CREATE, _body(productUrl=_offer(n), productImage=f"{IMAGE}?n={n}")).ok()[
        "cjSourcingId"
    ]


def test_query_list_answers_each_request_asked_in_order(merchant, cj):
    first, second = _made(cj, 1), _made(cj, 2)
    sourcing = SourcingRequest.objects.get(public_id=first)

    items = cj.get(QUERY_LIST, {"sourceIds": [second, f"SR{first}", second]}).ok()

    assert [i["sourceId"] for i in items] == [second, first]
    assert items[1] == {
        "sourceId": first,
        "sourceNumber": f"SR{first}",
        "productId": "gid-100",
        "variantId": "gid-101",
        "productSku": "STAND-BLK",
        "shopId": None,
        "shopName": None,
        "sourceStatus": 1,
        "sourceStatusStr": "SUBMITTED",
        "sourceStatusLabel": "Submitted",
        "cjProductId": None,
        "cjVariantId": None,
        "cjVariantSku": None,
        "failReason": None,
        "productName": "Silicone phone stand",
        "productImage": f"{IMAGE}?n=1",
        "productUrl": _offer(1),
        "price": "3.50",
        "currency": "USD",
        "channel": "api",
        "createDate": sourcing.created_at.strftime("%Y-%m-%d %H:%M:%S"),
        "updateDate": sourcing.updated_at.strftime("%Y-%m-%d %H:%M:%S"),
    }


def test_query_list_takes_comma_separated_ids(cj):
    first, second = _made(cj, 1), _made(cj, 2)

    items = cj.get(QUERY_LIST, {"sourceIds": f"{first}, {second},"}).ok()

    assert [i["sourceId"] for i in items] == [first, second]


def test_query_list_without_ids_answers_the_newest_twenty(merchant, cj, monkeypatch):
    monkeypatch.setattr("dropyard.sourcing.authority.BASE_QUOTA", {0: 30})
    made = [_made(cj, n) for n in range(22)]

    items = cj.get(QUERY_LIST).ok()

    assert [i["sourceId"] for i in items] == made[::-1][:20]


def test_unknown_and_another_merchants_ids_are_simply_absent(cj, stranger):
    mine = _made(cj, 1)
    theirs = stranger.post(CREATE, _body()).ok()["cjSourcingId"]

    asked = {"sourceIds": [theirs, "123456789", mine, "SRnot-a-code", f"SR{theirs}"]}

    assert [i["sourceId"] for i in cj.get(QUERY_LIST, asked).ok()] == [mine]
    assert [i["sourceId"] for i in cj.post(QUERY, asked).ok()] == [mine]
    assert stranger.get(QUERY_LIST, {"sourceIds": mine}).ok() == []
    assert stranger.post(QUERY, {"sourceIds": [mine]}).ok() == []


def test_query_takes_ids_as_numbers_too(cj):
    mine = _made(cj, 1)

    items = cj.post(QUERY, {"sourceIds": [int(mine)]}).ok()

    assert [i["sourceId"] for i in items] == [mine]


def test_a_failed_request_reads_its_reason(merchant, cj, operator_admin):
    mine = _made(cj, 1)
    svc.sourcing_fail(
        request=SourcingRequest.objects.get(public_id=mine),
        actor=operator_admin,
        reason="No factory makes it under $5",
    )

    (item,) = cj.post(QUERY, {"sourceIds": [mine]}).ok()

    assert (item["sourceStatus"], item["sourceStatusStr"], item["failReason"]) == (
        5,
        SourcingStatus.FAILED,
        "No factory makes it under $5",
    )


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"sourceIds": [str(n) for n in range(101)]}, "sourceIds: at most 100 ids per call"),
        ({"sourceIds": ",".join(str(n) for n in range(101))}, "sourceIds: at most 100 ids"),
        ({"sourceIds": "9" * 41}, "sourceIds: 99999999999999999999… is longer than 40"),
        ({"sourceIds": "1\u00002"}, "sourceIds: contains a NUL character"),
    ],
)
def test_query_list_refuses_bad_ids(cj, params, named):
    message = cj.get(QUERY_LIST, params).error(1600300)

    assert message.startswith(named), message


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"sourceIds": []}, "sourceIds is required"),
        ({}, "sourceIds is required"),
        ({"sourceIds": ["1"] * 101}, "sourceIds: List should have at most 100 items"),
        ({"sourceIds": "123"}, "sourceIds: "),
        ({"sourceIds": [None]}, "sourceIds[0].str: Input should be a valid string"),
        ({"sourceIds": ["1\u0000"]}, "sourceIds[0]: contains a NUL character"),
        ({"sourceIds": [2**64]}, "sourceIds[0]: is outside the 64-bit integer range"),
    ],
)
def test_query_refuses_bad_ids(cj, body, named):
    message = cj.post(QUERY, body).error(1600300)

    assert message.startswith(named), message


# --- The document ---------------------------------------------------------------------------------


def test_answers_match_the_openapi_document(cj):
    mine = _made(cj, 1)
    answers = {
        ("POST", CREATE): cj.post(CREATE, _body(productUrl=_offer(2), productImage=None)),
        ("POST", QUERY): cj.post(QUERY, {"sourceIds": [mine]}),
        ("GET", QUERY_LIST): cj.get(QUERY_LIST, {"sourceIds": mine}),
    }

    document = openapi_document()
    problems = {key: answer_problems(document, *key, r.body) for key, r in answers.items()}
    assert problems == dict.fromkeys(answers, [])
    assert [op for op in undocumented_operations(document) if "sourcing" in op[1]] == []
