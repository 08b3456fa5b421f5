"""Fixtures for the orders API tests (imported by test_api*.py and test_e2e_lifecycle.py)."""

import pytest
from django.test import Client

from dropyard.accounts import services as account_services
from dropyard.core.testing.cj_client import CJClient
from dropyard.orders.tests.factories import make_order_world


@pytest.fixture
def world(db):
    return make_order_world()


@pytest.fixture
def authed(cj, api_key):
    """``merchant``'s API client with a live access token."""
    cj.get_access_token(api_key).ok()
    return cj


@pytest.fixture
def other_cj(other_merchant):
    """``other_merchant``'s API client (its own Django test client and token)."""
    _, plaintext = account_services.apikey_create(
        merchant=other_merchant, actor=other_merchant.owner, name="Other ERP"
    )
    client = CJClient(Client())
    client.get_access_token(plaintext).ok()
    return client
