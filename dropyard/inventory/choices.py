"""Inventory enumerations."""

from django.db import models


class WarehouseKind(models.TextChoices):
    """Platform warehouses hold "CJ" stock; supplier warehouses hold factory stock (contract)."""

    PLATFORM = "platform", "Platform warehouse"
    SUPPLIER = "supplier", "Supplier warehouse"


class MovementKind(models.TextChoices):
    """Why stock changed. Each movement records its deltas on on_hand and reserved."""

    RECEIPT = "receipt", "Receipt"
    ADJUSTMENT = "adjustment", "Adjustment"
    RESERVATION = "reservation", "Reservation"
    RELEASE = "release", "Release"
    SHIPMENT = "shipment", "Shipment"
    RETURN = "return", "Return"
