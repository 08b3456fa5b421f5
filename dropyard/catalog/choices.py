"""Catalog enumerations (values follow the CJ API 2.0 contract where it has them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ShippingProperty(models.TextChoices):
    """Product properties that restrict which shipping lines may carry it."""

    BATTERY = "battery", _("Contains battery")
    LIQUID = "liquid", _("Liquid")
    POWDER = "powder", _("Powder")
    MAGNETIC = "magnetic", _("Magnetic")
    SHARP = "sharp", _("Sharp")


class ProductType(models.TextChoices):
    """Contract §5 productType."""

    ORDINARY = "ORDINARY_PRODUCT", _("Ordinary product")
    SUPPLIER = "SUPPLIER_PRODUCT", _("Supplier product")
    SUPPLIER_SHIPPED = "SUPPLIER_SHIPPED_PRODUCT", _("Supplier-shipped product")


class ReportReason(models.TextChoices):
    INFRINGEMENT = "infringement", _("Infringement")
    PROHIBITED = "prohibited", _("Prohibited item")
    MISLEADING = "misleading", _("Misleading listing")
    OTHER = "other", _("Other")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    DISMISSED = "dismissed", _("Dismissed")
    ACTIONED = "actioned", _("Product taken off sale")
