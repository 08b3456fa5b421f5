"""Catalog enumerations (values follow the CJ API 2.0 contract where it has them)."""

from django.db import models


class ShippingProperty(models.TextChoices):
    """Product properties that restrict which shipping lines may carry it."""

    BATTERY = "battery", "Contains battery"
    LIQUID = "liquid", "Liquid"
    POWDER = "powder", "Powder"
    MAGNETIC = "magnetic", "Magnetic"
    SHARP = "sharp", "Sharp"


class ProductType(models.TextChoices):
    """Contract §5 productType."""

    ORDINARY = "ORDINARY_PRODUCT", "Ordinary product"
    SUPPLIER = "SUPPLIER_PRODUCT", "Supplier product"
    SUPPLIER_SHIPPED = "SUPPLIER_SHIPPED_PRODUCT", "Supplier-shipped product"


class ReportReason(models.TextChoices):
    INFRINGEMENT = "infringement", "Infringement"
    PROHIBITED = "prohibited", "Prohibited item"
    MISLEADING = "misleading", "Misleading listing"
    OTHER = "other", "Other"


class ReportStatus(models.TextChoices):
    PENDING = "pending", "Pending review"
    DISMISSED = "dismissed", "Dismissed"
    ACTIONED = "actioned", "Product taken off sale"
