"""The store webhook receiver refuses what it cannot trust, and never answers 500 for what a
sender controls."""

import json

import pytest
from django.urls import reverse

from dropyard.stores import services
from dropyard.stores.models import StoreOrder, StoreWebhookReceipt
from dropyard.stores.sandbox import shop as shop_side
from dropyard.stores.tests.sandbox_world import make_sandbox_world


@pytest.fixture
def sw(merchant):
    return make_sandbox_world(merchant)


def _post(client, public_id, body, *, secret="", delivery="d-1", topic="orders/create", **extra):
    headers = {"HTTP_X_SANDBOX_WEBHOOK_ID": delivery, "HTTP_X_SANDBOX_TOPIC": topic}
    if secret:
        headers["HTTP_X_SANDBOX_HMAC_SHA256"] = shop_side.sign(secret, body)
    return client.post(
        reverse("stores_public:webhook_receive", args=[public_id]),
        body,
        content_type="application/json",
        **headers,
        **extra,
    )


def _secret(sw):
    return sw.store.credentials_get()["webhook_secret"]


def _nothing_recorded():
    return (StoreOrder.objects.count(), StoreWebhookReceipt.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_an_unknown_store_is_not_found(client, sw):
    response = _post(client, "123456789", b"{}", secret=_secret(sw))

    assert (response.status_code, response.json()) == (404, {"error": "unknown store"})


@pytest.mark.django_db
def test_a_disconnected_store_is_not_found(client, sw):
    services.store_disconnect(store=sw.store, merchant=sw.store.merchant, actor=None)

    response = _post(client, sw.store.public_id, b"{}", secret=_secret(sw))

    assert response.status_code == 404
    assert _nothing_recorded()


@pytest.mark.django_db
def test_get_is_not_allowed(client, sw):
    response = client.get(reverse("stores_public:webhook_receive", args=[sw.store.public_id]))

    assert response.status_code == 405


@pytest.mark.django_db
def test_a_body_over_the_cap_is_refused_unread(client, sw, settings):
    settings.DROPYARD_STORE_WEBHOOK_MAX_BYTES = 100
    body = b'{"pad": "' + b"x" * 200 + b'"}'

    response = _post(client, sw.store.public_id, body, secret=_secret(sw))

    assert response.status_code == 413
    assert _nothing_recorded()


@pytest.mark.django_db
def test_a_missing_signature_is_refused(client, sw):
    response = _post(client, sw.store.public_id, b'{"id": "1"}')

    assert response.status_code == 401
    assert _nothing_recorded()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [b"{not json", b"\x00\x00", b'{"id": "1\\u0000", "line_items": []}', b"[]", b'{"id": "1"}'],
)
def test_a_signed_body_that_is_not_an_order_is_refused_with_400(client, sw, body):
    response = _post(client, sw.store.public_id, body, secret=_secret(sw))

    assert response.status_code == 400
    assert _nothing_recorded()


@pytest.mark.django_db
def test_a_signed_webhook_without_a_delivery_id_is_refused(client, sw):
    response = _post(client, sw.store.public_id, b"{}", secret=_secret(sw), delivery="")

    assert response.status_code == 400
    assert _nothing_recorded()


@pytest.mark.django_db
def test_another_topic_is_recorded_and_ignored(client, sw):
    body = json.dumps({"id": "1"}).encode()

    response = _post(client, sw.store.public_id, body, secret=_secret(sw), topic="shop/update")

    assert response.json() == {"received": True, "outcome": "ignored"}
    assert list(StoreWebhookReceipt.objects.values_list("delivery_id", "topic")) == [
        ("d-1", "shop/update")
    ]
    assert StoreOrder.objects.count() == 0
