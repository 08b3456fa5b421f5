"""The Sandbox storefront's pages: listing, cart, checkout validation, CSRF, not-found."""

import pytest
from django.test import Client
from django.urls import reverse

from dropyard.stores.models import SandboxShopOrder, SandboxShopProduct
from dropyard.stores.tests.sandbox_world import (
    SHOPPER,
    buy,
    make_sandbox_world,
    shop_variant_id,
    webhook_tasks,
)


@pytest.fixture
def sw(merchant):
    return make_sandbox_world(merchant)


def _url(name, sw, **kwargs):
    return reverse(f"stores_public:{name}", kwargs={"slug": sw.shop.slug, **kwargs})


@pytest.mark.django_db
def test_the_home_page_lists_the_listed_products_with_prices_and_the_sandbox_label(client, sw):
    SandboxShopProduct.objects.filter(variants__sku=sw.world.blue.sku).update(listed=False)

    response = client.get(_url("storefront", sw))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="sandbox-store-banner"' in html
    assert html.count('data-testid="storefront-product"') == 1
    assert 'data-testid="product-price">19.99 USD</p>' in html
    assert sw.world.red.product.name in html
    assert sw.world.blue.product.name not in html


@pytest.mark.django_db
def test_an_unknown_shop_or_product_is_not_found(client, sw):
    unknown = client.get(reverse("stores_public:storefront", kwargs={"slug": "no-such-shop"}))
    product = client.get(_url("storefront_product", sw, pk=999999))

    assert (unknown.status_code, product.status_code) == (404, 404)


@pytest.mark.django_db
def test_add_to_cart_shows_the_line_and_the_total(client, sw):
    client.post(
        _url("storefront_cart_add", sw),
        {"variant": shop_variant_id(sw, sw.world.red.sku), "quantity": 3},
    )

    html = client.get(_url("storefront_cart", sw)).content.decode()

    assert 'data-testid="cart-total">59.97 USD</th>' in html
    assert 'data-testid="checkout-form"' in html


@pytest.mark.django_db
def test_a_quantity_out_of_range_is_refused_with_a_message(client, sw):
    response = client.post(
        _url("storefront_cart_add", sw),
        {"variant": shop_variant_id(sw, sw.world.red.sku), "quantity": 21},
        follow=True,
    )

    assert "The quantity must be between 1 and 20." in response.content.decode()
    assert "sandbox_cart:" + sw.shop.slug not in client.session


@pytest.mark.django_db
def test_checkout_with_an_invalid_address_shows_the_errors_and_places_nothing(
    client, sw, tasks, django_capture_on_commit_callbacks
):
    response = buy(
        client,
        sw,
        django_capture_on_commit_callbacks,
        (sw.world.red.sku, 1),
        province="",
        zip="ABC",
        email="not-an-email",
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert 'field-error-province">A province or state is required for US.<' in html
    assert 'field-error-zip">&#x27;ABC&#x27; is not a valid US postcode' in html
    assert 'data-testid="field-error-email">Enter a valid email address.' in html
    assert SandboxShopOrder.objects.count() == 0
    assert webhook_tasks(tasks) == []


@pytest.mark.django_db
def test_checkout_with_an_empty_cart_places_nothing(client, sw):
    response = client.post(_url("storefront_checkout", sw), SHOPPER, follow=True)

    assert "Your cart is empty." in response.content.decode()
    assert SandboxShopOrder.objects.count() == 0


@pytest.mark.django_db
def test_checkout_empties_the_cart_and_the_order_page_needs_the_token(
    client, sw, django_capture_on_commit_callbacks
):
    buy(client, sw, django_capture_on_commit_callbacks, (sw.world.red.sku, 1))
    order = SandboxShopOrder.objects.get()

    cart = client.get(_url("storefront_cart", sw)).content.decode()
    page = client.get(_url("storefront_order", sw, token=order.token))
    guessed = client.get(_url("storefront_order", sw, token=str(order.pk)))

    assert 'data-testid="empty-state"' in cart
    assert page.status_code == 200
    assert "Order #1001" in page.content.decode()
    assert guessed.status_code == 404


@pytest.mark.django_db
def test_the_storefront_forms_need_the_csrf_token(sw):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        _url("storefront_cart_add", sw),
        {"variant": shop_variant_id(sw, sw.world.red.sku), "quantity": 1},
    )

    assert response.status_code == 403
