import pytest

from dropyard.stores.adapters import UnsupportedPlatform, adapter_for, register, unregister
from dropyard.stores.adapters.base import PlatformOrder, StoreAdapter
from dropyard.stores.adapters.medusa import MedusaAdapter
from dropyard.stores.tests.factories import make_store, platform_order


def test_platform_order_data_round_trips_without_the_raw_payload():
    order = platform_order("9", ("V1", 2), total_minor=100, raw={"secret": "x"})

    data = order.to_data()

    assert "raw" not in data
    assert data["created_at"] == "2026-01-05T10:00:00+00:00"
    assert data["lines"][0] == {
        "platform_line_id": "L9-0",
        "platform_variant_id": "V1",
        "sku": "SKU-V1",
        "title": "Tee V1",
        "quantity": 2,
        "unit_price_minor": 1999,
    }
    assert PlatformOrder.from_data(data) == order


@pytest.mark.django_db
def test_adapter_for_builds_the_registered_adapter_with_plain_store_data():
    store = make_store(platform="medusa", domain="https://m.example", credentials={"api_key": "k"})

    adapter = adapter_for(store)

    assert type(adapter) is MedusaAdapter
    assert (adapter.context.platform, adapter.context.domain) == ("medusa", "https://m.example")
    assert adapter.context.credentials == {"api_key": "k"}  # decrypted from the store


def test_adapter_for_refuses_a_platform_without_a_registered_adapter():
    class StoreLike:
        platform, domain, currency = "test-platform", "https://t.example", "USD"

        def credentials_get(self):
            return {"token": "t"}

    abstract = set(StoreAdapter.__abstractmethods__)
    fake = type("Fake", (StoreAdapter,), dict.fromkeys(abstract, lambda *a, **k: None))
    register("test-platform")(fake)
    try:
        assert type(adapter_for(StoreLike())) is fake
    finally:
        unregister("test-platform")

    with pytest.raises(UnsupportedPlatform):
        adapter_for(StoreLike())
