"""Connection suggestions: candidates from the merchant's pool and the catalog index, scores,
the threshold and the top three, and the one-click connect that releases held orders."""

import pytest
from django.test import Client
from django.urls import reverse

from dropyard.accounts.models import Membership
from dropyard.accounts.tests.factories import make_staff
from dropyard.catalog.models import MyProduct, Variant
from dropyard.catalog.tests.factories import make_product
from dropyard.orders.models import Order
from dropyard.stores import services, suggestions
from dropyard.stores.choices import ConnectionHow, ReceivedVia, StoreOrderStatus
from dropyard.stores.models import ProductConnection, StoreOrder, StoreVariant
from dropyard.stores.tests.factories import make_store, platform_order, platform_variant

pytestmark = pytest.mark.django_db


def _product(name: str, *colours: str):
    product = make_product(name=name, variants=len(colours) or 1)
    for variant, colour in zip(
        product.variants.order_by("position"), colours or ("",), strict=True
    ):
        Variant.objects.filter(pk=variant.pk).update(options={"Color": colour} if colour else {})
    return product


def _store_variant(store, variant_id: str, title: str, variant_title: str = "") -> StoreVariant:
    services.store_catalog_import(
        store=store,
        variants=[
            platform_variant(
                variant_id, f"S-{variant_id}", title=title, variant_title=variant_title
            )
        ],
    )
    return StoreVariant.objects.get(store=store, platform_variant_id=variant_id)


@pytest.fixture
def store(merchant):
    return make_store(merchant=merchant, name="Tee Shop")


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


# --- Pure helpers ------------------------------------------------------------------------------


def test_title_words_keep_the_telling_words_longest_first():
    assert suggestions.title_words("The NEW Linen tee, 2 pcs - Linen / XL 2026") == [
        "linen",
        "tee",
    ]
    assert suggestions.title_words("a b 12") == []


# --- Scores and threshold ----------------------------------------------------------------------


def test_suggests_the_matching_variant_with_its_score(merchant, store):
    tee = _product("Linen Summer Tee", "Red", "Blue")
    _product("Ceramic Coffee Mug")
    sv = _store_variant(store, "V1", "Linen Summer Tee", "Blue")

    found = suggestions.suggestions_for(merchant=merchant, store_variants=[sv])

    blue = tee.variants.get(options={"Color": "Blue"})
    assert [(s.variant, s.score, s.source) for s in found[sv.pk]] == [(blue, 100, "catalog")]


def test_keeps_only_the_best_three_above_the_threshold(merchant, store):
    exact = _product("Bamboo Cutting Board")
    fourth = _product("Bamboo Cutting Board Large")
    closer = _product("Bamboo Cutting Boards")
    close = _product("Bamboo Cutting Board XL")
    _product("Bamboo Cutting Board Set With Juice Groove And Handles For Kitchen")  # 47
    _product("Bamboo Toothbrush")  # shares a word, scores 54: under the threshold
    sv = _store_variant(store, "V1", "Bamboo Cutting Board")

    found = suggestions.suggestions_for(merchant=merchant, store_variants=[sv])[sv.pk]

    # "fourth" scores 87: above the threshold, but fourth.
    assert [(s.variant.product, s.score) for s in found] == [
        (exact, 100),
        (closer, 98),
        (close, 93),
    ]
    assert fourth not in [s.variant.product for s in found]


def test_threshold_leaves_unlike_titles_without_suggestions(merchant, store):
    _product("Ceramic Coffee Mug")
    sv = _store_variant(store, "V1", "Wireless Gaming Mouse")

    assert suggestions.suggestions_for(merchant=merchant, store_variants=[sv]) == {sv.pk: []}


def test_the_merchants_pool_comes_first_and_is_labelled(merchant, owner, store):
    saved = _product("Velvet Hair Scrunchie")
    MyProduct.objects.create(merchant=merchant, product=saved)
    sv = _store_variant(store, "V1", "Velvet Hair Scrunchie")

    (suggestion,) = suggestions.suggestions_for(merchant=merchant, store_variants=[sv])[sv.pk]

    assert (suggestion.variant.product, suggestion.source) == (saved, "my products")


def test_pool_needs_no_index_match(merchant, store, monkeypatch):
    """Saved and ordered products are candidates whatever the index finds (here: nothing)."""
    saved = _product("Tshirt Oversize")
    MyProduct.objects.create(merchant=merchant, product=saved)
    monkeypatch.setattr(suggestions, "catalog_candidates", lambda title: [])
    sv = _store_variant(store, "V1", "T-Shirt Oversize")

    (suggestion,) = suggestions.suggestions_for(merchant=merchant, store_variants=[sv])[sv.pk]

    assert (suggestion.variant.product, suggestion.source) == (saved, "my products")
    assert suggestion.score == 90


def test_ordered_products_are_in_the_pool(merchant, store, monkeypatch):
    from dropyard.orders.tests.factories import make_order_world
    from dropyard.stores.tests.factories import connect

    world = make_order_world()
    bought = StoreVariant.objects.get(pk=_store_variant(store, "V0", "Anything").pk)
    connect(store, bought, world.red)
    services.store_order_ingest(
        store=store, order=platform_order("1", ("V0", 1)), via=ReceivedVia.WEBHOOK
    )
    monkeypatch.setattr(suggestions, "catalog_candidates", lambda title: [])
    sv = _store_variant(store, "V1", world.red.product.name)

    found = suggestions.suggestions_for(merchant=merchant, store_variants=[sv])[sv.pk]

    assert [(s.variant, s.source) for s in found] == [(world.red, "ordered")]


def test_off_sale_products_are_never_suggested(merchant, store):
    gone = _product("Linen Summer Tee")
    gone.is_on_sale = False
    gone.save(update_fields=["is_on_sale"])
    MyProduct.objects.create(merchant=merchant, product=gone)
    sv = _store_variant(store, "V1", "Linen Summer Tee")

    assert suggestions.suggestions_for(merchant=merchant, store_variants=[sv]) == {sv.pk: []}


def test_connected_variants_get_no_suggestions(merchant, store):
    tee = _product("Linen Summer Tee")
    sv = _store_variant(store, "V1", "Linen Summer Tee")
    services.connection_create(
        merchant=merchant, store_variant=sv, variant=tee.variants.get(), actor=None
    )
    sv = StoreVariant.objects.select_related("connection").get(pk=sv.pk)

    assert suggestions.suggestions_for(merchant=merchant, store_variants=[sv]) == {}


# --- The connections page and the one-click connect ---------------------------------------------


def test_connections_page_shows_suggestions_with_a_connect_button(owner_client, store):
    tee = _product("Linen Summer Tee", "Red")
    sv = _store_variant(store, "V1", "Linen Summer Tee", "Red")

    response = owner_client.get(reverse("stores:connections", args=[store.public_id]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="suggestions-V1"' in html
    assert reverse("stores:suggestion_accept", args=[store.public_id, sv.pk]) in html
    assert f'name="vid" value="{tee.variants.get().public_id}"' in html
    assert ">100</span> Linen Summer Tee" in html


def test_accepting_a_suggestion_connects_and_releases_held_orders(owner_client, store, merchant):
    from dropyard.orders.tests.factories import make_order_world

    world = make_order_world()
    sv = _store_variant(store, "V1", "Linen Summer Tee")
    services.store_order_ingest(
        store=store, order=platform_order("1001", ("V1", 1)), via=ReceivedVia.WEBHOOK
    )
    url = reverse("stores:suggestion_accept", args=[store.public_id, sv.pk])

    response = owner_client.post(url, {"vid": world.red.public_id, "query": "show=unconnected"})

    assert response.status_code == 302
    assert response["Location"] == (
        reverse("stores:connections", args=[store.public_id]) + "?show=unconnected"
    )
    connection = ProductConnection.objects.get()
    assert (connection.store_variant, connection.variant, connection.how) == (
        sv,
        world.red,
        ConnectionHow.SUGGESTED,
    )
    row = StoreOrder.objects.get()
    assert row.status == StoreOrderStatus.IMPORTED
    assert Order.objects.get() == row.order


def test_accept_refuses_get_unknown_variant_and_other_merchants(
    client, owner_client, store, other_merchant
):
    tee = _product("Linen Summer Tee")
    sv = _store_variant(store, "V1", "Linen Summer Tee")
    url = reverse("stores:suggestion_accept", args=[store.public_id, sv.pk])

    assert owner_client.get(url).status_code == 405
    owner_client.post(url, {"vid": "nope"})
    assert not ProductConnection.objects.exists()

    client.force_login(other_merchant.owner)
    assert client.post(url, {"vid": tee.variants.get().public_id}).status_code == 404
    assert not ProductConnection.objects.exists()


def test_accept_needs_the_csrf_token(owner, store):
    tee = _product("Linen Summer Tee")
    sv = _store_variant(store, "V1", "Linen Summer Tee")
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)

    response = client.post(
        reverse("stores:suggestion_accept", args=[store.public_id, sv.pk]),
        {"vid": tee.variants.get().public_id},
    )

    assert response.status_code == 403
    assert not ProductConnection.objects.exists()


def test_accept_outside_a_staff_members_stores_is_404(client, merchant, store):
    tee = _product("Linen Summer Tee")
    sv = _store_variant(store, "V1", "Linen Summer Tee")
    mine = make_store(merchant=merchant, name="Mine")
    user = make_staff(merchant=merchant, permissions=["stores"])
    Membership.objects.filter(user=user).update(store_ids=[mine.pk])
    client.force_login(user)

    response = client.post(
        reverse("stores:suggestion_accept", args=[store.public_id, sv.pk]),
        {"vid": tee.variants.get().public_id},
    )

    assert response.status_code == 404
    assert not ProductConnection.objects.exists()
