"""The API framework: envelope, error mapping, auth, rate limits, routing, docs.

Framework behaviour that no real endpoint exercises yet (unexpected errors, query parameters,
nested bodies) goes through a probe API built by the same ``build_api()`` and served by this
module's ``urlpatterns`` (``@pytest.mark.urls(__name__)``).
"""

import logging
import re
from datetime import datetime, timedelta, timezone

import pytest
from django.http import Http404
from django.urls import path
from ninja import Query, Router
from ninja.errors import HttpError

from dropyard.accounts import services
from dropyard.accounts.api_auth import CJAccessToken
from dropyard.accounts.models import ApiToken
from dropyard.config.api import api
from dropyard.core.api import (
    PUBLIC_API_OPERATIONS,
    PUBLIC_DOCS_PATHS,
    CamelSchema,
    api_datetime,
    api_operations,
    build_api,
    legacy_success,
    param_error_message,
)
from dropyard.core.api_throttles import api_burst, public_throttles, qps_limit_for_level
from dropyard.core.errors import DomainError
from dropyard.core.models import RateLimitBucket
from dropyard.core.testing.cj_client import CJClient

# --- Probe API ----------------------------------------------------------------------------------

probe_router = Router()


class LineIn(CamelSchema):
    variant_id: str
    quantity: int


class OrderIn(CamelSchema):
    order_number: str
    products: list[LineIn]


@probe_router.get("whoami")
def whoami(request):
    return {"openId": request.auth.merchant.open_id, "tokenId": request.auth.pk}


@probe_router.get("boom")
def boom(request):
    raise RuntimeError("probe failure")


@probe_router.get("order-missing")
def order_missing(request):
    raise DomainError("Order not found", code=1603100)


@probe_router.get("object-404")
def object_404(request):
    raise Http404("internal detail")


@probe_router.get("forbidden")
def forbidden(request):
    raise HttpError(403, "Not your store")


@probe_router.get("pages", auth=None, throttle=public_throttles())
def pages(request, page_num: int = Query(..., alias="pageNum"), pid: str = Query(...)):
    return {"pageNum": page_num, "pid": pid}


@probe_router.post("orders", auth=None, response=OrderIn)
def echo_order(request, payload: OrderIn):
    return payload


@probe_router.get("legacy", auth=None, throttle=public_throttles())
def legacy(request, fail: int = 0):
    if fail:
        raise DomainError("Product not found", code=1602001)
    return legacy_success({"list": [{"pid": "1"}], "schema": LineIn(variant_id="V1", quantity=2)})


probe_api = build_api(auth=CJAccessToken(), urls_namespace="probe")
probe_api.add_router("", probe_router)

urlpatterns = [path("probe/", probe_api.urls)]

probe_urls = pytest.mark.urls(__name__)


# --- Fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def probe(client):
    return CJClient(client, prefix="/probe/")


@pytest.fixture
def clock(ratelimit_clock):
    return ratelimit_clock


# --- Envelope and request id --------------------------------------------------------------------


def test_success_envelope_and_request_id_header(cj, client, merchant, api_key):
    response = client.post(
        "/api2.0/v1/authentication/getAccessToken",
        {"apiKey": api_key},
        content_type="application/json",
    )

    body = response.json()
    assert response.status_code == 200
    assert list(body) == ["code", "result", "message", "data", "requestId"]
    assert (body["code"], body["result"], body["message"]) == (200, True, "Success")
    assert response["X-Request-Id"] == body["requestId"]


def test_request_ids_differ_per_request(cj, merchant):
    first = cj.get("setting/get", token=None)
    second = cj.get("setting/get", token=None)

    assert first.request_id != second.request_id


@probe_urls
def test_domain_error_is_http_200_with_its_code(probe, merchant, api_key):
    token = services.token_issue(api_key=api_key)[1]

    response = probe.get("order-missing", token=token)

    assert response.error(1603100) == "Order not found"


@probe_urls
def test_unexpected_error_is_500_system_busy(probe, merchant, api_key, caplog):
    token = services.token_issue(api_key=api_key)[1]

    with caplog.at_level(logging.ERROR, logger="dropyard.core.api"):
        response = probe.get("boom", token=token)

    message = response.error(1600000, status_code=500)
    assert message == "System busy, please try again later"
    assert "probe failure" not in message
    records = [r for r in caplog.records if r.name == "dropyard.core.api"]
    assert [r.exc_info[1].args for r in records] == [("probe failure",)]


@probe_urls
def test_http404_inside_operation_is_param_error_without_detail(probe, merchant, api_key):
    token = services.token_issue(api_key=api_key)[1]

    assert probe.get("object-404", token=token).error(1600300) == "Not found"


@probe_urls
def test_http_error_mapped_by_status(probe, merchant, api_key):
    token = services.token_issue(api_key=api_key)[1]

    assert probe.get("forbidden", token=token).error(1600004) == "Not your store"


# --- Parameters ---------------------------------------------------------------------------------


@probe_urls
def test_query_parameters_parsed(probe, db):
    assert probe.get("pages", {"pageNum": "2", "pid": "P1"}).ok() == {"pageNum": 2, "pid": "P1"}


@probe_urls
@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"pageNum": "1"}, "pid is required"),
        ({}, "pageNum is required; pid is required"),
        ({"pageNum": "x", "pid": "P1"}, "pageNum: Input should be a valid integer"),
    ],
)
def test_query_parameter_errors_name_the_parameter(probe, db, params, message):
    assert probe.get("pages", params).error(1600300).startswith(message)


@probe_urls
def test_body_echo_uses_wire_names_without_by_alias_on_operation(probe, db):
    body = {"orderNumber": "A-1", "products": [{"variantId": "V1", "quantity": 2}]}

    assert probe.post("orders", body).ok() == body


@probe_urls
def test_nested_body_error_names_the_path(probe, db):
    body = {"orderNumber": "A-1", "products": [{"variantId": "V1"}, {"quantity": "lots"}]}

    message = probe.post("orders", body).error(1600300)

    assert message == (
        "products[0].quantity is required; products[1].variantId is required; "
        "products[1].quantity: Input should be a valid integer, unable to parse string as an "
        "integer"
    )


@probe_urls
def test_absent_body_is_body_missing(probe, db):
    response = probe.request("POST", "orders")

    assert response.error(16900204) == "The request body is missing"


@probe_urls
def test_empty_object_body_reports_required_fields(probe, db):
    response = probe.post("orders", {})

    assert response.error(1600300) == "orderNumber is required; products is required"


def test_param_error_message_without_location():
    assert param_error_message([{"loc": ("query",), "msg": "bad", "type": "x"}]) == (
        "Invalid query parameters"
    )


# --- Auth ---------------------------------------------------------------------------------------


@probe_urls
def test_default_auth_sets_request_auth_to_token(probe, merchant, api_key):
    token, access, _ = services.token_issue(api_key=api_key)

    data = probe.get("whoami", token=access).ok()

    assert data == {"openId": merchant.open_id, "tokenId": token.pk}


@probe_urls
@pytest.mark.parametrize("header", [None, "", "   "])
def test_default_auth_requires_header(probe, db, header):
    assert probe.get("whoami", token=header).error(1600002) == "CJ-Access-Token header is required"


@probe_urls
def test_default_auth_refuses_revoked_token(probe, merchant, api_key):
    token, access, _ = services.token_issue(api_key=api_key)
    services.token_revoke(token=token)

    assert probe.get("whoami", token=access).error(1600001) == "Invalid access token"


def test_public_operations_are_exactly_those_without_auth():
    operations = api_operations(api)
    without_auth = {path for _, path, op in operations if not op.auth_callbacks}

    assert without_auth == PUBLIC_API_OPERATIONS
    assert {(method, path) for method, path, _ in operations} >= {
        ("POST", "authentication/getAccessToken"),
        ("POST", "authentication/refreshAccessToken"),
        ("POST", "authentication/logout"),
        ("GET", "setting/get"),
    }


def test_operations_outside_public_set_require_token(cj, db):
    for method, op_path, _ in api_operations(api):
        if op_path in PUBLIC_API_OPERATIONS:
            continue
        concrete = re.sub(r"\{[^}]+\}", "1", op_path)
        assert cj.request(method, concrete, token=None).code == 1600002, (method, op_path)


# --- Rate limits --------------------------------------------------------------------------------


@pytest.mark.parametrize(("level", "qps"), [(0, 1), (2, 2), (3, 4), (5, 6)])
def test_account_qps_by_level(cj, merchant, api_key, settings, clock, level, qps):
    type(merchant).objects.filter(pk=merchant.pk).update(level=level)
    cj.get_access_token(api_key).ok()
    settings.DROPYARD_API_RATE_LIMITS_ENABLED = True
    for _ in range(api_burst(qps)):
        cj.get("setting/get").ok()

    refused = cj.get("setting/get")
    assert refused.error(1600200) == "Too many requests"
    assert refused.headers["Retry-After"] == "1"

    clock.now += 1
    passed = [cj.get("setting/get").is_success for _ in range(qps + 1)]
    assert passed == [True] * qps + [False]


def test_account_qps_counts_per_account(cj, client, merchant, other_merchant, settings, clock):
    _, key = services.apikey_create(merchant=merchant, actor=merchant.owner, name="a")
    _, other_key = services.apikey_create(
        merchant=other_merchant, actor=other_merchant.owner, name="b"
    )
    other = CJClient(client)
    cj.get_access_token(key).ok()
    other.get_access_token(other_key).ok()
    settings.DROPYARD_API_RATE_LIMITS_ENABLED = True
    settings.DROPYARD_API_BURST = 1
    cj.get("setting/get").ok()

    assert other.get("setting/get").ok()["openId"] == other_merchant.open_id
    cj.get("setting/get").error(1600200)


def test_account_qps_off_when_rate_limits_disabled(cj, merchant, api_key, clock):
    cj.get_access_token(api_key).ok()

    for _ in range(3):
        cj.get("setting/get").ok()

    assert RateLimitBucket.objects.count() == 0


def test_public_operations_limited_per_ip_before_credentials(cj, merchant, settings, clock):
    settings.DROPYARD_API_RATE_LIMITS_ENABLED = True
    settings.DROPYARD_API_PUBLIC_QPS_PER_IP = 3
    for _ in range(3):
        cj.get_access_token("wrong-key").error(1600001)

    cj.get_access_token("wrong-key").error(1600200)
    cj.refresh_access_token("wrong-refresh").error(1600200)

    clock.now += 1
    cj.get_access_token("wrong-key").error(1600001)
    assert ApiToken.objects.count() == 0


def test_qps_limit_for_level():
    assert [qps_limit_for_level(level) for level in range(6)] == [1, 1, 2, 4, 6, 6]
    assert qps_limit_for_level(9) == 1


def test_api_datetime_is_utc_with_offset():
    local = datetime(2021, 8, 18, 9, 16, 33, 123456, tzinfo=timezone(timedelta(hours=8)))

    assert api_datetime(local) == "2021-08-18T01:16:33+00:00"


# --- Routing ------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
@pytest.mark.parametrize("path", ["", "nope", "shopping/order/unknown", "setting/get/extra"])
def test_unknown_path_is_interface_not_found(cj, db, method, path):
    response = cj.request(method, path, token=None)

    assert response.error(1600101) == f"Interface not found: /api2.0/v1/{path}"


def test_wrong_method_is_method_not_supported(cj, client, db):
    response = cj.get("authentication/getAccessToken", token=None)
    raw = client.get("/api2.0/v1/authentication/getAccessToken")

    assert response.error(16900202) == "Request method 'GET' not supported; use POST"
    assert raw["Allow"] == "POST"


# --- OpenAPI and docs ---------------------------------------------------------------------------


def test_openapi_document_lists_auth_endpoints_in_envelope(client, db):
    response = client.get("/api2.0/v1/openapi.json")

    schema = response.json()
    assert response.status_code == 200
    assert {
        "/api2.0/v1/authentication/getAccessToken",
        "/api2.0/v1/authentication/refreshAccessToken",
        "/api2.0/v1/authentication/logout",
        "/api2.0/v1/setting/get",
    } <= set(schema["paths"])
    get_token = schema["paths"]["/api2.0/v1/authentication/getAccessToken"]["post"]
    success, error = get_token["responses"]["200"]["content"]["application/json"]["schema"]["oneOf"]
    assert sorted(success["properties"]) == ["code", "data", "message", "requestId", "result"]
    assert success["properties"]["data"] == {"$ref": "#/components/schemas/AccessTokenOut"}
    assert error == {"$ref": "#/components/schemas/ErrorEnvelope"}
    assert "security" not in get_token
    setting = schema["paths"]["/api2.0/v1/setting/get"]["get"]
    assert setting["security"] == [{"CJAccessToken": []}]
    assert schema["components"]["securitySchemes"]["CJAccessToken"] == {
        "type": "apiKey",
        "in": "header",
        "name": "CJ-Access-Token",
    }
    token_out = schema["components"]["schemas"]["AccessTokenOut"]["properties"]
    assert set(token_out) == {
        "openId",
        "accessToken",
        "accessTokenExpiryDate",
        "refreshToken",
        "refreshTokenExpiryDate",
        "createDate",
    }


def test_docs_page_works_offline(client, db):
    response = client.get("/api2.0/v1/docs")

    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert response.status_code == 200
    assert not re.search(r"https?://|//cdn", html)
    assert sorted(assets) == [
        "/static/ninja/favicon.png",
        "/static/ninja/favicon.svg",
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
        "/static/ninja/swagger-ui.css",
    ]
    assert [client.get(asset).status_code for asset in assets] == [200] * len(assets)
    assert '"url": "/api2.0/v1/openapi.json"' in html
    assert [client.get(f"/api2.0/v1/{p}").status_code for p in sorted(PUBLIC_DOCS_PATHS)] == [
        200,
        200,
    ]
    assert '"validatorUrl": null' in html


# --- Alternate success envelope (contract §3 quirks) --------------------------------------------


@probe_urls
def test_legacy_success_envelope_shape(client, db):
    response = client.get("/probe/legacy")

    body = response.json()
    assert response.status_code == 200
    assert list(body) == ["success", "code", "message", "data", "requestId"]
    assert (body["success"], body["code"], body["message"]) == (True, 0, "Success")
    assert body["data"] == {"list": [{"pid": "1"}], "schema": {"variantId": "V1", "quantity": 2}}
    assert response["X-Request-Id"] == body["requestId"]


@probe_urls
def test_legacy_success_operation_errors_keep_normal_envelope(probe, db):
    assert probe.get("legacy", {"fail": "1"}).error(1602001) == "Product not found"
