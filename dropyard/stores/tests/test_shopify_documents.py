"""Every GraphQL document the Shopify adapter sends validates against Shopify's published Admin
schema (npm @shopify/dev-mcp, the version DROPYARD_SHOPIFY_API_VERSION pins) and stays under
Shopify's single-query cost cap."""

import pytest
from django.conf import settings
from graphql import OperationDefinitionNode, parse, validate

from dropyard.stores.adapters import shopify as adapter
from dropyard.stores.adapters.shopify import documents
from dropyard.stores.tests.shopify_cost import MAX_QUERY_COST, query_cost
from dropyard.stores.tests.shopify_schema import admin_schema, schema_path

# The page sizes the adapter sends (the variables that set a document's cost).
VARIABLES = {
    "PRODUCTS_PAGE": {"first": adapter.PRODUCTS_PER_PAGE},
    "ORDERS_SINCE": {"first": adapter.ORDERS_PER_PAGE},
    "PRODUCT_SET": {"variantCount": 100},  # Shopify's REST-era variant limit
}


def test_every_string_constant_of_the_documents_module_is_listed():
    constants = {
        name
        for name, value in vars(documents).items()
        if isinstance(value, str) and name.isupper() and not name.startswith("_")
    }

    assert constants == set(documents.DOCUMENTS)
    assert len(documents.DOCUMENTS) == 12


def test_the_schema_is_the_pinned_api_version():
    assert settings.DROPYARD_SHOPIFY_API_VERSION == "2025-01"
    assert schema_path().name == "admin_schema_2025-01.json.gz"


@pytest.mark.parametrize("name", sorted(documents.DOCUMENTS))
def test_the_document_validates_against_shopifys_admin_schema(name):
    schema = admin_schema()
    document = parse(documents.DOCUMENTS[name])

    errors = validate(schema, document)
    (operation,) = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]

    assert [e.message for e in errors] == []
    assert operation.name is not None
    assert operation.name.value.startswith("Dropyard")


@pytest.mark.parametrize("name", sorted(documents.DOCUMENTS))
def test_the_document_costs_less_than_shopifys_single_query_cap(name):
    schema = admin_schema()

    cost = query_cost(schema, parse(documents.DOCUMENTS[name]), VARIABLES.get(name, {}))

    assert 0 < cost <= MAX_QUERY_COST


def test_a_wrong_field_is_caught_by_the_validation():
    schema = admin_schema()
    wrong = documents.SHOP.replace("currencyCode", "currency")

    errors = validate(schema, parse(wrong))

    assert [e.message for e in errors] == [
        "Cannot query field 'currency' on type 'Shop'. Did you mean 'currencyCode'?"
    ]
