"""The Sandbox store's merchant pages: connecting one, and listing variants on it."""

import pytest
from django.urls import reverse

from dropyard.orders.tests.factories import make_cart_variant
from dropyard.stores import services
from dropyard.stores.choices import ConnectionHow, ListingStatus, Platform, StoreStatus
from dropyard.stores.models import (
    ListingVariant,
    ProductConnection,
    SandboxShop,
    SandboxShopVariant,
    Store,
)
from dropyard.stores.tests.factories import make_store
from dropyard.stores.tests.sandbox_world import make_sandbox_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def test_stores_page_links_the_sandbox_connect_page(owner_client):
    page = owner_client.get(reverse("stores:list")).content.decode()

    assert reverse("stores:connect_sandbox") in page


def test_connect_sandbox_creates_an_authorized_store_with_a_storefront(owner_client, merchant):
    response = owner_client.post(reverse("stores:connect_sandbox"), {"name": " Sandy Shop "})

    store = Store.objects.get(merchant=merchant)
    assert response.status_code == 302
    assert response["Location"] == reverse("stores:sandbox_listing", args=[store.public_id])
    assert (store.platform, store.name, store.status) == (
        Platform.SANDBOX,
        "Sandy Shop",
        StoreStatus.AUTHORIZED,
    )
    assert SandboxShop.objects.filter(slug=store.domain).count() == 1
    page = owner_client.get(response["Location"]).content.decode()
    assert reverse("stores_public:storefront", args=[store.domain]) in page
    assert 'data-testid="listed-empty"' in page


def test_connect_sandbox_without_a_name_shows_the_error_and_creates_nothing(owner_client):
    response = owner_client.post(reverse("stores:connect_sandbox"), {"name": "   "})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert Store.objects.count() == 0
    assert SandboxShop.objects.count() == 0


def test_listing_page_lists_skus_at_their_prices_and_connects_them(owner_client, merchant):
    sw = make_sandbox_world(merchant)
    green, white = make_cart_variant(price_minor=500), make_cart_variant(price_minor=300)

    response = owner_client.post(
        reverse("stores:sandbox_listing", args=[sw.store.public_id]),
        {"lines": f"{green.sku} 12.50\n\n{white.public_id} 7"},
    )

    assert response.status_code == 302
    listed = ProductConnection.objects.filter(store=sw.store, how=ConnectionHow.LISTED)
    prices = {c.variant.sku: c.store_variant.price_minor for c in listed}
    assert prices[green.sku] == 1250
    assert prices[white.sku] == 700
    assert listed.count() == 4
    page = owner_client.get(response["Location"]).content.decode()
    assert "$12.50" in page
    assert "2 variants listed on Sandy Shop." in page


def test_a_line_without_a_price_is_listed_at_the_pricing_rules_price(owner_client, merchant):
    sw = make_sandbox_world(merchant)
    services.pricing_rule_create(
        merchant=merchant, actor=merchant.owner, multiplier_bp=25_000, add_minor=150
    )
    green, white = make_cart_variant(price_minor=840), make_cart_variant(price_minor=300)

    response = owner_client.post(
        reverse("stores:sandbox_listing", args=[sw.store.public_id]),
        {"lines": f"{green.sku}\n{white.sku} 7"},
    )

    assert response.status_code == 302
    listed = ProductConnection.objects.get(store=sw.store, variant=green)
    assert listed.store_variant.price_minor == 2299  # 8.40 × 2.5 + 1.50 = 22.50 → 22.99
    assert SandboxShopVariant.objects.get(sku=green.sku).price_minor == 2299
    rows = ListingVariant.objects.filter(listing__store=sw.store, variant__in=[green, white])
    assert sorted(
        (r.variant.sku, r.price_minor, r.price_manual, r.listing.status) for r in rows
    ) == sorted(
        [
            (green.sku, 2299, False, ListingStatus.LISTED),
            (white.sku, 700, True, ListingStatus.LISTED),
        ]
    )
    page = owner_client.get(reverse("stores:listings", args=[sw.store.public_id])).content.decode()
    assert page.count('data-testid="listing-row"') == 4  # red, blue (the world's), green, white


@pytest.mark.parametrize(
    ("lines", "error"),
    [
        ("NOPE-SKU 5", "No Dropyard variant has the SKU or id NOPE-SKU."),
        ("ONLYSKU 1 2", "Line 1: write a SKU and optionally a price, e.g. DYV00000012 19.99."),
        ("ONLYSKU", "No Dropyard variant has the SKU or id ONLYSKU."),
        ("X 1e9", "Line 1: the price must be between 0 and 1,000,000."),
        ("X abc", "Line 1: abc is not a price."),
        ("X -1", "Line 1: the price must be between 0 and 1,000,000."),
        ("", "This field is required."),
    ],
)
def test_listing_refusals_show_the_reason_and_list_nothing(owner_client, merchant, lines, error):
    sw = make_sandbox_world(merchant)
    before = ProductConnection.objects.filter(store=sw.store).count()

    response = owner_client.post(
        reverse("stores:sandbox_listing", args=[sw.store.public_id]), {"lines": lines}
    )

    assert response.status_code == 400
    assert error in response.content.decode().replace("&#x27;", "'")
    assert ProductConnection.objects.filter(store=sw.store).count() == before


def test_listing_page_of_another_platform_or_merchant_is_404(
    owner_client, merchant, other_merchant
):
    shopify = make_store(merchant=merchant, platform=Platform.SHOPIFY, domain="tee.myshopify.com")
    theirs = make_sandbox_world(other_merchant)

    for store in (shopify, theirs.store):
        url = reverse("stores:sandbox_listing", args=[store.public_id])
        assert owner_client.get(url).status_code == 404
        assert owner_client.post(url, {"lines": "X 1"}).status_code == 404
