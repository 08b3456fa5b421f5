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


def _rows(response, name: str) -> list:
    return list(response.context[f"{name}_page"].object_list)


def test_health_tables_sort_both_ways(owner_client, store, world):
    import_variants(store, ("VA", "S-A"), ("VB", "S-B"))
    _ingest(store, "1001", ("VB", 1))
    _ingest(store, "1002", ("VA", 1), ("VB", 1))
    url = reverse("stores:health")

    default = owner_client.get(url)
    by_title = owner_client.get(url, {"usort": "title"})
    by_orders = owner_client.get(url, {"usort": "orders"})
    held_up = owner_client.get(url, {"hsort": "order"})
    held_down = owner_client.get(url, {"hsort": "-order"})

    assert [r.platform_variant_id for r in _rows(default, "unconnected")] == ["VB", "VA"]
    assert [r.platform_variant_id for r in _rows(by_title, "unconnected")] == ["VA", "VB"]
    assert [r.platform_variant_id for r in _rows(by_orders, "unconnected")] == ["VA", "VB"]
    assert [h.order.platform_order_id for h in _rows(held_up, "held")] == ["1001", "1002"]
    assert [h.order.platform_order_id for h in _rows(held_down, "held")] == ["1002", "1001"]
    assert 'data-label="Held"' in default.content.decode()  # phone cards name each cell


def test_health_tables_page_each_on_its_own(owner_client, store, world):
    import_variants(store, *[(f"V{n:02}", f"S-{n}") for n in range(26)])
    for n in range(26):
        _ingest(store, f"{1000 + n}", (f"V{n:02}", 1))
    url = reverse("stores:health")

    first = owner_client.get(url)
    second = owner_client.get(url, {"upage": "2"})

    assert len(_rows(first, "unconnected")) == 25
    assert len(_rows(second, "unconnected")) == 1
    assert len(_rows(second, "held")) == 25  # the held orders stay on their first page
    assert owner_client.get(url, {"upage": "x", "hsort": "nope"}).status_code == 200


def test_health_htmx_sort_answers_only_its_table(owner_client, store, world):
    import_variants(store, ("V1", "S-1"))
    _ingest(store, "1001", ("V1", 2))

    response = owner_client.get(
        reverse("stores:health"), {"hsort": "order"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="held"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('id="held"') == 1
    assert 'data-testid="held-1001"' in html
    assert 'id="unconnected"' not in html
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_health_of_one_store_leaves_out_the_store_column(owner_client, store, world):
    import_variants(store, ("V1", "S-1"))
    _ingest(store, "1001", ("V1", 2))
    url = reverse("stores:health")

    everything = owner_client.get(url).content.decode()
    one = owner_client.get(url, {"store": store.public_id}).content.decode()

    assert 'data-label="Store"' in everything
    assert 'data-label="Store"' not in one
    assert 'data-testid="unconnected-V1"' in one


def test_health_page_lists_an_off_sale_connection_with_replace(owner_client, store, world):
    from dropyard.catalog.models import Variant

    (v1,) = import_variants(store, ("V1", "S-1"))
    connect(store, v1, world.red)
    Variant.objects.filter(pk=world.red.pk).update(is_on_sale=False)

    html = owner_client.get(reverse("stores:health")).content.decode()

    fix = reverse("stores:connections", args=[store.public_id]) + f"?sv={v1.pk}#sv-{v1.pk}"
    assert 'data-testid="offsale-V1"' in html
    assert f'<a class="btn btn-outline-primary btn-sm" href="{fix}">Replace</a>' in html
    assert f'<span class="font-monospace small">{world.red.sku}</span>' in html
    assert 'data-testid="empty-offsale"' not in html
