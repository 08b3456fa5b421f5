import pytest
from django.db import IntegrityError

from dropyard.stores.choices import StoreStatus
from dropyard.stores.models import Store
from dropyard.stores.tests.factories import make_store


@pytest.mark.django_db
def test_credentials_are_stored_encrypted_and_never_shown():
    store = make_store(name="Acme", credentials={"access_token": "shpat_topsecret"})
    stored = Store.objects.get(pk=store.pk)

    assert stored.credentials_get() == {"access_token": "shpat_topsecret"}
    assert "shpat_topsecret" not in stored.credentials_encrypted
    assert str(stored) == "Acme (Shopify)"
    assert repr(stored) == "<Store: Acme (Shopify)>"
    assert "topsecret" not in str(vars(stored))


@pytest.mark.django_db
def test_one_live_store_per_merchant_platform_and_domain_at_database_level():
    store = make_store(domain="acme.myshopify.com")
    twin = Store(
        merchant=store.merchant,
        platform=store.platform,
        name="Twin",
        domain="acme.myshopify.com",
        currency="USD",
    )

    with pytest.raises(IntegrityError):
        twin.save()


@pytest.mark.django_db
def test_a_disconnected_store_frees_its_domain():
    store = make_store(domain="acme.myshopify.com")
    Store.objects.filter(pk=store.pk).update(status=StoreStatus.DISCONNECTED)

    again = make_store(merchant=store.merchant, domain="acme.myshopify.com")

    assert Store.objects.filter(domain="acme.myshopify.com").count() == 2
    assert again.status == StoreStatus.AUTHORIZED
