"""Shared pytest fixtures: actors built through the real services (Zulip's rule)."""

import pytest
from django.tasks import default_task_backend

from dropyard.accounts.tests.factories import (
    make_merchant,
    make_operator,
    make_staff,
)


@pytest.fixture
def merchant(db):
    """A merchant account with its owner (``merchant.owner``)."""
    return make_merchant(business_name="Acme Drop Co")


@pytest.fixture
def owner(merchant):
    return merchant.owner


@pytest.fixture
def other_merchant(db):
    return make_merchant(business_name="Other Shop Ltd")


@pytest.fixture
def staff_user(merchant):
    """A staff member of ``merchant`` with only the orders permission."""
    return make_staff(merchant=merchant, permissions=["orders"])


@pytest.fixture
def operator_admin(db):
    return make_operator(role="admin")


@pytest.fixture
def agent(db):
    return make_operator(role="agent")


@pytest.fixture(autouse=True)
def tasks():
    """The test task backend (DummyBackend) keeps results across tests; start each test empty."""
    clear = getattr(default_task_backend, "clear", None)
    if clear:
        clear()
    yield default_task_backend
    if clear:
        clear()
