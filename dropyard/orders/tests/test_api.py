"""shopping/order/createOrderV2, createOrderV3 and the reads, through the full stack (§2.4)."""
# ruff: noqa: F811
# (fixtures imported from api_fixtures are used as test parameters)

import pytest

from dropyard.core.models import IdempotencyRecord, RateLimitBucket
from dropyard.orders.models import Order, OrderEvent
from dropyard.orders.tests.api_fixtures import authed, other_cj, world  # noqa: F401

pytestmark = pytest.mark.django_db

CREATE = "shopping/order/createOrderV2"
CREATE_V3 = "shopping/order/createOrderV3"
DETAIL = "shopping/order/getOrderDetail"
LIST = "shopping/order/list"

CREATE_FIELDS = {
    "orderId",
    "orderNumber",
    "cjOrderCode",
    "shipmentOrderId",
    "iossAmount",
    "iossTaxHandlingFee",
    "postageAmount",
    "productAmount",
    "productOriginalAmount",
    "productDiscountAmount",
    "postageOriginalAmount",
    "postageDiscountAmount",
    "totalDiscountAmount",
    "actualPayment",
    "orderOriginalAmount",
    "orderAmount",
    "cjPayUrl",
    "logisticsMiss",
    "logisticName",
    "orderStatus",
    "isSandbox",
    "productInfoList",
    "interceptOrderReasons",
}


def body(world, number="API-1", *, quantity=2, **overrides):
    """A createOrderV2 body for ``quantity`` red units to Los Angeles."""
    data = {
        "orderNumber": number,
        "shippingCountryCode": "US",
        "shippingCountry": "United States",
        "shippingProvince": "CA",
        "shippingCity": "Los Angeles",
        "shippingZip": "90001",
        "shippingAddress": "1 Main Street",
        "shippingCustomerName": "Jane Doe",
        "shippingPhone": "+1 213 555 0100",
        "email": "jane@example.com",
        "logisticName": "CJPacket",
        "fromCountryCode": "CN",
        "payType": 3,
        "products": [{"vid": world.red.public_id, "quantity": quantity}],
    }
    data.update(overrides)
    return data


def create(authed, world, number="API-1", **overrides):
    return authed.post(CREATE, body(world, number, **overrides)).ok()


# --- createOrderV2 ------------------------------------------------------------------------------


def test_create_pay_type_3_answers_the_contract_fields(authed, world, merchant):
    data = create(
        authed,
        world,
        products=[{"vid": world.red.public_id, "quantity": 2, "storeLineItemId": "L-1"}],
    )

    order = Order.objects.get(merchant=merchant)
    line = order.lines.get()
    assert set(data) == CREATE_FIELDS
    assert data == {
        "orderId": order.public_id,
        "orderNumber": "API-1",
        "cjOrderCode": order.code,
        "shipmentOrderId": None,
        "iossAmount": "0.00",
        "iossTaxHandlingFee": "0.00",
        "postageAmount": "5.00",  # CJPacket: 500 g for $5.00
        "productAmount": "20.00",
        "productOriginalAmount": "20.00",
        "productDiscountAmount": "0.00",
        "postageOriginalAmount": "5.00",
        "postageDiscountAmount": "0.00",
        "totalDiscountAmount": "0.00",
        "actualPayment": "25.00",
        "orderOriginalAmount": "25.00",
        "orderAmount": "25.00",
        "cjPayUrl": None,
        "logisticsMiss": False,
        "logisticName": "CJPacket",
        "orderStatus": "CREATED",
        "isSandbox": 0,
        "productInfoList": [
            {
                "storeLineItemId": "L-1",
                "lineItemId": line.line_item_id,
                "variantId": world.red.public_id,
                "quantity": 2,
                "isGroup": False,
                "subOrderProducts": [],
            }
        ],
        "interceptOrderReasons": [],
    }
    assert order.status == "CREATED"
    assert order.source == "api"


def test_create_pay_type_1_confirms_and_answers_a_pay_url(authed, world, merchant):
    data = create(authed, world, payType=1)

    order = Order.objects.get(merchant=merchant)
    assert data["orderStatus"] == "UNPAID"
    assert data["shipmentOrderId"] == order.parent.shipments_id
    assert data["cjPayUrl"] == f"http://testserver/orders/pay/{order.parent.pay_id}/"
    assert order.parent.amount_minor == 2500


def test_pay_type_defaults_to_page_payment(authed, world, merchant):
    payload = body(world)
    del payload["payType"]

    data = authed.post(CREATE, payload).ok()

    assert data["orderStatus"] == "UNPAID"
    assert data["cjPayUrl"].startswith("http://testserver/orders/pay/")


def test_pay_type_2_pays_a_sandbox_order(authed, world, merchant):
    data = create(authed, world, payType=2, isSandbox=1)

    assert data["orderStatus"] == "UNSHIPPED"
    assert data["isSandbox"] == 1
    assert Order.objects.get(merchant=merchant).paid_at is not None


def test_unit_price_and_sku_are_accepted(authed, world, merchant):
    data = create(
        authed,
        world,
        products=[{"sku": world.blue.sku, "quantity": 1, "unitPrice": "18.50"}],
    )

    assert data["productAmount"] == "18.50"
    assert Order.objects.get(merchant=merchant).lines.get().unit_price_minor == 1850


def test_duplicate_order_number_is_1603003(authed, world, merchant):
    create(authed, world)

    message = authed.post(CREATE, body(world)).error(1603003)

    assert "API-1" in message
    assert Order.objects.filter(merchant=merchant).count() == 1


def test_the_same_number_is_fine_for_another_merchant(authed, other_cj, world):
    create(authed, world)

    other_cj.post(CREATE, body(world)).ok()

    assert Order.objects.filter(order_number="API-1").count() == 2


def test_idempotency_key_replays_the_same_answer(authed, world, merchant):
    headers = {"Idempotency-Key": "k-123"}
    first = authed.post(CREATE, body(world, payType=1), headers=headers).ok()

    again = authed.post(CREATE, body(world, payType=1), headers=headers).ok()

    assert again == first
    assert Order.objects.filter(merchant=merchant).count() == 1
    record = IdempotencyRecord.objects.get()
    assert (record.owner, record.scope, record.key) == (merchant, CREATE, "k-123")
    assert record.response["orderId"] == first["orderId"]


def test_a_replay_says_so_in_a_header(authed, world):
    headers = {"Idempotency-Key": "k-9", "CJ-Access-Token": authed.access_token}
    url = "/api2.0/v1/" + CREATE

    first = authed.client.post(url, body(world), content_type="application/json", headers=headers)
    again = authed.client.post(url, body(world), content_type="application/json", headers=headers)

    assert "Idempotent-Replayed" not in first.headers
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["data"] == first.json()["data"]
    assert again.json()["requestId"] != first.json()["requestId"]


def test_idempotency_key_with_another_body_is_refused(authed, world, merchant):
    headers = {"Idempotency-Key": "k-123"}
    authed.post(CREATE, body(world), headers=headers).ok()

    message = authed.post(CREATE, body(world, "API-2"), headers=headers).error(1600300)

    assert "Idempotency-Key" in message
    assert list(Order.objects.values_list("order_number", flat=True)) == ["API-1"]


def test_idempotency_keys_belong_to_one_merchant(authed, other_cj, world):
    headers = {"Idempotency-Key": "shared"}
    mine = authed.post(CREATE, body(world), headers=headers).ok()

    theirs = other_cj.post(CREATE, body(world), headers=headers).ok()

    assert theirs["orderId"] != mine["orderId"]


def test_a_refused_creation_stores_no_idempotency_record(authed, world):
    create(authed, world)
    headers = {"Idempotency-Key": "retry"}

    authed.post(CREATE, body(world), headers=headers).error(1603003)

    assert IdempotencyRecord.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "code", "names"),
    [
        ({"shippingCountryCode": "XX"}, 1603000, "shippingCountryCode"),
        ({"shippingZip": "ABC"}, 1603000, "shippingZip"),
        ({"shippingProvince": ""}, 1603000, "shippingProvince"),
        ({"products": [{"vid": "nope", "quantity": 1}]}, 1602000, "nope"),
        ({"products": [{"vid": "V", "quantity": "two"}]}, 1600300, "products[0].quantity"),
        ({"products": []}, 1603000, "products"),
        ({"payType": 7}, 1600300, "payType"),
        ({"orderNumber": "x" * 51}, 1603000, "orderNumber"),
        ({"storageId": "no-such-warehouse"}, 1600300, "no-such-warehouse"),
        ({"products": [{"vid": "V", "quantity": 1, "unitPrice": "abc"}]}, 1600300, "unitPrice"),
    ],
)
def test_bad_fields_are_refused_and_change_nothing(
    authed,
    world,
    overrides,
    code,
    names,
):
    message = authed.post(CREATE, body(world, **overrides)).error(code)

    assert names.lower() in message.lower()
    assert Order.objects.count() == 0
    assert OrderEvent.objects.count() == 0


@pytest.mark.parametrize(
    "missing", ["orderNumber", "shippingCountryCode", "shippingCustomerName", "products"]
)
def test_missing_required_fields_name_the_parameter(authed, world, missing):
    payload = body(world)
    del payload[missing]

    message = authed.post(CREATE, payload).error(1600300)

    assert message == f"{missing} is required"


def test_malformed_json_is_16900205(authed):
    authed.post(CREATE, raw_body='{"orderNumber": ').error(16900205)


def test_off_sale_variant_is_refused(authed, world):
    world.red.is_on_sale = False
    world.red.save(update_fields=["is_on_sale"])

    authed.post(CREATE, body(world)).error(1602003)

    assert Order.objects.count() == 0


def test_no_line_fits_answers_logistics_miss(authed, world):
    data = create(
        authed,
        world,
        shippingCountryCode="DE",
        shippingZip="10115",
        shippingProvince="",
        shippingCity="Berlin",
        logisticName="",
    )

    assert data["logisticsMiss"] is True
    assert data["interceptOrderReasons"] != []
    reason = data["interceptOrderReasons"][0]
    assert set(reason) == {"code", "message"}
    assert reason["code"] == 1605001  # no line from CN to DE: "logistic invalid"


def test_too_little_stock_is_intercepted_with_1603102(authed, world, merchant):
    data = create(authed, world, payType=1, quantity=101)

    assert data["orderStatus"] == "CREATED"
    assert data["shipmentOrderId"] is None
    assert data["cjPayUrl"] is None
    assert [r["code"] for r in data["interceptOrderReasons"]] == [1603102]
    assert "101" in data["interceptOrderReasons"][0]["message"]
    assert Order.objects.get(merchant=merchant).parent is None


def test_create_v3_creates_only(authed, world, merchant):
    payload = body(world)
    del payload["payType"]

    data = authed.post(CREATE_V3, payload).ok()

    assert set(data) == CREATE_FIELDS
    assert data["orderStatus"] == "CREATED"
    assert Order.objects.get(merchant=merchant).status == "CREATED"


def test_no_token_is_1600002(cj, world):
    cj.post(CREATE, body(world), token=None).error(1600002)
    assert Order.objects.count() == 0


# --- getOrderDetail / getOrderDetailBatch --------------------------------------------------------


DETAIL_FIELDS = {
    "orderId",
    "orderNum",
    "orderNumber",
    "platformOrderId",
    "cjOrderId",
    "cjOrderCode",
    "shipmentOrderId",
    "fromCountryCode",
    "shippingCountryCode",
    "shippingCountry",
    "shippingProvince",
    "shippingCity",
    "shippingCounty",
    "shippingZip",
    "shippingAddress",
    "shippingAddress2",
    "shippingCustomerName",
    "shippingPhone",
    "remark",
    "logisticName",
    "trackNumber",
    "trackingUrl",
    "disputeId",
    "disputeIds",
    "orderWeight",
    "orderAmount",
    "orderStatus",
    "subStatus",
    "createDate",
    "paymentDate",
    "outWarehouseTime",
    "storeCreateDate",
    "productAmount",
    "postageAmount",
    "isComplete",
    "storageId",
    "storageName",
    "isSandbox",
    "logisticsMiss",
    "interceptOrderReasons",
    "productList",
    "logisticsTimeliness",
}


def test_detail_by_order_id_and_by_order_number(authed, world, merchant):
    created = create(authed, world, remark="gift", storeOrderTime=1767225600)
    order = Order.objects.get(merchant=merchant)

    by_id = authed.get(DETAIL, {"orderId": created["orderId"]}).ok()
    by_number = authed.get(DETAIL, {"orderId": "API-1"}).ok()

    assert by_id == by_number
    assert set(by_id) == DETAIL_FIELDS
    assert by_id["orderId"] == order.public_id
    assert by_id["orderNum"] == "API-1"
    assert by_id["cjOrderCode"] == order.code
    assert by_id["orderStatus"] == "CREATED"
    assert by_id["subStatus"] is None
    assert by_id["orderWeight"] == 500
    assert by_id["orderAmount"] == "25.00"
    assert by_id["remark"] == "gift"
    assert by_id["storageId"] == world.cn.public_id
    assert by_id["storageName"] == world.cn.name
    assert by_id["createDate"] == order.created_at.strftime("%Y-%m-%d %H:%M:%S")
    assert by_id["storeCreateDate"] == "2026-01-01 00:00:00"
    assert by_id["paymentDate"] is None
    assert by_id["trackNumber"] is None
    assert by_id["logisticsTimeliness"] is None
    assert by_id["productList"] == [
        {
            "vid": world.red.public_id,
            "quantity": 2,
            "sellPrice": "10.00",
            "storeLineItemId": None,
            "lineItemId": order.lines.get().line_item_id,
            "podPropertiesInfo": None,
        }
    ]


def test_detail_with_logistics_timeliness(authed, world):
    created = create(authed, world)

    data = authed.get(
        DETAIL, {"orderId": created["orderId"], "features": "LOGISTICS_TIMELINESS"}
    ).ok()

    assert data["logisticsTimeliness"] == {
        "logisticsModes": [{"logisticsName": "CJPacket", "arrivalTime": "7-12"}]
    }


def test_detail_of_unknown_and_other_merchants_orders_is_1603100(
    authed,
    other_cj,
    world,
):
    created = create(authed, world)

    other_cj.get(DETAIL, {"orderId": created["orderId"]}).error(1603100)
    other_cj.get(DETAIL, {"orderId": "API-1"}).error(1603100)
    authed.get(DETAIL, {"orderId": "nope"}).error(1603100)
    assert authed.get(DETAIL).error(1600300) == "orderId is required"


def test_detail_refuses_more_than_20_features(authed, world):
    created = create(authed, world)
    params = {"orderId": created["orderId"], "features": [f"F{i}" for i in range(21)]}

    authed.get(DETAIL, params).error(1600300)


def test_detail_batch_answers_found_orders_in_order(authed, other_cj, world):
    first = create(authed, world, "A-1")
    second = create(authed, world, "A-2")
    theirs = other_cj.post(CREATE, body(world, "B-1")).ok()

    data = authed.post(
        "shopping/order/getOrderDetailBatch",
        {"orderIds": [second["orderId"], "nope", theirs["orderId"], first["orderId"]]},
    ).ok()

    assert [d["orderId"] for d in data] == [second["orderId"], first["orderId"]]
    assert set(data[0]) == DETAIL_FIELDS


def test_detail_batch_limits(authed):
    batch = "shopping/order/getOrderDetailBatch"
    assert authed.post(batch, {"orderIds": []}).error(1600300) == "orderIds is empty"
    authed.post(batch, {"orderIds": [str(i) for i in range(101)]}).error(1600300)
    authed.post(batch, {"orderIds": "x"}).error(1600300)


# --- list -----------------------------------------------------------------------------------------


LIST_FIELDS = {
    "orderId",
    "orderNum",
    "cjOrderId",
    "cjOrderCode",
    "shippingCountryCode",
    "shippingProvince",
    "shippingCity",
    "shippingAddress",
    "shippingCustomerName",
    "shippingPhone",
    "remark",
    "logisticName",
    "trackNumber",
    "trackingUrl",
    "orderWeight",
    "orderAmount",
    "orderStatus",
    "subStatus",
    "createDate",
    "paymentDate",
    "storeCreateDate",
    "productAmount",
    "postageAmount",
    "storageId",
    "storageName",
}


def test_list_pages_newest_first(authed, other_cj, world):
    ids = [create(authed, world, f"L-{i}")["orderId"] for i in range(3)]
    other_cj.post(CREATE, body(world, "THEIRS")).ok()

    first = authed.get(LIST, {"pageNum": 1, "pageSize": 2}).ok()
    second = authed.get(LIST, {"pageNum": 2, "pageSize": 2}).ok()

    assert {k: first[k] for k in ("pageNum", "pageSize", "total")} == {
        "pageNum": 1,
        "pageSize": 2,
        "total": 3,
    }
    assert [o["orderId"] for o in first["list"] + second["list"]] == ids[::-1]
    assert set(first["list"][0]) == LIST_FIELDS
    assert first["list"][0]["orderNum"] == "L-2"
    assert second["total"] == 3


def test_list_filters(authed, world):
    created = create(authed, world, "F-1")
    paid = create(authed, world, "F-2", payType=2, isSandbox=1)

    def ids(**params):
        return [o["orderId"] for o in authed.get(LIST, params).ok()["list"]]

    assert ids(status="CREATED") == [created["orderId"]]
    assert ids(status="UNSHIPPED") == [paid["orderId"]]
    assert ids(status="PENDING") == [paid["orderId"]]
    assert ids(status="PROCESSING") == []
    assert ids(status="OTHER") == []
    assert ids(orderIds=[created["orderId"], "F-2"]) == [paid["orderId"], created["orderId"]]
    assert ids(orderIds=f"{created['orderId']},nope") == [created["orderId"]]
    assert ids(shipmentOrderId=paid["shipmentOrderId"]) == [paid["orderId"]]


@pytest.mark.parametrize(
    "params",
    [{"pageNum": 0}, {"pageSize": 0}, {"pageSize": 201}, {"status": "LOST"}, {"pageNum": "a"}],
)
def test_list_refuses_bad_paging_and_status(authed, params):
    authed.get(LIST, params).error(1600300)


def test_detail_batch_allows_two_calls_a_second(authed, world, merchant, settings, ratelimit_clock):
    settings.DROPYARD_API_RATE_LIMITS_ENABLED = True
    merchant.level = 4  # 6 calls/s for the account, so the batch's own 2/s is what binds
    merchant.save(update_fields=["level"])
    batch = "shopping/order/getOrderDetailBatch"

    authed.post(batch, {"orderIds": ["a"]}).ok()
    authed.post(batch, {"orderIds": ["a"]}).ok()
    authed.post(batch, {"orderIds": ["a"]}).error(1600200)
    ratelimit_clock.now += 1
    authed.post(batch, {"orderIds": ["a"]}).ok()


# --- Sandbox money off ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", [CREATE, CREATE_V3])
def test_api_create_refuses_is_sandbox_when_off(settings, authed, world, path):
    settings.DROPYARD_SANDBOX_PAYMENTS = False

    message = authed.post(path, body(world, "SB-API", isSandbox=1, payType=2)).error(1600300)

    assert "sandbox payments are disabled" in message
    assert not Order.objects.exists()


def test_detail_batch_refusals_leave_the_account_bucket_untouched(
    authed, merchant, settings, ratelimit_clock
):
    settings.DROPYARD_API_RATE_LIMITS_ENABLED = True
    settings.DROPYARD_API_BURST = 4
    merchant.level = 4  # 6 calls/s and a bucket of 6 for the account
    merchant.save(update_fields=["level"])
    batch = "shopping/order/getOrderDetailBatch"

    passed = [authed.post(batch, {"orderIds": ["a"]}) for _ in range(2)]
    refused = [authed.post(batch, {"orderIds": ["a"]}) for _ in range(5)]
    after = authed.get(LIST)

    assert [a.code for a in passed] == [200, 200]
    assert {a.code for a in refused} == {1600200}
    assert [a.headers["Retry-After"] for a in refused] == ["1"] * 5
    # 6 - 2 batch calls - this list call: the five refusals took nothing.
    assert after.headers["X-RateLimit-Limit"] == "6"
    assert after.headers["X-RateLimit-Remaining"] == "3"


def test_detail_batch_refused_by_the_account_gives_its_own_token_back(
    authed, merchant, settings, ratelimit_clock
):
    settings.DROPYARD_API_RATE_LIMITS_ENABLED = True
    settings.DROPYARD_API_BURST = 1  # level 0: one call at once, one per second
    batch = "shopping/order/getOrderDetailBatch"
    authed.get(LIST).ok()

    refused = authed.post(batch, {"orderIds": ["a"]})

    refused.error(1600200)
    assert refused.headers["X-RateLimit-Limit"] == "1"  # the account's bucket refused it
    # The batch's own bucket is full again: its theoretical arrival time is now (a kept token
    # would have put it half a second ahead).
    own = RateLimitBucket.objects.get(key=f"api-detail-batch:{merchant.pk}")
    assert own.tat_us == int(round(ratelimit_clock.now * 1_000_000))
