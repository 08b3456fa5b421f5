"""The Sandbox carrier in the demo data: created once, served by every active platform warehouse."""

import pytest

from dropyard.demo.carrier import load_sandbox_carrier
from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.tests.factories import WarehouseFactory
from dropyard.logistics.carriers import SandboxCarrier, adapter_for
from dropyard.logistics.models import Carrier

pytestmark = pytest.mark.django_db


def test_sandbox_carrier_is_created_and_served_by_active_platform_warehouses(settings):
    settings.SITE_URL = "https://dropyard.example"
    a = WarehouseFactory(code="CN-A")
    b = WarehouseFactory(code="US-B", country="US")
    supplier = WarehouseFactory(code="F-1", kind=WarehouseKind.SUPPLIER)
    closed = WarehouseFactory(code="OLD", is_active=False)

    created = load_sandbox_carrier()

    carrier = Carrier.objects.get(code="SANDBOX")
    assert created == ["carrier Sandbox Carrier", "Sandbox Carrier served by CN-A, US-B"]
    assert carrier.name == "Sandbox Carrier"
    assert carrier.tracking_url_template == "https://dropyard.example/track/{number}/"
    assert isinstance(adapter_for(carrier), SandboxCarrier)
    assert set(carrier.warehouses.all()) == {a, b}
    assert not supplier.carriers.exists()
    assert not closed.carriers.exists()


def test_second_run_creates_nothing():
    WarehouseFactory(code="CN-A")
    load_sandbox_carrier()

    assert load_sandbox_carrier() == []
    assert Carrier.objects.filter(code="SANDBOX").count() == 1
