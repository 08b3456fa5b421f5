"""The back office's failed webhook deliveries (operator admins): the list, its search, and the
bulk retry (the service's own rules: ``test_services``)."""

import pytest
from django.urls import reverse

from dropyard.accounts.tests.factories import make_merchant, make_operator
from dropyard.webhooks import services
from dropyard.webhooks.models import WebhookDelivery

from .conftest import failed_delivery, set_endpoint

pytestmark = pytest.mark.django_db

HOOK = "https://hooks.example.com/orders"
URL = "/ops/webhooks/failed/"


@pytest.fixture
def admin_client(client):
    client.force_login(make_operator(role="admin"))
    return client


def test_url_is_the_routes():
    assert reverse("webhooks_ops:failed_deliveries") == URL


def test_page_lists_failed_deliveries_of_every_merchant(admin_client, merchant):
    other = make_merchant(business_name="Other Shop")
    set_endpoint(merchant, "order", HOOK)
    set_endpoint(other, "order", HOOK)
    mine, theirs = failed_delivery(merchant), failed_delivery(other)
    services.webhook_publish(  # pending: not listed
        merchant=merchant, type="ORDER", message_type="UPDATE", params={"orderId": "9"}
    )

    response = admin_client.get(URL)
    searched = admin_client.get(URL, {"q": "Other Shop"})

    html = response.content.decode()
    assert response.status_code == 200
    assert [d.pk for d in response.context["page"].object_list] == [theirs.pk, mine.pk]
    assert html.count('data-testid="failed-delivery-row"') == 2
    assert "HTTP 503" in html
    assert [d.pk for d in searched.context["page"].object_list] == [theirs.pk]


def test_bulk_retry_from_the_page(admin_client, merchant):
    set_endpoint(merchant, "order", HOOK)
    first, second = failed_delivery(merchant, "1"), failed_delivery(merchant, "2")

    response = admin_client.post(
        URL, {"action": "retry", "ids": [str(first.pk), str(second.pk)]}, follow=True
    )

    assert [str(m) for m in response.context["messages"]] == ["2 deliveries sent again."]
    assert WebhookDelivery.objects.filter(is_replay=True).count() == 2
    assert [d.retried for d in response.context["page"].object_list] == [True, True]

    again = admin_client.post(URL, {"action": "retry", "ids": [str(first.pk)]}, follow=True)

    assert [str(m) for m in again.context["messages"]] == [
        f"{first.message.message_id}: delivery {first.pk} was already sent again"
    ]
    assert WebhookDelivery.objects.filter(is_replay=True).count() == 2


@pytest.mark.parametrize("role", ["support", "finance", "agent", "warehouse"])
def test_other_operators_are_refused(client, role):
    client.force_login(make_operator(role=role))

    assert client.get(URL).status_code == 403
