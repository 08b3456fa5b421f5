"""globalWarehouseList's real answer (the legacy ``{success, code: 0}`` body) matches what
openapi.json documents for it."""

import pytest

from dropyard.core.testing.openapi import API_PREFIX, answer_problems, openapi_document
from dropyard.inventory.tests.factories import WarehouseFactory

pytestmark = pytest.mark.django_db

AREAS = "product/globalWarehouseList"


def test_global_warehouse_list_answer_matches_the_document(cj, client, api_key):
    cj.get_access_token(api_key).ok()
    WarehouseFactory(country="DE")
    WarehouseFactory(country="TH", is_active=False)
    document = openapi_document()

    # The legacy body, which the conformance client refuses as an envelope.
    body = client.get(f"{API_PREFIX}{AREAS}", headers={"CJ-Access-Token": cj.access_token}).json()

    assert answer_problems(document, "GET", AREAS, body) == []
    assert [(a["countryCode"], a["disabled"]) for a in body["data"]] == [
        ("DE", False),
        ("TH", True),
    ]
    assert answer_problems(document, "GET", AREAS, {**body, "data": None}) != []
