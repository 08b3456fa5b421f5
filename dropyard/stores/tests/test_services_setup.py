import pytest

from dropyard.core.choices import AuditAction
from dropyard.core.models import AuditEvent
from dropyard.stores import services
from dropyard.stores.choices import StoreStatus
from dropyard.stores.exceptions import StoreDisconnected, StoreInvalid, StoreNotFound
from dropyard.stores.models import Store
from dropyard.stores.tests.factories import make_store


@pytest.mark.django_db
def test_connect_records_an_authorized_store_with_defaults(merchant):
    store = services.store_connect(
        merchant=merchant,
        actor=merchant.owner,
        platform="medusa",
        name=" My Medusa ",
        domain="HTTPS://Shop.Example.com/",
        currency="eur",
        credentials={"api_key": "sk_123"},
    )

    stored = Store.objects.get(pk=store.pk)
    assert (stored.name, stored.domain, stored.currency) == (
        "My Medusa",
        "https://shop.example.com",
        "EUR",
    )
    assert stored.status == StoreStatus.AUTHORIZED
    assert (stored.order_sync, stored.paid_orders_only, stored.inventory_sync) == (
        True,
        True,
        False,
    )
    assert (stored.tracking_push, stored.auto_pay, stored.auto_pay_daily_cap_minor) == (
        True,
        False,
        0,
    )
    event = AuditEvent.objects.get(action=AuditAction.STORE_CONNECTED)
    assert event.details == {"platform": "medusa", "domain": "https://shop.example.com"}
    assert "sk_123" not in str(event.details)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("platform", "ebay"),
        ("name", " "),
        ("domain", ""),
        ("currency", "US"),
        ("currency", "U5D"),
    ],
)
@pytest.mark.django_db
def test_connect_refuses_invalid_fields(merchant, field, value):
    fields = {"platform": "shopify", "name": "S", "domain": "s.myshopify.com", "currency": "USD"}
    fields[field] = value

    with pytest.raises(StoreInvalid) as exc:
        services.store_connect(merchant=merchant, actor=None, credentials={}, **fields)

    assert list(exc.value.extra["errors"]) == [field]
    assert Store.objects.count() == 0


@pytest.mark.django_db
def test_connect_refuses_the_same_live_shop_twice(merchant):
    make_store(merchant=merchant, domain="acme.myshopify.com")

    with pytest.raises(StoreInvalid, match="already connected"):
        make_store(merchant=merchant, domain="ACME.myshopify.com")

    assert Store.objects.count() == 1


@pytest.mark.django_db
def test_disconnect_wipes_credentials_and_keeps_the_reason(merchant):
    store = make_store(merchant=merchant)

    services.store_disconnect(
        store=store, merchant=merchant, actor=merchant.owner, reason="closing shop"
    )

    stored = Store.objects.get(pk=store.pk)
    assert (stored.status, stored.status_reason) == (StoreStatus.DISCONNECTED, "closing shop")
    assert stored.credentials_encrypted == ""
    assert stored.credentials_get() == {}
    with pytest.raises(StoreDisconnected):
        services.store_disconnect(store=store, merchant=merchant, actor=None)


@pytest.mark.django_db
def test_another_merchants_store_is_not_found(merchant, other_merchant):
    store = make_store(merchant=other_merchant)

    with pytest.raises(StoreNotFound):
        services.store_disconnect(store=store, merchant=merchant, actor=merchant.owner)
    with pytest.raises(StoreNotFound):
        services.store_settings_update(
            store=store, merchant=merchant, actor=merchant.owner, auto_pay=True
        )

    stored = Store.objects.get(pk=store.pk)
    assert (stored.status, stored.auto_pay) == (StoreStatus.AUTHORIZED, False)


@pytest.mark.django_db
def test_settings_update_changes_and_audits_only_what_changed(merchant):
    store = make_store(merchant=merchant)

    services.store_settings_update(
        store=store,
        merchant=merchant,
        actor=merchant.owner,
        auto_pay=True,
        auto_pay_daily_cap_minor=50_000,
        order_sync=True,
        tracking_url_template="https://track.example/{number}",
    )

    stored = Store.objects.get(pk=store.pk)
    assert (stored.auto_pay, stored.auto_pay_daily_cap_minor) == (True, 50_000)
    assert stored.tracking_url_template == "https://track.example/{number}"
    event = AuditEvent.objects.get(action=AuditAction.STORE_SETTINGS_CHANGED)
    assert event.details == {
        "changed": {
            "auto_pay": True,
            "auto_pay_daily_cap_minor": 50_000,
            "tracking_url_template": "https://track.example/{number}",
        }
    }


@pytest.mark.parametrize(
    "changes",
    [
        {"auto_pay_daily_cap_minor": -1},
        {"auto_pay_daily_cap_minor": "100"},
        {"tracking_url_template": "https://track.example/"},
        {"tracking_url_template": "ftp://x/{number}"},
        {"auto_pay": "yes"},
        {"credentials_encrypted": "x"},
        {"auto_pay": True, "name": ""},
    ],
)
@pytest.mark.django_db
def test_settings_update_refuses_invalid_values_and_changes_nothing(merchant, changes):
    store = make_store(merchant=merchant, name="Shop")

    with pytest.raises(StoreInvalid):
        services.store_settings_update(store=store, merchant=merchant, actor=None, **changes)

    stored = Store.objects.get(pk=store.pk)
    assert (stored.name, stored.auto_pay, stored.auto_pay_daily_cap_minor) == ("Shop", False, 0)
    assert stored.tracking_url_template == ""
    assert not AuditEvent.objects.filter(action=AuditAction.STORE_SETTINGS_CHANGED).exists()


@pytest.mark.django_db
def test_settings_of_a_disconnected_store_are_refused(merchant):
    store = make_store(merchant=merchant)
    services.store_disconnect(store=store, merchant=merchant, actor=None)

    with pytest.raises(StoreDisconnected):
        services.store_settings_update(store=store, merchant=merchant, actor=None, auto_pay=True)

    assert Store.objects.get(pk=store.pk).auto_pay is False
