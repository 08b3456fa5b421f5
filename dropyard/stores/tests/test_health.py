"""The connection-health page: unconnected variants that received orders, the orders held for
them with fix links, connected variants gone off sale, empty states and the store scope."""

import pytest
from django.urls import reverse

from dropyard.accounts.models import Membership
from dropyard.accounts.tests.factories import make_staff
from dropyard.orders.tests.factories import make_order_world
from dropyard.stores import services
from dropyard.stores.choices import ReceivedVia
from dropyard.stores.health import connection_health
from dropyard.stores.models import StoreOrder
from dropyard.stores.tests.factories import connect, import_variants, make_store, platform_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(merchant):
    return make_store(merchant=merchant, name="Tee Shop")


@pytest.fixture
def world():
    return make_order_world()


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner)
    return client


def _ingest(store, order_id, *lines):
    services.store_order_ingest(
        store=store, order=platform_order(order_id, *lines), via=ReceivedVia.WEBHOOK
    )
    return StoreOrder.objects.get(store=store, platform_order_id=order_id)


def _membership(merchant, user):
    return Membership.objects.get(merchant=merchant, user=user)


def test_health_reports_unconnected_held_and_off_sale(merchant, owner, store, world):
    v1, v2, v3 = import_variants(store, ("V1", "S-1"), ("V2", "S-2"), ("V3", "S-3"))
    connect(store, v2, world.red)
    connect(store, v3, world.blue)
    first = _ingest(store, "1001", ("V1", 2), ("V2", 1))  # held: V1 unconnected
    _ingest(store, "1002", ("V1", 1), ("V9", 1))  # held: V1 and V9 (never imported)
    _ingest(store, "1003", ("V2", 1))  # imported
    world.blue.product.is_on_sale = False
    world.blue.product.save(update_fields=["is_on_sale"])

    health = connection_health(membership=_membership(merchant, owner))

    assert [(u.platform_variant_id, u.orders, u.quantity, u.held) for u in health.unconnected] == [
        ("V1", 2, 3, 2),
        ("V9", 1, 1, 1),
    ]
    assert health.unconnected[0].store_variant == v1
    assert health.unconnected[1].store_variant is None
    assert [
        (h.order.platform_order_id, [m.platform_variant_id for m in h.missing]) for h in health.held
    ] == [("1002", ["V1", "V9"]), ("1001", ["V1"])]
    assert [c.store_variant for c in health.off_sale] == [v3]
    assert first.status == "held"
    assert not health.healthy


def test_a_disconnected_variant_with_recent_orders_shows(merchant, owner, store, world):
    (v1,) = import_variants(store, ("V1", "S-1"))
    connect(store, v1, world.red)
    _ingest(store, "1001", ("V1", 1))
    services.connection_delete(merchant=merchant, connection=v1.connection, actor=None)

    health = connection_health(membership=_membership(merchant, owner))

    assert [(u.platform_variant_id, u.orders, u.held) for u in health.unconnected] == [("V1", 1, 0)]
    assert health.held == []


def test_health_page_lists_with_fix_links(owner_client, store, world):
    (v1,) = import_variants(store, ("V1", "S-1"))
    _ingest(store, "1001", ("V1", 2))

    response = owner_client.get(reverse("stores:health"))

    html = response.content.decode()
    fix = reverse("stores:connections", args=[store.public_id]) + f"?sv={v1.pk}#sv-{v1.pk}"
    assert response.status_code == 200
    assert 'data-testid="unconnected-V1"' in html
    assert 'data-testid="held-1001"' in html
    assert html.count(f'href="{fix}"') == 2
    assert 'data-testid="empty-offsale"' in html
    assert 'data-testid="healthy"' not in html
    fixed = owner_client.get(fix).content.decode()
    assert fixed.count('data-testid="variant-V') == 1
    assert f'id="sv-{v1.pk}" data-testid="variant-V1"' in fixed


def test_health_page_empty_state(owner_client, store):
    response = owner_client.get(reverse("stores:health") + f"?store={store.public_id}")

    html = response.content.decode()
    assert response.status_code == 200
    for testid in ("healthy", "empty-unconnected", "empty-held", "empty-offsale"):
        assert f'data-testid="{testid}"' in html


def test_connecting_from_the_fix_link_clears_the_page(owner_client, merchant, owner, store, world):
    (v1,) = import_variants(store, ("V1", "S-1"))
    _ingest(store, "1001", ("V1", 2))

    connect(store, v1, world.red)

    health = connection_health(membership=_membership(merchant, owner))
    assert (health.unconnected, health.held) == ([], [])
    assert StoreOrder.objects.get().status == "imported"


def test_health_is_limited_to_the_staff_members_stores(client, merchant, store, world):
    other = make_store(merchant=merchant, name="Other")
    import_variants(store, ("V1", "S-1"))
    import_variants(other, ("V2", "S-2"))
    _ingest(store, "1001", ("V1", 1))
    _ingest(other, "2001", ("V2", 1))
    user = make_staff(merchant=merchant, permissions=["stores"])
    Membership.objects.filter(user=user).update(store_ids=[store.pk])
    client.force_login(user)

    response = client.get(reverse("stores:health"))

    html = response.content.decode()
    assert 'data-testid="held-1001"' in html
    assert 'data-testid="held-2001"' not in html
    assert client.get(reverse("stores:health") + f"?store={other.public_id}").status_code == 404


def test_another_merchants_store_is_404_and_never_listed(client, other_merchant, store, world):
    import_variants(store, ("V1", "S-1"))
    _ingest(store, "1001", ("V1", 1))
    client.force_login(other_merchant.owner)

    assert client.get(reverse("stores:health") + f"?store={store.public_id}").status_code == 404
    response = client.get(reverse("stores:health"))
    assert 'data-testid="healthy"' in response.content.decode()
