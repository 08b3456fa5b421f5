"""The input boundary (``core.boundary``): each bad input issue 11 saw answer 500, API and UI.

API: an error envelope, code 1600300, the message naming the parameter, nothing changed. Web UI:
the 400 page (``templates/400.html``) with the same sentence.
"""

import json
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from dropyard.core.boundary import EPOCH_SECONDS_MAX, INT32_MAX, INT32_MIN
from dropyard.inventory.forms_ops import StockAdjustForm
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.orders.tests.test_api import body

NUL = "\x00"
HUGE = "1180591620717411303424"  # 2**70
TEN_MB = 10 * 1024 * 1024
INT_RANGE = f"must be between {INT32_MIN} and {INT32_MAX}"


def _order(**fields):
    """A createOrderV2 body (orders.tests.test_api.body) with ``fields``, built per test."""
    return lambda shop: body(shop, "BOUNDARY-1", **fields)


@pytest.fixture
def world(db):
    return make_order_world()


@pytest.fixture
def token(cj, api_key):
    return cj.get_access_token(api_key).data["accessToken"]


# (method, path, query params, JSON body, the parameter the refusal names)
API_NUL_CASES = [
    ("POST", "shopping/order/addCart", None, {"cjOrderIdList": [f"DY1{NUL}"]}, "cjOrderIdList[0]"),
    (
        "POST",
        "shopping/order/addCartConfirm",
        None,
        {"cjOrderIdList": [f"DY{NUL}"]},
        "cjOrderIdList[0]",
    ),
    (
        "POST",
        "shopping/order/createOrderV2",
        None,
        _order(shippingCustomerName=f"Jane{NUL}"),
        "shippingCustomerName",
    ),
    (
        "POST",
        "shopping/order/createOrderV3",
        None,
        _order(products=[{"vid": f"V{NUL}", "quantity": 1}]),
        "products[0].vid",
    ),
    ("GET", "shopping/order/getOrderDetail", {"orderId": f"DY{NUL}"}, None, "orderId"),
    ("GET", "shopping/order/getOrderLogisticsInfo", {"orderCode": NUL}, None, "orderCode"),
    ("GET", "shopping/order/list", {"orderIds": f"A{NUL}"}, None, "orderIds"),
    ("PATCH", "shopping/order/confirmOrder", {"orderId": f"DY{NUL}"}, None, "orderId"),
    (
        "POST",
        "shopping/order/updateLogistics",
        None,
        {"orderCode": f"DY{NUL}", "logisticsName": "UPS"},
        "orderCode",
    ),
    (
        "POST",
        "shopping/mergeOrder/submitMergeOrderBatchV3",
        None,
        {"groups": [{"orderIds": ["DY1", f"DY{NUL}"]}]},
        "groups[0].orderIds[1]",
    ),
    ("GET", "invoice/download", {"invoiceId": f"INV{NUL}"}, None, "invoiceId"),
    ("POST", "shopping/pay/payBalance", None, {"orderId": f"DY{NUL}"}, "orderId"),
    ("GET", "product/query", {"pid": f"P{NUL}"}, None, "pid"),
    ("POST", "product/addToMyProduct", None, {"productId": f"P{NUL}"}, "productId"),
    ("POST", "shopping/order/addCart", None, {f"cjOrder{NUL}": []}, "cjOrder?"),
]


@pytest.mark.parametrize(
    ("method", "path", "params", "payload", "name"),
    API_NUL_CASES,
    ids=[f"{case[1]}-{case[4]}" for case in API_NUL_CASES],
)
def test_api_refuses_a_nul_byte_naming_the_parameter(
    request, cj, token, method, path, params, payload, name
):
    if callable(payload):
        payload = payload(request.getfixturevalue("world"))
    kwargs = {"params": params} if params is not None else {"body": payload}
    orders_before = Order.objects.count()

    response = cj.request(method, path, **kwargs)

    message = response.error(1600300)
    problem = (
        "the name contains a NUL character" if name.endswith("?") else ("contains a NUL character")
    )
    assert message == f"{name}: {problem}"
    assert Order.objects.count() == orders_before


def test_api_refuses_a_lone_surrogate_in_json(cj, token):
    response = cj.post("shopping/pay/payBalance", raw_body='{"orderId": "DY\\ud800"}')

    assert response.error(1600300) == (
        "orderId: contains an unpaired surrogate (not valid Unicode)"
    )


def test_api_refuses_a_lone_surrogate_in_a_query_string(cj, token):
    # A surrogate has no UTF-8 form: percent-encoded it is three bytes strict UTF-8 refuses.
    response = cj.client.get(
        "/api2.0/v1/shopping/order/getOrderDetail?orderId=%ED%A0%80",
        headers={"CJ-Access-Token": token},
    )

    answer = response.json()
    assert (response.status_code, answer["code"], answer["message"], answer["data"]) == (
        200,
        1600300,
        "orderId: is not valid UTF-8",
        None,
    )


def test_api_refuses_invalid_utf8_in_a_query_string(cj, token):
    response = cj.client.get(
        "/api2.0/v1/product/query?pid=%FF%FE", headers={"CJ-Access-Token": token}
    )

    assert (response.json()["code"], response.json()["message"]) == (
        1600300,
        "pid: is not valid UTF-8",
    )


def test_api_refuses_a_nul_byte_in_the_url_path(cj, token):
    response = cj.client.get("/api2.0/v1/shopping/order/%00", headers={"CJ-Access-Token": token})

    assert (response.json()["code"], response.json()["message"]) == (
        1600300,
        "path: contains a control character",
    )


@pytest.mark.parametrize(
    ("path", "params", "name"),
    [
        ("shopping/order/list", {"pageNum": HUGE}, "pageNum"),
        ("shopping/order/list", {"pageSize": HUGE}, "pageSize"),
        ("product/listV2", {"page": HUGE}, "page"),
        ("product/productComments", {"pid": "P1", "pageNum": HUGE}, "pageNum"),
        ("shopping/order/list", {"pageNum": str(INT32_MAX + 1)}, "pageNum"),
    ],
)
def test_api_refuses_a_huge_query_number_naming_it(cj, token, path, params, name):
    assert cj.get(path, params).error(1600300) == f"{name}: {INT_RANGE}"


def test_api_refuses_a_huge_number_in_a_json_body(cj, token, world):
    payload = body(world, quantity=2**40)

    assert cj.post("shopping/order/createOrderV2", payload).error(1600300) == (
        f"products[0].quantity: {INT_RANGE}"
    )


def test_api_refuses_a_store_order_time_past_year_9999(cj, token, world):
    payload = body(world, storeOrderTime=99999999999999999)

    response = cj.post("shopping/order/createOrderV2", payload)

    assert response.error(1600300) == (
        f"storeOrderTime: Input should be less than or equal to {EPOCH_SECONDS_MAX}"
    )
    assert Order.objects.count() == 0


def test_api_refuses_a_json_number_beyond_64_bits_in_any_field(cj, token):
    response = cj.post("shopping/pay/payBalance", raw_body='{"orderId": 1180591620717411303424}')

    assert response.error(1600300) == "orderId: is outside the 64-bit integer range"


@pytest.mark.parametrize(
    ("raw", "code", "message"),
    [
        ('{"orderId": 1e400}', 1600300, "orderId: is not a finite number"),
        ('{"orderId": NaN}', 16900205, "The request body is not valid JSON"),
        ('{"orderId": -Infinity}', 16900205, "The request body is not valid JSON"),
    ],
)
def test_api_refuses_numbers_that_are_not_finite(cj, token, raw, code, message):
    assert cj.post("shopping/pay/payBalance", raw_body=raw).error(code) == message


def test_api_refuses_a_body_over_10_mb_before_authentication(client):
    oversized = json.dumps({"apiKey": "x" * TEN_MB})

    response = client.post(
        "/api2.0/v1/authentication/getAccessToken", data=oversized, content_type="application/json"
    )

    answer = response.json()
    assert (response.status_code, answer["code"], answer["result"], answer["data"]) == (
        200,
        1600300,
        False,
        None,
    )
    assert answer["message"] == f"body: larger than the {TEN_MB} byte limit"
    assert response["X-Request-Id"] == answer["requestId"]


# --- Web UI --------------------------------------------------------------------------------------


@pytest.fixture
def browser(owner):
    client = Client()
    client.force_login(owner)
    return client


def _assert_400_page(response, reason):
    assert response.status_code == 400
    assert [t.name for t in response.templates][0] == "400.html"
    assert response.context["message"] == reason
    assert b'data-testid="bad-request"' in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/orders/DY%00/",
        "/catalog/products/P%00/",
        "/wallet/invoices/INV%00/pdf/",
        "/wallet/topups/T%00/",
        "/orders/pay/PAY%00/",
    ],
)
def test_ui_answers_a_nul_byte_in_a_path_segment_with_the_400_page(browser, path):
    _assert_400_page(browser.get(path), "path: contains a control character")


@pytest.mark.parametrize("path", ["/orders/bulk/cancel/", "/wallet/pay/", "/orders/merge/preview/"])
@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_ui_answers_a_nul_byte_in_a_posted_id_list_with_the_400_page(browser, path, encoding):
    data = {"ids": ["DY1", f"DY{NUL}2"]}
    if encoding == "multipart":
        response = browser.post(path, data)
    else:
        response = browser.post(
            path, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded"
        )

    _assert_400_page(response, "ids: contains a NUL character")


def test_ui_answers_a_nul_byte_in_a_query_id_list_with_the_400_page(browser):
    _assert_400_page(
        browser.get("/orders/merge/preview/?ids=DY1&ids=DY%002"), "ids: contains a NUL character"
    )


def test_ui_answers_a_lone_surrogate_in_a_query_string_with_the_400_page(browser):
    _assert_400_page(browser.get("/orders/?q=%ED%A0%80"), "q: is not valid UTF-8")


def test_ui_answers_a_form_body_over_10_mb_with_the_400_page(browser):
    response = browser.post(
        "/orders/bulk/cancel/",
        "ids=" + "x" * TEN_MB,
        content_type="application/x-www-form-urlencoded",
    )

    _assert_400_page(response, f"body: larger than the {TEN_MB} byte limit")


@pytest.mark.parametrize(
    "name",
    [
        "catalog:search",
        "catalog:my_products",
        "orders:list",
        "orders:merge_list",
        "stores:list",
        "wallet:home",
        "core:job_list",
        "core:audit_list",
    ],
)
def test_ui_answers_huge_page_numbers_with_the_page(browser, name):
    response = browser.get(f"{reverse(name)}?page={HUGE}&pageNum={HUGE}&size={HUGE}")

    assert response.status_code == 200


def test_ui_400_page_is_in_the_site_style_for_anonymous_visitors(client):
    response = client.get("/accounts/login/?next=%00")

    _assert_400_page(response, "next: contains a NUL character")
    assert b"Back to your dashboard" in response.content


def test_ui_answers_too_many_form_fields_with_the_400_page(browser, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    form = urlencode({"ids": [f"DY{i}" for i in range(11)]}, doseq=True)

    response = browser.post(
        "/orders/bulk/cancel/", form, content_type="application/x-www-form-urlencoded"
    )

    _assert_400_page(response, "The request could not be understood.")


def test_ui_answers_a_disallowed_host_with_the_400_page(client, settings):
    settings.ALLOWED_HOSTS = ["dropyard.example"]

    response = client.get("/accounts/login/", headers={"host": "evil.example"})

    _assert_400_page(response, "The request could not be understood.")


def test_ui_integer_fields_without_bounds_get_the_database_range():
    too_big = StockAdjustForm(data={"delta": str(INT32_MAX + 1), "reason": "count"})
    too_small = StockAdjustForm(data={"delta": str(INT32_MIN - 1), "reason": "count"})

    assert too_big.errors["delta"] == [f"Ensure this value is less than or equal to {INT32_MAX}."]
    assert too_small.errors["delta"] == [
        f"Ensure this value is greater than or equal to {INT32_MIN}."
    ]
    assert StockAdjustForm(data={"delta": "-2", "reason": "count"}).is_valid()


@pytest.mark.parametrize("amount", ["1e999999", "1E+30", "1000000000000"])
def test_api_refuses_an_amount_no_column_holds(cj, token, world, amount):
    payload = body(
        world, products=[{"vid": world.red.public_id, "quantity": 1, "unitPrice": amount}]
    )

    response = cj.post("shopping/order/createOrderV3", payload)

    assert response.error(1600300) == ("products[0].unitPrice must be less than 1,000,000,000,000")
    assert Order.objects.count() == 0


def test_api_refuses_a_nul_byte_in_a_multipart_field(client):
    response = client.post("/api2.0/v1/authentication/getAccessToken", {"apiKey": f"K{NUL}"})

    answer = response.json()
    assert (answer["code"], answer["message"], answer["data"]) == (
        1600300,
        "apiKey: contains a NUL character",
        None,
    )


@pytest.mark.parametrize("depth", [980, 100_000])
def test_api_refuses_json_nested_too_deeply(cj, token, depth):
    raw = '{"orderId": ' + "[" * depth + "]" * depth + "}"

    assert cj.post("shopping/pay/payBalance", raw_body=raw).error(16900205) == (
        "The request body is nested too deeply"
    )
