"""The SOURCINGCREATE webhook message (contract §4): INSERT when a request is created through
the API, UPDATE with ``fields`` when it ends, nothing for a refused create."""

import json

import pytest
from django.test import Client

from dropyard.accounts import services as account_services
from dropyard.core.testing.cj_client import CJClient
from dropyard.sourcing import services_requests as svc
from dropyard.sourcing.models import SourcingRequest
from dropyard.webhooks.models import WebhookMessage
from dropyard.webhooks.services import CallbackSetting, webhook_set

pytestmark = pytest.mark.django_db

CREATE = "product/sourcing/create"
DELIVER_TASK = "dropyard.webhooks.tasks.webhook_deliver"
PARAMS = {
    "cjSourcingId",
    "cjProductId",
    "cjVariantId",
    "cjVariantSku",
    "status",
    "failReason",
    "createDate",
}


@pytest.fixture
def cj(merchant):
    _, key = account_services.apikey_create(merchant=merchant, actor=merchant.owner, name="ERP")
    client = CJClient(Client())
    client.get_access_token(key).ok()
    return client


def _product_callback(merchant):
    webhook_set(
        merchant=merchant,
        actor=merchant.owner,
        settings_by_topic=[
            CallbackSetting(topic="product", action="ENABLE", urls=("http://localhost:9/hook",))
        ],
    )


def _messages():
    found = list(WebhookMessage.objects.filter(type="SOURCINGCREATE").order_by("pk"))
    return [(m.topic, json.loads(m.body)) for m in found]


def _create(cj, n=1):
    body = {
        "productName": "Silicone phone stand",
        "productImage": f"https://cbu01.alicdn.com/img/{n}.jpg",
        "productUrl": f"https://detail.1688.com/offer/{800000 + n}.html",
    }
    return cj.post(CREATE, body).ok()["cjSourcingId"]


def test_create_publishes_one_insert_with_the_contract_params(
    merchant, cj, tasks, django_capture_on_commit_callbacks
):
    _product_callback(merchant)
    tasks.clear()

    with django_capture_on_commit_callbacks(execute=True):
        made = _create(cj)

    sourcing = SourcingRequest.objects.get(public_id=made)
    ((topic, body),) = _messages()
    assert (topic, body["type"], body["messageType"]) == ("product", "SOURCINGCREATE", "INSERT")
    assert body["params"] == {
        "cjSourcingId": made,
        "cjProductId": None,
        "cjVariantId": None,
        "cjVariantSku": None,
        "status": "SUBMITTED",
        "failReason": None,
        "createDate": sourcing.created_at.strftime("%Y-%m-%d %H:%M:%S"),
    }
    delivered = [
        r.kwargs["delivery_id"] for r in tasks.results if r.task.module_path == DELIVER_TASK
    ]
    assert delivered == [WebhookMessage.objects.get().deliveries.get().pk]


def test_failing_publishes_an_update_with_the_reason(merchant, cj, operator_admin):
    _product_callback(merchant)
    made = _create(cj)

    svc.sourcing_fail(
        request=SourcingRequest.objects.get(public_id=made),
        actor=operator_admin,
        reason="Discontinued by the factory",
    )

    (_, insert), (topic, update) = _messages()
    assert (topic, update["messageType"]) == ("product", "UPDATE")
    assert set(update["params"]) == PARAMS | {"fields"}
    assert (update["params"]["cjSourcingId"], update["params"]["status"]) == (made, "FAILED")
    assert update["params"]["failReason"] == "Discontinued by the factory"
    assert update["params"]["fields"] == ["status", "failReason"]
    assert set(insert["params"]) == PARAMS


def test_cancelling_publishes_an_update(merchant, cj):
    _product_callback(merchant)
    made = _create(cj)

    svc.sourcing_cancel(
        merchant=merchant,
        request=SourcingRequest.objects.get(public_id=made),
        actor=merchant.owner,
    )

    assert [(b["messageType"], b["params"]["status"]) for _, b in _messages()] == [
        ("INSERT", "SUBMITTED"),
        ("UPDATE", "CANCELLED"),
    ]
    assert _messages()[1][1]["params"]["fields"] == ["status"]


def test_a_refused_or_duplicate_create_publishes_nothing(merchant, cj, monkeypatch):
    _product_callback(merchant)
    made = _create(cj)
    monkeypatch.setattr("dropyard.sourcing.authority.BASE_QUOTA", {0: 1})

    cj.post(CREATE, {"productName": "No link or picture"}).error(1600300)
    cj.post(CREATE, {"productName": "Over quota", "productUrl": "https://example.com/x"}).error(
        1600201
    )
    again = cj.post(
        CREATE, {"productName": "Again", "productUrl": "https://detail.1688.com/offer/800001.html"}
    ).ok()

    assert again["cjSourcingId"] == made
    assert [b["messageType"] for _, b in _messages()] == ["INSERT"]


def test_no_product_callback_stores_no_message(cj):
    _create(cj)

    assert WebhookMessage.objects.count() == 0
