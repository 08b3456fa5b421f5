"""A shipping line's rate cards on the generic list page (core.lists): the route filter, sorting,
the exports (the table's CSV and the import-format file with the same filters), the htmx
partial and bad input, scoped to the line in the URL."""

import pytest
from django.urls import reverse

from dropyard.core.testing.lists import csv_rows
from dropyard.logistics.tests.factories import RateCardFactory, ShippingLineFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def line():
    return ShippingLineFactory(code="EUX", name="Euro Express")


@pytest.fixture
def cards(line):
    """CN→DE (9–14 days), CN→FR (3–5), US→FR (6–8); and CN→FR on another line."""
    RateCardFactory(line=ShippingLineFactory(code="OTH"), dest_country="FR")
    return [
        RateCardFactory(line=line, dest_country="DE", min_days=9, max_days=14),
        RateCardFactory(line=line, dest_country="FR", min_days=3, max_days=5),
        RateCardFactory(line=line, origin_country="US", dest_country="FR", min_days=6, max_days=8),
    ]


@pytest.fixture
def admin_client(client, operator_admin):
    client.force_login(operator_admin)
    return client


def _url(line) -> str:
    return reverse("logistics_ops:ratecard_list", args=[line.pk])


def _routes(response) -> list[str]:
    return [f"{c.origin_country}-{c.dest_country}" for c in response.context["page"].object_list]


def test_rate_cards_filter_by_destination_and_sort_by_days(admin_client, line, cards):
    to_france = admin_client.get(_url(line), {"dest": "fr"})
    fastest = admin_client.get(_url(line), {"sort": "days"})
    slowest = admin_client.get(_url(line), {"sort": "-days"})

    assert _routes(to_france) == ["CN-FR", "US-FR"]
    assert _routes(fastest) == ["CN-FR", "US-FR", "CN-DE"]
    assert _routes(slowest) == ["CN-DE", "US-FR", "CN-FR"]
    assert 'data-testid="result-count">2 rate cards</div>' in to_france.content.decode()


def test_table_csv_export_has_this_lines_filtered_cards(admin_client, line, cards):
    response = admin_client.get(_url(line), {"origin": "CN", "export": "csv"})

    assert csv_rows(response) == [
        ["Route", "Postcode", "Pricing", "Days"],
        ["CN → DE", "all", "first 500 g: 500¢, then 150¢ per 500 g", "9–14"],
        ["CN → FR", "all", "first 500 g: 500¢, then 150¢ per 500 g", "3–5"],
    ]


def test_import_format_export_link_follows_the_filters(admin_client, line, cards):
    page = admin_client.get(_url(line), {"dest": "FR"}, headers={"HX-Request": "true"})
    link = reverse("logistics_ops:ratecard_export", args=[line.pk]) + "?dest=FR"

    export = admin_client.get(link)

    assert f'href="{link}" data-testid="export-link"' in page.content.decode()
    assert [row.split(",")[2] for row in export.content.decode().splitlines()[1:]] == [
        "FR",
        "FR",
    ]


def test_htmx_filter_answers_only_the_results(admin_client, line, cards):
    response = admin_client.get(_url(line), {"origin": "US"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html
    assert "Deactivate" not in html
    assert html.count('data-testid="ratecard-row"') == 1


@pytest.mark.parametrize(
    "query",
    [{"page": "x"}, {"page": "50"}, {"sort": "bands"}, {"per_page": "0"}, {"origin": "CHN"}],
)
def test_bad_input_still_shows_the_cards(admin_client, line, cards, query):
    response = admin_client.get(_url(line), query)

    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3
    assert list(response.context["filter"].form.errors) == (["origin"] if "origin" in query else [])


def test_empty_line_says_to_import(admin_client, line):
    response = admin_client.get(_url(line))

    assert "No rate cards for this line yet. Import a CSV." in response.content.decode()
