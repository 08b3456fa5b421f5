"""The checkout's background work: capturing an approved PayPal order (queued by the
``CHECKOUT.ORDER.APPROVED`` webhook), retried while PayPal is down."""

import httpx
import pytest

from dropyard.checkout.tasks import paypal_order_capture
from dropyard.wallet.choices import TopUpStatus
from dropyard.wallet.providers import services
from dropyard.wallet.tests import providers_fakes
from dropyard.wallet.tests.providers_fakes import post_paypal

pytestmark = pytest.mark.django_db

paypal_on = providers_fakes.paypal_on
provider_http = providers_fakes.provider_http


def _started(merchant, owner, amount=5000):
    return services.provider_topup_start(
        merchant=merchant,
        provider="paypal",
        amount_minor=amount,
        actor=owner,
        urls=lambda t: (f"https://shop.test/r/{t.public_id}", f"https://shop.test/c/{t.public_id}"),
    )


def test_approved_order_webhook_queues_a_capture(
    client, merchant, owner, paypal_on, provider_http, django_capture_on_commit_callbacks, tasks
):
    topup, _ = _started(merchant, owner)
    approved = {
        "id": "WH-3",
        "event_type": "CHECKOUT.ORDER.APPROVED",
        "resource": {
            "id": "ORDER1",
            "status": "APPROVED",
            "purchase_units": [{"custom_id": f"topup:{topup.public_id}"}],
        },
    }
    body, headers = provider_http.paypal.deliver(approved)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_paypal(client, body, headers)

    assert response.status_code == 200
    assert [(r.task.name, r.kwargs) for r in tasks.results] == [
        ("paypal_order_capture", {"order_id": "ORDER1"})
    ]
    assert paypal_order_capture.call(order_id="ORDER1") == "processed"
    topup.refresh_from_db()
    assert topup.status == TopUpStatus.SUCCEEDED


def test_capture_task_retries_when_paypal_is_down(
    merchant, owner, paypal_on, provider_http, tasks, monkeypatch
):
    _started(merchant, owner)
    monkeypatch.setattr(provider_http.paypal, "handle", _server_error)

    outcome = paypal_order_capture.call(order_id="ORDER1")

    assert outcome.startswith("retry 2:")
    assert [(r.task.name, r.kwargs) for r in tasks.results] == [
        ("paypal_order_capture", {"order_id": "ORDER1", "attempt": 2})
    ]


def _server_error(request, seen):
    return httpx.Response(500, json={"name": "INTERNAL_SERVICE_ERROR"})
