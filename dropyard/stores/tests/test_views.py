"""Merchant store pages: scoping (merchant and a staff member's store scope), the stores page,
settings and their errors, the confirmed disconnect, connections and held orders."""

import pytest
from django.urls import reverse

from dropyard.accounts.models import Membership
from dropyard.accounts.tests.factories import make_staff
from dropyard.orders.models import Order
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import services, views
from dropyard.stores.choices import Platform, ReceivedVia, StoreOrderStatus, StoreStatus
from dropyard.stores.models import ProductConnection, Store, StoreOrder
from dropyard.stores.tests.factories import connect, import_variants, make_store, platform_order

pytestmark = pytest.mark.django_db

SECRET = "shpat_top_secret_value"


@pytest.fixture
def store(merchant):
    return make_store(merchant=merchant, name="Tee Shop", credentials={"access_token": SECRET})


@pytest.fixture
def shop():
    return make_order_world()


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def _settings(**overrides) -> dict:
    data = {
        "name": "Tee Shop",
        "order_sync": "on",
        "paid_orders_only": "on",
        "tracking_push": "on",
        "tracking_url_template": "",
        "auto_pay_daily_cap": "0",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _held(store, order_id="1001", variant_id="V1"):
    services.store_order_ingest(
        store=store, order=platform_order(order_id, (variant_id, 1)), via=ReceivedVia.WEBHOOK
    )
    return StoreOrder.objects.get(store=store, platform_order_id=order_id)


# --- Scoping and permissions ---------------------------------------------------------------------


def test_another_merchants_store_is_404_for_every_page(client, store, other_merchant):
    (sv,) = import_variants(store, ("V1", "SKU-1"))
    client.force_login(other_merchant.owner)
    pages = ("detail", "disconnect", "connections", "connections_by_sku")

    for name in pages:
        url = reverse(f"stores:{name}", args=[store.public_id])
        assert (client.get(url).status_code, client.post(url).status_code) == (404, 404)
    for name in ("connection_create", "connection_delete"):
        url = reverse(f"stores:{name}", args=[store.public_id, sv.pk])
        assert client.post(url, {"variant": "X"}).status_code == 404
    assert client.get(reverse("stores:held") + f"?store={store.public_id}").status_code == 404
    store.refresh_from_db()
    assert store.status == StoreStatus.AUTHORIZED


def test_another_stores_variant_is_404_under_this_store(owner_client, merchant, store):
    other = make_store(merchant=merchant)
    (sv,) = import_variants(other, ("V1", "SKU-1"))

    url = reverse("stores:connection_create", args=[store.public_id, sv.pk])

    assert owner_client.post(url, {"variant": "X"}).status_code == 404


def test_staff_without_the_stores_area_is_refused(client, merchant, store):
    client.force_login(make_staff(merchant=merchant, permissions=["orders"]))

    assert client.get(reverse("stores:list")).status_code == 403
    assert client.get(reverse("stores:detail", args=[store.public_id])).status_code == 403
    assert client.get(reverse("stores:held")).status_code == 403


def test_staff_limited_to_some_stores_sees_only_those(client, merchant, store):
    other = make_store(merchant=merchant, name="Hidden Shop")
    user = make_staff(merchant=merchant, permissions=["stores"])
    Membership.objects.filter(user=user).update(store_ids=[store.pk])
    client.force_login(user)

    response = client.get(reverse("stores:list"))

    assert [s.public_id for s in response.context["page"].object_list] == [store.public_id]
    assert client.get(reverse("stores:detail", args=[store.public_id])).status_code == 200
    assert client.get(reverse("stores:detail", args=[other.public_id])).status_code == 404


# --- Stores page ---------------------------------------------------------------------------------


def test_stores_page_empty_state_and_platform_cards(owner_client):
    response = owner_client.get(reverse("stores:list"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="empty-state"' in html
    assert "You have no connected store yet." in html
    assert [(c.platform, c.store_count) for c in response.context["cards"]] == [
        ("sandbox", 0),
        ("shopify", 0),
        ("medusa", 0),
    ]
    assert "coming soon" not in html.lower()


def test_platform_card_links_its_connect_page_only_once_it_exists(owner_client, monkeypatch):
    html = owner_client.get(reverse("stores:list")).content.decode()
    assert f'href="{reverse("stores:connect_shopify")}">Connect a Shopify</a>' in html
    assert f'href="{reverse("stores:connect_medusa")}">Connect a Medusa</a>' in html
    assert f'href="{reverse("stores:connect_sandbox")}">Connect a Sandbox store</a>' in html

    monkeypatch.setattr(views, "PLATFORMS", [(Platform.SANDBOX, "stores:held", "Practice.")])
    html = owner_client.get(reverse("stores:list")).content.decode()

    assert f'href="{reverse("stores:held")}">Connect a Sandbox store</a>' in html


def test_stores_page_lists_own_stores_with_counts_and_no_credentials(
    owner_client, merchant, store, other_merchant, shop
):
    make_store(merchant=other_merchant, name="Not Mine")
    sv1, _sv2 = import_variants(store, ("V1", shop.red.sku), ("V2", "NOPE"))
    connect(store, sv1, shop.red)
    _held(store, "1001", "V2")
    Store.objects.filter(pk=store.pk).update(last_error="HTTP 502 from the store")

    response = owner_client.get(reverse("stores:list"))

    html = response.content.decode()
    (row,) = response.context["page"].object_list
    assert (row.name, row.connected_count, row.held_count) == ("Tee Shop", 1, 1)
    assert "HTTP 502 from the store" in html
    assert "Not Mine" not in html
    assert SECRET not in html
    assert response.context["held_count"] == 1


def test_disconnected_stores_show_only_when_asked(owner_client, merchant, owner, store):
    services.store_disconnect(store=store, merchant=merchant, actor=owner, reason="closed")

    assert list(owner_client.get(reverse("stores:list")).context["page"].object_list) == []
    response = owner_client.get(reverse("stores:list") + "?status=disconnected")
    assert [s.status for s in response.context["page"].object_list] == [StoreStatus.DISCONNECTED]
    assert "closed" in response.content.decode()


# --- Settings and disconnect ---------------------------------------------------------------------


def test_settings_page_renders_and_saves(owner_client, store):
    url = reverse("stores:detail", args=[store.public_id])
    page = owner_client.get(url)
    assert page.status_code == 200
    assert SECRET not in page.content.decode()

    response = owner_client.post(
        url,
        _settings(
            order_sync=None,
            inventory_sync="on",
            tracking_url_template="https://t.example.com/{number}",
            auto_pay="on",
            auto_pay_daily_cap="125.50",
        ),
    )

    assert response.status_code == 302
    store.refresh_from_db()
    assert (
        store.order_sync,
        store.paid_orders_only,
        store.inventory_sync,
        store.tracking_url_template,
        store.auto_pay,
        store.auto_pay_daily_cap_minor,
    ) == (False, True, True, "https://t.example.com/{number}", True, 12550)


def test_settings_service_refusal_shows_on_the_field(owner_client, store):
    url = reverse("stores:detail", args=[store.public_id])

    response = owner_client.post(url, _settings(tracking_url_template="https://t.example.com/x"))

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "tracking_url_template": ["Must contain {number} and be at most 300 characters"]
    }
    assert 'data-testid="field-error-tracking_url_template"' in response.content.decode()
    store.refresh_from_db()
    assert store.tracking_url_template == ""


def test_settings_form_refuses_a_negative_cap(owner_client, store):
    url = reverse("stores:detail", args=[store.public_id])

    response = owner_client.post(url, _settings(auto_pay_daily_cap="-1"))

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["auto_pay_daily_cap"]
    store.refresh_from_db()
    assert store.auto_pay_daily_cap_minor == 0


def test_disconnect_needs_the_confirmation_post(owner_client, store):
    url = reverse("stores:disconnect", args=[store.public_id])
    assert owner_client.get(url).status_code == 200

    assert owner_client.post(url).status_code == 400
    assert owner_client.post(url, {"confirm": "yes"}).status_code == 400
    store.refresh_from_db()
    assert store.status == StoreStatus.AUTHORIZED

    response = owner_client.post(url, {"confirm": "disconnect", "reason": "moving"})

    assert response.status_code == 302
    assert response["Location"] == reverse("stores:list")
    store.refresh_from_db()
    assert (store.status, store.status_reason, store.credentials_encrypted) == (
        StoreStatus.DISCONNECTED,
        "moving",
        "",
    )


def test_disconnected_store_page_has_no_settings_form(owner_client, merchant, owner, store):
    services.store_disconnect(store=store, merchant=merchant, actor=owner)

    html = owner_client.get(reverse("stores:detail", args=[store.public_id])).content.decode()

    assert 'data-testid="settings-form"' not in html
    assert 'data-testid="disconnected-note"' in html


# --- Connections ---------------------------------------------------------------------------------


def test_connections_page_lists_variants_and_filters(owner_client, store, shop):
    sv1, _sv2 = import_variants(store, ("V1", shop.red.sku), ("V2", "NOPE"))
    connect(store, sv1, shop.red)
    url = reverse("stores:connections", args=[store.public_id])

    response = owner_client.get(url)
    unconnected = owner_client.get(url + "?show=unconnected")
    connected = owner_client.get(url + "?show=connected")

    assert [v.platform_variant_id for v in response.context["page"]] == ["V1", "V2"]
    assert shop.red.sku in response.content.decode()
    assert [v.platform_variant_id for v in unconnected.context["page"]] == ["V2"]
    assert [v.platform_variant_id for v in connected.context["page"]] == ["V1"]


def test_connections_page_is_paginated(owner_client, store):
    import_variants(store, *[(f"V{i:02d}", f"S{i}") for i in range(30)])
    url = reverse("stores:connections", args=[store.public_id])

    first = owner_client.get(url)
    second = owner_client.get(url + "?page=2")

    assert (len(first.context["page"]), len(second.context["page"])) == (25, 5)


def test_connect_by_sku_connects_and_releases_held_orders(owner_client, store, shop):
    import_variants(store, ("V1", shop.red.sku), ("V2", "NOPE"))
    held = _held(store, "1001", "V1")
    url = reverse("stores:connections_by_sku", args=[store.public_id])

    assert owner_client.get(url).status_code == 405
    response = owner_client.post(url, {"query": "show=unconnected&next=//evil.example"})

    assert response.status_code == 302
    assert response["Location"] == (
        reverse("stores:connections", args=[store.public_id]) + "?show=unconnected"
    )
    assert list(ProductConnection.objects.values_list("store_variant__sku", flat=True)) == [
        shop.red.sku
    ]
    held.refresh_from_db()
    assert held.status == StoreOrderStatus.IMPORTED
    assert Order.objects.filter(pk=held.order_id).exists()


def test_manual_connect_by_sku_or_vid_and_disconnect(owner_client, store, shop):
    sv1, sv2 = import_variants(store, ("V1", "X1"), ("V2", "X2"))

    owner_client.post(
        reverse("stores:connection_create", args=[store.public_id, sv1.pk]),
        {"variant": shop.red.sku},
    )
    owner_client.post(
        reverse("stores:connection_create", args=[store.public_id, sv2.pk]),
        {"variant": shop.blue.public_id},
    )

    assert dict(ProductConnection.objects.values_list("store_variant_id", "variant_id")) == {
        sv1.pk: shop.red.pk,
        sv2.pk: shop.blue.pk,
    }
    response = owner_client.post(
        reverse("stores:connection_delete", args=[store.public_id, sv1.pk])
    )
    assert response.status_code == 302
    assert list(ProductConnection.objects.values_list("store_variant_id", flat=True)) == [sv2.pk]


def test_manual_connect_unknown_variant_is_a_message(owner_client, store):
    (sv,) = import_variants(store, ("V1", "X1"))

    response = owner_client.post(
        reverse("stores:connection_create", args=[store.public_id, sv.pk]),
        {"variant": "NO-SUCH"},
        follow=True,
    )

    assert "No Dropyard variant has the SKU or id NO-SUCH." in response.content.decode()
    assert ProductConnection.objects.count() == 0


def test_manual_connect_of_a_connected_variant_is_refused(owner_client, store, shop):
    (sv,) = import_variants(store, ("V1", "X1"))
    connect(store, sv, shop.red)

    response = owner_client.post(
        reverse("stores:connection_create", args=[store.public_id, sv.pk]),
        {"variant": shop.blue.sku},
        follow=True,
    )

    assert "is already connected" in response.content.decode()
    assert list(ProductConnection.objects.values_list("variant_id", flat=True)) == [shop.red.pk]


# --- Held orders ---------------------------------------------------------------------------------


def test_held_list_shows_reason_and_fix_link(owner_client, merchant, store, other_merchant):
    import_variants(store, ("V1", "X1"))
    held = _held(store, "1001", "V1")
    other_store = make_store(merchant=other_merchant)
    _held(other_store, "9009", "V9")

    response = owner_client.get(reverse("stores:held"))

    html = response.content.decode()
    assert [o.pk for o in response.context["page"]] == [held.pk]
    assert held.hold_reason in html
    assert reverse("stores:connections", args=[store.public_id]) + "?show=unconnected" in html
    assert "#9009" not in html


def test_held_list_empty_state_and_per_store(owner_client, store):
    response = owner_client.get(reverse("stores:held") + f"?store={store.public_id}")

    assert response.status_code == 200
    assert response.context["store"] == store
    assert 'data-testid="empty-state"' in response.content.decode()


def test_disconnected_store_refuses_connections(owner_client, merchant, owner, store, shop):
    (sv,) = import_variants(store, ("V1", shop.red.sku))
    services.store_disconnect(store=store, merchant=merchant, actor=owner)

    page = owner_client.get(reverse("stores:connections", args=[store.public_id]))
    response = owner_client.post(
        reverse("stores:connection_create", args=[store.public_id, sv.pk]),
        {"variant": shop.red.sku},
        follow=True,
    )

    assert "Connect by SKU" not in page.content.decode()
    assert "is disconnected" in response.content.decode()
    assert ProductConnection.objects.count() == 0
