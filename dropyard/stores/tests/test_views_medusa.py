"""Connecting a Medusa store: the service (``medusa_store_connect``) and the merchant page, over
a stand-in Medusa (``medusa_fake``); the real store is connected in ``test_medusa_e2e.py``."""

import httpx
import pytest
from django.urls import reverse

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.stores import services
from dropyard.stores.adapters import medusa as medusa_adapter
from dropyard.stores.choices import Platform, StoreStatus
from dropyard.stores.exceptions import StoreInvalid
from dropyard.stores.models import Store
from dropyard.stores.services import medusa as medusa_service
from dropyard.stores.tests.medusa_fake import SECRET_KEY, fake_medusa

pytestmark = pytest.mark.django_db

URL = "https://Shop.Example.com/"


@pytest.fixture
def medusa(monkeypatch):
    """Every adapter the service builds talks to the stand-in (``.transport`` swaps it)."""

    class Holder:
        transport: httpx.BaseTransport = fake_medusa()

    holder = Holder()

    class Adapter(medusa_adapter.MedusaAdapter):
        def __init__(self, context, *, transport=None, sleep=None):
            super().__init__(context, transport=holder.transport, sleep=lambda _s: None)

    monkeypatch.setattr(medusa_service, "MedusaAdapter", Adapter)
    return holder


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def _connect(merchant, **fields):
    data = {"base_url": URL, "api_key": SECRET_KEY, **fields}
    return services.medusa_store_connect(merchant=merchant, actor=merchant.owner, **data)


def test_connect_records_the_store_with_its_currency_and_encrypted_credentials(merchant, medusa):
    store = _connect(merchant)

    assert (store.platform, store.name, store.domain, store.currency, store.status) == (
        Platform.MEDUSA,
        "Medusa Outlet",
        "https://shop.example.com",
        "USD",
        StoreStatus.AUTHORIZED,
    )
    assert store.credentials_get() == {
        "api_key": SECRET_KEY,
        "location_id": "sloc_01TEST",
        "sales_channel_id": "sc_01TEST",
    }
    assert SECRET_KEY not in store.credentials_encrypted
    event = AuditEvent.objects.get(action=AuditAction.STORE_CONNECTED)
    assert event.details == {"platform": "medusa", "domain": "https://shop.example.com"}


def test_connect_keeps_a_name_the_merchant_chose(merchant, medusa):
    assert _connect(merchant, name=" EU outlet ").name == "EU outlet"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"base_url": "shop.example.com"}, "base_url", "must start with https://"),
        ({"base_url": "https://x.example/?k=1"}, "base_url", "address only"),
        ({"api_key": "pk_" + "0" * 64}, "api_key", "paste a secret API key"),
        ({"api_key": "sk_short"}, "api_key", "paste a secret API key"),
        ({"api_key": "sk_" + "f" * 64}, "api_key", "the store refused this key"),
    ],
)
def test_connect_refuses_with_the_field_at_fault_and_writes_nothing(
    merchant, medusa, fields, field, message
):
    with pytest.raises(StoreInvalid) as refused:
        _connect(merchant, **fields)

    assert list(refused.value.extra["errors"]) == [field]
    assert message in refused.value.extra["errors"][field]
    assert SECRET_KEY not in str(refused.value)
    assert Store.objects.count() == 0


def test_an_unreachable_store_is_a_clear_address_error(merchant, medusa):
    def down(request):
        raise httpx.ConnectError("Connection refused")

    medusa.transport = httpx.MockTransport(down)

    with pytest.raises(StoreInvalid) as refused:
        _connect(merchant)

    assert refused.value.extra["errors"] == {
        "base_url": "could not reach a Medusa store there (Medusa unreachable: Connection refused)"
    }
    assert Store.objects.count() == 0


def test_a_site_that_is_not_medusa_is_an_address_error(merchant, medusa):
    medusa.transport = httpx.MockTransport(lambda request: httpx.Response(200, text="<html>"))

    with pytest.raises(StoreInvalid) as refused:
        _connect(merchant)

    assert refused.value.extra["errors"] == {
        "base_url": "Medusa answered 200 without JSON: is this a Medusa store?"
    }


def test_the_same_store_twice_is_refused(merchant, medusa):
    _connect(merchant)

    with pytest.raises(StoreInvalid, match="this medusa store is already connected"):
        _connect(merchant, base_url="https://shop.example.com")

    assert Store.objects.count() == 1


# --- The page -----------------------------------------------------------------------------------


def test_stores_page_links_the_medusa_connect_page(owner_client):
    page = owner_client.get(reverse("stores:list")).content.decode()

    assert f'href="{reverse("stores:connect_medusa")}"' in page


def test_connect_page_connects_and_shows_the_store(owner_client, merchant, medusa):
    form = owner_client.get(reverse("stores:connect_medusa"))
    assert form.status_code == 200
    assert 'type="password"' in form.content.decode()

    response = owner_client.post(
        reverse("stores:connect_medusa"), {"base_url": URL, "api_key": SECRET_KEY, "name": ""}
    )

    store = Store.objects.get(merchant=merchant)
    assert response.status_code == 302
    assert response["Location"] == reverse("stores:detail", args=[store.public_id])
    detail = owner_client.get(response["Location"]).content.decode()
    assert "Medusa store Medusa Outlet is connected (USD)." in detail
    assert SECRET_KEY not in detail
    listing = owner_client.get(reverse("stores:list")).content.decode()
    assert "Medusa Outlet" in listing
    assert "https://shop.example.com" in listing


def test_a_refused_key_shows_on_its_field_and_is_not_echoed(owner_client, medusa):
    wrong = "sk_" + "e" * 64

    response = owner_client.post(
        reverse("stores:connect_medusa"), {"base_url": URL, "api_key": wrong}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'data-testid="error-api_key"' in page
    assert "The store refused this key" in page
    assert wrong not in page
    assert URL.strip() in page  # the address is kept for the next try
    assert Store.objects.count() == 0


def test_a_bad_address_shows_on_its_field(owner_client, medusa):
    response = owner_client.post(
        reverse("stores:connect_medusa"),
        {"base_url": "javascript:alert(1)", "api_key": SECRET_KEY},
    )

    assert response.status_code == 400
    assert 'data-testid="error-base_url"' in response.content.decode()
    # Sentence case: the form mixin capitalises the service's message.
    assert "The store address must start with https:// (or http://)" in response.content.decode()
    assert Store.objects.count() == 0


def test_empty_fields_are_required(owner_client, medusa):
    response = owner_client.post(reverse("stores:connect_medusa"), {})

    page = response.content.decode()
    assert response.status_code == 400
    assert page.count("This field is required.") == 2


def test_staff_without_the_stores_permission_cannot_connect(client, staff_user, medusa):
    client.force_login(staff_user)

    response = client.post(
        reverse("stores:connect_medusa"), {"base_url": URL, "api_key": SECRET_KEY}
    )

    assert response.status_code == 403
    assert Store.objects.count() == 0
