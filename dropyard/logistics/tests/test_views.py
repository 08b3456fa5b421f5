"""Merchant shipping pages: freight calculator, default lines per country, and the countries where
a default line cannot ship a product, through the views with the real selectors and services."""

import pytest
from django.urls import reverse

from dropyard.accounts.tests.factories import make_staff
from dropyard.catalog.choices import ShippingProperty
from dropyard.catalog.tests.factories import CategoryFactory, make_product
from dropyard.inventory.tests.factories import WarehouseFactory
from dropyard.logistics import services
from dropyard.logistics.choices import FallbackPolicy
from dropyard.logistics.models import DefaultShippingLine
from dropyard.logistics.tests.factories import RateCardFactory, ShippingLineFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def product(db):
    top = CategoryFactory(parent=None)
    leaf = CategoryFactory(parent=CategoryFactory(parent=top))
    return make_product(name="Power bank", variants=2, category=leaf)


@pytest.fixture
def line_de(db):
    """A line with a CN → DE rate: $5.00 first 500 g, 6-9 days (and a warehouse in CN)."""
    WarehouseFactory(country="CN")
    card = RateCardFactory(
        line__name="Euro Express", origin_country="CN", dest_country="DE", min_days=6, max_days=9
    )
    return card.line


def _urls():
    return [
        reverse("logistics:freight_calculator"),
        reverse("logistics:default_lines"),
        reverse("logistics:cannot_ship"),
    ]


# --- Permissions ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    for url in _urls():
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_staff_without_the_area_is_refused(client, merchant, staff_user, line_de):
    client.force_login(staff_user)

    assert [client.get(url).status_code for url in _urls()] == [403, 403, 403]
    response = client.post(
        reverse("logistics:default_lines"), {"dest_country": "DE", "line": line_de.pk}
    )
    assert response.status_code == 403
    assert DefaultShippingLine.objects.count() == 0


def test_products_staff_gets_the_calculator_but_not_default_lines(client, merchant):
    client.force_login(make_staff(merchant=merchant, permissions=["products"]))

    assert [client.get(url).status_code for url in _urls()] == [200, 403, 403]


def test_owner_opens_every_page(client, owner):
    client.force_login(owner)

    assert [client.get(url).status_code for url in _urls()] == [200, 200, 200]


# --- Freight calculator -----------------------------------------------------------------------


def test_calculator_quotes_a_cart_by_sku(client, owner, product, line_de):
    ShippingLineFactory(name="Sea Freight")
    first, second = product.variants.all()
    client.force_login(owner)

    response = client.get(
        reverse("logistics:freight_calculator"),
        {
            "items": f"{first.sku} 1\n{second.sku}",
            "origin_country": "CN",
            "dest_country": "DE",
            "postcode": "10115",
        },
        **HTMX,
    )

    assert response.status_code == 200
    quote = response.context["quote"]
    assert [(o.line.name, o.price.amount_minor) for o in quote.available] == [("Euro Express", 500)]
    assert [u.line.name for u in quote.unavailable] == ["Sea Freight"]
    body = response.content.decode()
    assert "$5.00" in body
    assert "6–9 days" in body
    assert "<html" not in body


def test_calculator_unknown_sku_is_a_form_error(client, owner, line_de):
    client.force_login(owner)

    response = client.get(
        reverse("logistics:freight_calculator"),
        {"items": "NOPE 2", "origin_country": "CN", "dest_country": "DE"},
    )

    assert response.status_code == 400
    assert response.context["quote"] is None
    assert "Variant NOPE not found" in response.content.decode()


def test_calculator_rejects_a_bad_quantity(client, owner, product):
    client.force_login(owner)

    response = client.get(
        reverse("logistics:freight_calculator"),
        {"items": "DYV1 two", "origin_country": "CN", "dest_country": "DE"},
    )

    assert response.status_code == 400
    assert "Line 1: write the SKU, then a quantity." in response.content.decode()


# --- Default lines ----------------------------------------------------------------------------


def test_set_and_clear_a_default_line(client, merchant, owner, line_de):
    client.force_login(owner)

    response = client.post(
        reverse("logistics:default_lines"),
        {"dest_country": "DE", "line": line_de.pk, "fallback": FallbackPolicy.FASTEST},
    )

    assert response.status_code == 302
    assert list(
        DefaultShippingLine.objects.values_list(
            "merchant_id", "dest_country", "line_id", "fallback"
        )
    ) == [(merchant.pk, "DE", line_de.pk, FallbackPolicy.FASTEST)]
    page = client.get(reverse("logistics:default_lines"))
    assert "Euro Express" in page.content.decode()
    client.post(reverse("logistics:default_line_clear"), {"dest_country": "DE"})
    assert DefaultShippingLine.objects.count() == 0


def test_change_link_prefills_the_form(client, merchant, owner, line_de):
    services.default_line_set(
        merchant=merchant,
        dest_country="DE",
        line=line_de,
        fallback=FallbackPolicy.REFUSE,
        actor=owner,
    )
    client.force_login(owner)

    response = client.get(reverse("logistics:default_lines"), {"country": "de"})

    assert response.context["form"].initial == {
        "dest_country": "DE",
        "line": line_de.pk,
        "fallback": FallbackPolicy.REFUSE,
    }


def test_a_line_without_rate_to_the_country_is_refused(client, owner, line_de):
    client.force_login(owner)

    response = client.post(
        reverse("logistics:default_lines"),
        {"dest_country": "FR", "line": line_de.pk, "fallback": FallbackPolicy.CHEAPEST},
    )

    assert response.status_code == 400
    assert "Euro Express has no rate to FR from any origin" in response.content.decode()
    assert DefaultShippingLine.objects.count() == 0


def test_other_merchants_defaults_are_not_shown_or_cleared(client, owner, other_merchant, line_de):
    services.default_line_set(
        merchant=other_merchant, dest_country="DE", line=line_de, actor=other_merchant.owner
    )
    client.force_login(owner)

    page = client.get(reverse("logistics:default_lines"))
    client.post(reverse("logistics:default_line_clear"), {"dest_country": "DE"})

    assert list(page.context["page"].object_list) == []
    assert DefaultShippingLine.objects.filter(merchant=other_merchant).count() == 1


# --- Default lines on the generic list -------------------------------------------------------


@pytest.fixture
def defaults(merchant, owner, other_merchant, line_de):
    """The merchant's defaults to DE (Euro Express, fastest) and FR (Atlas Post); another
    merchant's default to DE."""
    france = RateCardFactory(line__name="Atlas Post", dest_country="FR").line
    services.default_line_set(
        merchant=merchant,
        dest_country="DE",
        line=line_de,
        fallback=FallbackPolicy.FASTEST,
        actor=owner,
    )
    services.default_line_set(merchant=merchant, dest_country="FR", line=france, actor=owner)
    RateCardFactory(line=line_de, dest_country="US")
    services.default_line_set(merchant=other_merchant, dest_country="US", line=line_de, actor=None)
    return {"de": line_de, "fr": france}


def _countries(response) -> list[str]:
    return [row.dest_country for row in response.context["page"].object_list]


def test_default_lines_list_shows_the_merchants_defaults_only(client, owner, defaults):
    client.force_login(owner)

    response = client.get(reverse("logistics:default_lines"))

    html = response.content.decode()
    assert _countries(response) == ["DE", "FR"]
    assert 'data-testid="default-line-US"' not in html
    assert 'data-label="Shipping line"' in html  # phone cards name each cell
    assert "Germany" in html
    assert 'data-testid="default-line-form"' in html  # the form stays below the list
    assert "Clear the default line for Germany?" in html  # Clear asks first


def test_default_lines_filter_by_country(client, owner, defaults):
    client.force_login(owner)
    url = reverse("logistics:default_lines")

    assert _countries(client.get(url, {"dest": "FR"})) == ["FR"]
    field = client.get(url).context["filter"].form.fields["dest"]
    assert [code for code, _label in field.choices] == ["", "FR", "DE"]  # theirs, by name
    refused = client.get(url, {"dest": "US"})  # another merchant's country: not a choice
    assert _countries(refused) == ["DE", "FR"]
    assert "Select a valid choice" in refused.content.decode()


def test_default_lines_sort_by_line_both_ways(client, owner, defaults):
    client.force_login(owner)
    url = reverse("logistics:default_lines")

    assert _countries(client.get(url, {"sort": "line"})) == ["FR", "DE"]  # Atlas, Euro
    assert _countries(client.get(url, {"sort": "-line"})) == ["DE", "FR"]
    assert _countries(client.get(url, {"sort": "-destination"})) == ["FR", "DE"]


def test_default_lines_paginate(client, merchant, owner):
    line = ShippingLineFactory()
    codes = ["AT", "AU", "BE", "BR", "CA", "CH", "CZ", "DE", "DK", "ES", "FI", "FR", "GB", "GR"]
    codes += ["HU", "IE", "IT", "JP", "MX", "NL", "NO", "NZ", "PL", "PT", "SE", "US"]
    for code in codes:
        RateCardFactory(line=line, dest_country=code)
        services.default_line_set(merchant=merchant, dest_country=code, line=line, actor=owner)
    client.force_login(owner)

    first = client.get(reverse("logistics:default_lines"))
    second = client.get(reverse("logistics:default_lines"), {"page": "2"})

    assert len(first.context["page"].object_list) == 25
    assert _countries(second) == ["US"]


def test_default_lines_csv_holds_only_the_merchants_defaults(client, owner, defaults):
    client.force_login(owner)

    response = client.get(reverse("logistics:default_lines"), {"export": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert rows == [
        "Destination,Shipping line,When it cannot ship",
        "Germany (DE),Euro Express,Use the fastest line that can",
        "France (FR),Atlas Post,Use the cheapest line that can",
    ]


def test_default_lines_htmx_answers_only_the_results(client, owner, defaults):
    client.force_login(owner)

    response = client.get(reverse("logistics:default_lines"), {"dest": "DE"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert _countries(response) == ["DE"]
    assert 'data-testid="default-lines"' in html
    assert 'data-testid="filter-form"' not in html
    assert 'data-testid="default-line-form"' not in html
    assert "<html" not in html


def test_a_refused_default_keeps_the_list_and_the_errors(client, owner, defaults):
    client.force_login(owner)

    response = client.post(
        reverse("logistics:default_lines"),
        {"dest_country": "JP", "line": defaults["de"].pk, "fallback": FallbackPolicy.CHEAPEST},
    )

    assert response.status_code == 400
    assert _countries(response) == ["DE", "FR"]
    assert "Euro Express has no rate to JP from any origin" in response.content.decode()


def test_cannot_ship_lists_countries_where_the_default_fails(
    client, merchant, owner, product, line_de
):
    product.properties = [ShippingProperty.BATTERY]
    product.save(update_fields=["properties"])
    services.default_line_set(merchant=merchant, dest_country="DE", line=line_de, actor=owner)
    client.force_login(owner)

    response = client.get(reverse("logistics:cannot_ship"), {"product": product.sku})

    assert response.status_code == 200
    assert [(r.country, r.line.name) for r in response.context["rows"]] == [("DE", "Euro Express")]
    assert "Germany" in response.content.decode()


def test_cannot_ship_unknown_product(client, merchant, owner, line_de):
    services.default_line_set(merchant=merchant, dest_country="DE", line=line_de, actor=owner)
    client.force_login(owner)

    response = client.get(reverse("logistics:cannot_ship"), {"product": "NOPE"})

    assert response.status_code == 400
    assert response.context["rows"] is None
