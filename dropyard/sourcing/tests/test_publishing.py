import pytest

from dropyard.catalog.tests.factories import make_category_path
from dropyard.inventory.models import Stock
from dropyard.inventory.tests.factories import WarehouseFactory, make_supplier_warehouse
from dropyard.sourcing import services_requests as svc
from dropyard.sourcing.choices import SourcingStatus
from dropyard.sourcing.models import SourcingEvent
from dropyard.sourcing.publishing import sourcing_publish
from dropyard.stores.models import ProductConnection
from dropyard.stores.tests.factories import import_variants, make_store

pytestmark = pytest.mark.django_db


def _claimed(merchant, owner, agent, **fields):
    request = svc.sourcing_request_create(
        merchant=merchant,
        actor=owner,
        product_name="Silicone phone stand",
        source_url="https://detail.1688.com/offer/1.html",
        **fields,
    ).request
    svc.sourcing_claim(request=request, actor=agent)
    request.refresh_from_db()
    return request


def _publish(request, agent, **fields):
    fields.setdefault("name", "Phone stand")
    fields.setdefault("category", make_category_path())
    fields.setdefault("price_minor", 420)
    fields.setdefault("weight_g", 90)
    return sourcing_publish(request=request, actor=agent, **fields)


def test_publish_private_with_variants_and_supplier_stock(assigned, owner, agent):
    request = _claimed(assigned, owner, agent)
    warehouse = make_supplier_warehouse()
    quote = svc.sourcing_quote_add(
        request=request,
        actor=agent,
        supplier_name="Yiwu Co",
        unit_price_minor=180,
        supplier_id=warehouse.supplier_id,
    )
    request.refresh_from_db()

    done = _publish(
        request,
        agent,
        variant_names=["Black", "White"],
        hs_code="392690",
        quote=quote,
        stock_quantity=50,
        warehouse=WarehouseFactory(),
    )

    product = done.product
    request.refresh_from_db()
    assert (request.status, request.product, request.variant) == (
        SourcingStatus.PUBLISHED,
        product,
        done.variant,
    )
    assert (product.private_for, product.hs_code, product.supplier_id) == (
        assigned,
        "392690",
        warehouse.supplier_id,
    )
    assert [(v.options, v.price_minor, v.weight_g) for v in product.variants.order_by("pk")] == [
        ({"Variant": "Black"}, 420, 90),
        ({"Variant": "White"}, 420, 90),
    ]
    stock = Stock.objects.get(variant=done.variant)
    assert (stock.warehouse, stock.on_hand) == (warehouse, 50)
    assert done.connection == ""


def test_publish_public_without_stock_and_connects_the_store_variant(assigned, owner, agent):
    store = make_store(merchant=assigned)
    (store_variant,) = import_variants(store, ("V1", "TEE-1"))
    request = _claimed(assigned, owner, agent, store_variant_id=store_variant.pk)

    done = _publish(request, agent, private=False)

    assert done.product.private_for is None
    assert done.connection == "connected"
    assert ProductConnection.objects.get(store_variant=store_variant).variant == done.variant
    assert SourcingEvent.objects.filter(request=request, kind="note").count() == 1
    assert Stock.objects.filter(variant=done.variant).count() == 0


def test_publish_is_refused_for_a_submitted_request_and_writes_nothing(assigned, owner, agent):
    request = svc.sourcing_request_create(
        merchant=assigned, actor=owner, product_name="Lamp", source_url="https://a.example/x"
    ).request

    with pytest.raises(svc.SourcingRefused):
        _publish(request, agent)

    request.refresh_from_db()
    assert (request.status, request.product) == (SourcingStatus.SUBMITTED, None)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"price_minor": 0}, "price must be a whole number"),
        ({"weight_g": "heavy"}, "weight must be a whole number"),
        ({"stock_quantity": 5}, "choose a warehouse for the stock"),
        ({"name": "  "}, "Product name is required"),
    ],
)
def test_publish_refuses_bad_fields(assigned, owner, agent, fields, message):
    request = _claimed(assigned, owner, agent)

    with pytest.raises(svc.SourcingInvalid, match=message):
        _publish(request, agent, **fields)

    request.refresh_from_db()
    assert request.status == SourcingStatus.CLAIMED


def test_an_agent_of_another_merchant_cannot_publish(merchant, owner, agent, operator_admin):
    request = svc.sourcing_request_create(
        merchant=merchant, actor=owner, product_name="Lamp", source_url="https://a.example/x"
    ).request
    svc.sourcing_claim(request=request, actor=operator_admin)
    request.refresh_from_db()

    with pytest.raises(svc.PermissionDenied):
        _publish(request, agent)
