"""API key scopes: the route matrix (every operation resolves to a scope) and their enforcement."""

import json
import re

import pytest

from dropyard.accounts import services
from dropyard.config.api import api
from dropyard.core.api import PUBLIC_API_OPERATIONS, api_operations
from dropyard.core.api_scopes import (
    ALL_SCOPES,
    ANY_SCOPE,
    OPERATION_SCOPES,
    UNMAPPED,
    ApiScope,
    operation_scope,
)
from dropyard.core.testing.cj_client import API_PREFIX, CJClient
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.orders.tests.test_api import body

SERVED = [(method, path) for method, path, _ in api_operations(api)]
PROTECTED = [(m, p) for m, p in SERVED if p not in PUBLIC_API_OPERATIONS]


def _client(client, merchant, scopes):
    _, key = services.apikey_create(
        merchant=merchant, actor=merchant.owner, name="+".join(scopes), scopes=scopes
    )
    cj = CJClient(client)
    cj.get_access_token(key).ok()
    return cj


# --- The table ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_every_operation_resolves_to_a_scope(method, path):
    # A new non-GET operation fails here until it has an entry in OPERATION_SCOPES.
    assert operation_scope(method, path) in {*ALL_SCOPES, ANY_SCOPE}, (method, path)


def test_rules_gets_read_and_unknown_writes_unmapped():
    assert operation_scope("GET", "some/newQuery") == ApiScope.READ
    assert operation_scope("post", "shopping/order/createOrderV2") == ApiScope.ORDERS
    assert operation_scope("POST", "some/newWrite") == UNMAPPED
    assert operation_scope("GET", "authentication/getAuthorizeUrl") == ApiScope.STORES


def test_table_values_are_scopes():
    assert set(OPERATION_SCOPES.values()) <= {*ALL_SCOPES, ANY_SCOPE}


# --- Enforcement --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_operation_refuses_a_key_without_its_scope(client, merchant):
    # A key with only "webhooks" for everything else, a read-only key for the webhook operations.
    webhooks_only = _client(client, merchant, ["webhooks"])
    read_only = _client(client.__class__(), merchant, ["read"])
    checked = 0
    for method, path in PROTECTED:
        scope = operation_scope(method, path)
        if scope == ANY_SCOPE:
            continue
        cj = read_only if scope == ApiScope.WEBHOOKS else webhooks_only
        concrete = re.sub(r"\{[^}]+\}", "1", path)

        message = cj.request(method, concrete, body={}).error(1600001)

        assert message == (
            f"This API key lacks the '{scope}' scope needed for {method} {path}; "
            "create a key with that scope"
        )
        checked += 1
    assert checked == len(PROTECTED) - 1  # all but logout


@pytest.mark.django_db
def test_read_only_key_reads_but_creates_no_order(client, merchant):
    world = make_order_world()
    cj = _client(client, merchant, ["read"])

    assert cj.get("setting/get").ok()["openId"] == merchant.open_id
    message = cj.post("shopping/order/createOrderV2", body(world, "RO-1")).error(1600001)

    assert "'orders' scope" in message
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_create_with_balance_payment_also_needs_the_payments_scope(client, merchant):
    world = make_order_world()
    cj = _client(client, merchant, ["read", "orders"])

    message = cj.post("shopping/order/createOrderV2", {**body(world, "PB-1"), "payType": 2}).error(
        1600001
    )

    assert message == (
        "This API key lacks the 'payments' scope needed for POST shopping/order/createOrderV2 "
        "with payment from the balance; create a key with that scope"
    )
    assert Order.objects.count() == 0
    assert cj.post("shopping/order/createOrderV2", {**body(world, "PB-2"), "payType": 3}).ok()
    assert Order.objects.count() == 1


@pytest.mark.django_db
def test_orders_key_without_read_cannot_list(client, merchant):
    cj = _client(client, merchant, ["orders"])

    message = cj.get("shopping/order/list").error(1600001)

    assert message == (
        "This API key lacks the 'read' scope needed for GET shopping/order/list; "
        "create a key with that scope"
    )


@pytest.mark.django_db
def test_logout_needs_no_particular_scope(client, merchant):
    cj = _client(client, merchant, ["products"])

    assert cj.logout().ok() is True


@pytest.mark.django_db
def test_full_key_passes_the_scope_check_everywhere(cj, merchant, api_key):
    cj.get_access_token(api_key).ok()

    for method, path in PROTECTED:
        if path == "authentication/logout":
            continue  # it would end the session the loop uses
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        response = cj.client.generic(
            method,
            API_PREFIX + concrete,
            data="{}",
            content_type="application/json",
            headers={"CJ-Access-Token": cj.access_token},
        )
        # Legacy-envelope operations answer {success, code: 0}: read the code either way.
        assert json.loads(response.content)["code"] != 1600001, (method, path)
