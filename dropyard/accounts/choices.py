"""Enumerations for accounts: roles, permission areas, statuses."""

from django.db import models


class OperatorRole(models.TextChoices):
    """Operator (platform) staff roles. ``admin`` may do everything in the back office."""

    AGENT = "agent", "Agent"
    WAREHOUSE = "warehouse", "Warehouse"
    FINANCE = "finance", "Finance"
    SUPPORT = "support", "Support"
    ADMIN = "admin", "Admin"


class MemberRole(models.TextChoices):
    """A person's role inside one merchant account."""

    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    STAFF = "staff", "Staff"


class Area(models.TextChoices):
    """Permission areas of a merchant account; staff get a subset, owner and admins get all."""

    PRODUCTS = "products", "Products"
    STORES = "stores", "Stores"
    ORDERS = "orders", "Orders"
    WALLET = "wallet", "Wallet"
    AFTERSALES = "aftersales", "After-sales"
    SETTINGS = "settings", "Settings & team"
    DEVELOPER = "developer", "Developer API"


ALL_AREAS: frozenset[str] = frozenset(Area.values)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"


class SupplierApplicationStatus(models.TextChoices):
    PENDING = "pending", "Pending review"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"


class AccountLevel(models.IntegerChoices):
    """Merchant account level; sets the developer API's requests per second (contract §3)."""

    FREE = 0, "Free"
    LEVEL_1 = 1, "Level 1"
    PLUS = 2, "Plus (level 2)"
    PRIME = 3, "Prime (level 3)"
    ADVANCED = 4, "Advanced (level 4)"
    ADVANCED_5 = 5, "Advanced (level 5)"
