"""Test data for warehouses and stock."""

import factory

from dropyard.inventory.choices import WarehouseKind
from dropyard.inventory.models import Warehouse


class WarehouseFactory(factory.django.DjangoModelFactory):
    """An active, verified platform warehouse (default in Shenzhen, CN)."""

    class Meta:
        model = Warehouse

    code = factory.Sequence(lambda n: f"WH{n:03d}")
    name = factory.Sequence(lambda n: f"Warehouse {n}")
    country = "CN"
    region = "Guangdong"
    city = "Shenzhen"
    kind = WarehouseKind.PLATFORM
