"""Enumerations for accounts: roles, permission areas, statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OperatorRole(models.TextChoices):
    """Operator (platform) staff roles. ``admin`` may do everything in the back office."""

    AGENT = "agent", _("Agent")
    WAREHOUSE = "warehouse", _("Warehouse")
    FINANCE = "finance", _("Finance")
    SUPPORT = "support", _("Support")
    ADMIN = "admin", _("Admin")


class MemberRole(models.TextChoices):
    """A person's role inside one merchant account."""

    OWNER = "owner", pgettext_lazy("member role", "Owner")
    ADMIN = "admin", _("Admin")
    STAFF = "staff", _("Staff")


class Area(models.TextChoices):
    """Permission areas of a merchant account; staff get a subset, owner and admins get all."""

    PRODUCTS = "products", _("Products")
    STORES = "stores", _("Stores")
    ORDERS = "orders", _("Orders")
    WALLET = "wallet", _("Wallet")
    AFTERSALES = "aftersales", _("After-sales")
    SETTINGS = "settings", _("Settings & team")
    DEVELOPER = "developer", _("Developer API")


ALL_AREAS: frozenset[str] = frozenset(Area.values)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REVOKED = "revoked", _("Revoked")


class SupplierApplicationStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class AccountLevel(models.IntegerChoices):
    """Merchant account level; sets the developer API's requests per second (contract §3)."""

    FREE = 0, _("Free")
    LEVEL_1 = 1, _("Level 1")
    PLUS = 2, _("Plus (level 2)")
    PRIME = 3, _("Prime (level 3)")
    ADVANCED = 4, _("Advanced (level 4)")
    ADVANCED_5 = 5, _("Advanced (level 5)")
