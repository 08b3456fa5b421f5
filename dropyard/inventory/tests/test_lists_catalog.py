"""My Products on the generic list: filters, sort, CSV, htmx partial, bad input, bulk remove,
through the view with the real selectors and services."""

import pytest
from django.urls import reverse
from django.utils import timezone

from dropyard.catalog import services
from dropyard.catalog.models import MyProduct
from dropyard.catalog.tests.factories import make_product
from dropyard.inventory.services import stock_receive
from dropyard.inventory.tests.factories import WarehouseFactory

pytestmark = pytest.mark.django_db

URL = "/catalog/my-products/"


@pytest.fixture
def saved(merchant, owner, other_merchant):
    """Three saved products of the merchant (Kettle in stock, Lamp off sale), one of another."""
    kettle = make_product(name="Red Kettle", sku="DYPKETTLE", variants=1)
    lamp = make_product(name="Desk Lamp", sku="DYPLAMP", variants=1)
    mug = make_product(name="Blue Mug", sku="DYPMUG", variants=1)
    foreign = make_product(name="Foreign Vase", sku="DYPVASE", variants=1)
    for product, price in ((kettle, 3000), (lamp, 1000), (mug, 2000)):
        product.variants.update(price_minor=price)
        product.min_price_minor = product.max_price_minor = price
        product.save(update_fields=["min_price_minor", "max_price_minor"])
        services.my_product_add(merchant=merchant, product=product, actor=owner)
    services.my_product_add(merchant=other_merchant, product=foreign, actor=other_merchant.owner)
    type(lamp).objects.filter(pk=lamp.pk).update(is_on_sale=False)  # went off sale once saved
    stock_receive(
        variant=kettle.variants.get(),
        warehouse=WarehouseFactory(country="CN"),
        quantity=5,
        actor=None,
        reason="test",
    )
    return {"kettle": kettle, "lamp": lamp, "mug": mug, "foreign": foreign}


def _names(response) -> list[str]:
    return [item.product.name for item in response.context["page"].object_list]


def test_the_list_shows_only_the_merchants_saved_products(client, owner, saved):
    client.force_login(owner)

    response = client.get(URL)

    assert response.status_code == 200
    assert sorted(_names(response)) == ["Blue Mug", "Desk Lamp", "Red Kettle"]
    assert "Foreign Vase" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "kettle"}, ["Red Kettle"]),
        ({"stock": "yes"}, ["Red Kettle"]),
        ({"stock": "no"}, ["Blue Mug", "Desk Lamp"]),
        ({"sale": "no"}, ["Desk Lamp"]),
        ({"sale": "yes", "stock": "no"}, ["Blue Mug"]),
    ],
)
def test_filters_keep_the_matching_rows(client, owner, saved, query, expected):
    client.force_login(owner)

    response = client.get(URL, query)

    assert sorted(_names(response)) == expected


def test_sort_by_price_both_ways(client, owner, saved):
    client.force_login(owner)

    up = client.get(URL, {"sort": "price"})
    down = client.get(URL, {"sort": "-price"})

    assert _names(up) == ["Desk Lamp", "Blue Mug", "Red Kettle"]
    assert _names(down) == ["Red Kettle", "Blue Mug", "Desk Lamp"]


def test_csv_export_holds_only_the_merchants_rows(client, owner, saved):
    client.force_login(owner)

    response = client.get(URL, {"export": "csv", "sort": "product"})

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body.splitlines() == [
        "Product,SKU,Price,Stock,Saved",
        *[
            f"{name},{sku},{price},{stock},{saved_on}"
            for name, sku, price, stock, saved_on in (
                ("Blue Mug", "DYPMUG", "$20.00", "Out of stock", _saved_on(saved["mug"])),
                ("Desk Lamp", "DYPLAMP", "$10.00", "Out of stock", _saved_on(saved["lamp"])),
                ("Red Kettle", "DYPKETTLE", "$30.00", "In stock", _saved_on(saved["kettle"])),
            )
        ],
    ]


def _saved_on(product) -> str:
    created = MyProduct.objects.get(product=product).created_at
    return timezone.localtime(created).strftime("%Y-%m-%d")


def test_htmx_answers_only_the_results(client, owner, saved):
    client.force_login(owner)

    response = client.get(URL, {"q": "mug"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="my-products-table"' in html
    assert 'data-testid="filter-form"' not in html
    assert "<html" not in html
    assert _names(response) == ["Blue Mug"]


@pytest.mark.parametrize(
    "query",
    [{"page": "x"}, {"page": "999"}, {"sort": "nonsense"}, {"per_page": "7"}, {"category": "zz"}],
)
def test_bad_page_sort_or_filter_input_still_answers_the_list(client, owner, saved, query):
    client.force_login(owner)

    response = client.get(URL, query)

    assert response.status_code == 200
    assert len(_names(response)) == 3


def test_bulk_remove_removes_only_the_merchants_ticked_rows(client, merchant, owner, saved):
    mine = MyProduct.objects.get(merchant=merchant, product=saved["mug"])
    theirs = MyProduct.objects.get(product=saved["foreign"])
    client.force_login(owner)

    response = client.post(URL, {"action": "remove", "ids": [mine.pk, theirs.pk], "next": URL})

    assert response.status_code == 302
    assert sorted(MyProduct.objects.values_list("product__name", flat=True)) == [
        "Desk Lamp",
        "Foreign Vase",
        "Red Kettle",
    ]


def test_empty_list_says_how_to_save_products(client, owner):
    client.force_login(owner)

    response = client.get(URL)

    html = response.content.decode()
    assert 'data-testid="empty-state"' in html
    assert reverse("catalog:search") in html
    assert "Add to My Products" in html


def test_each_row_shows_a_picture_and_a_remove_button(client, owner, saved):
    client.force_login(owner)

    html = client.get(URL).content.decode()

    assert html.count('data-testid="no-picture"') == 3
    assert html.count('data-testid="my-product-remove"') == 3
