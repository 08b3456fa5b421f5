"""Navigation for the page frames (every app's pages, so it lives in the top-layer dashboard):
only links the current user can open."""

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from dropyard.accounts.selectors import membership_list_for_user

# (label, url name, permission area or None for any member)
MERCHANT_NAV = [
    ("Dashboard", "dashboard:home", None),
    ("Catalog", "catalog:search", "products"),
    ("My Products", "catalog:my_products", "products"),
    ("Private stock", "private_stock:stock", "orders"),
    ("Stores", "stores:list", "stores"),
    ("Orders", "orders:list", "orders"),
    ("Wallet", "wallet:home", "wallet"),
    ("Shipping", "logistics:default_lines", "settings"),
    ("Messages", "sourcing:messages", None),
    ("Jobs", "core:job_list", None),
    ("Team", "accounts:team", "settings"),
    ("Profile", "accounts:profile", "settings"),
    ("API keys", "accounts:apikeys", "developer"),
    ("Webhooks", "webhooks:settings", "developer"),
    ("Audit log", "core:audit_list", "settings"),
]

OPERATOR_NAV = [
    ("Back office", "dashboard:ops_home", None),
    ("Merchants", "accounts_ops:merchants", {"admin", "agent", "support"}),
    ("Orders", "orders_ops:list", {"admin", "agent", "support"}),
    ("Messages", "sourcing:ops_threads", {"admin", "agent"}),
    ("Suppliers", "accounts_ops:supplier_list", {"admin", "support"}),
    ("Products", "catalog_ops:product_list", {"admin", "support"}),
    ("Reports", "catalog_ops:report_list", {"admin", "support"}),
    ("Warehouses", "inventory_ops:warehouse_list", {"admin", "warehouse"}),
    ("Warehouse work", "fulfillment_ops:warehouses", {"admin", "warehouse"}),
    ("Shipping lines", "logistics_ops:line_list", {"admin"}),
    ("Trackings", "logistics_ops:tracking_list", {"admin", "warehouse", "support"}),
    ("Finance", "wallet_ops:home", {"admin", "finance"}),
    ("Provider events", "wallet_providers_ops:event_list", {"admin", "finance"}),
    ("Staff", "accounts_ops:staff", {"admin"}),
    ("Jobs", "core:ops_job_list", {"admin"}),
    ("Audit log", "core:ops_audit_list", {"admin"}),
]


def _link(label: str, name: str) -> dict | None:
    try:
        return {"label": label, "url": reverse(name), "name": name}
    except NoReverseMatch:
        # A page not built yet is not shown (navigation shows only pages that work).
        return None


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "nav_kind": "anonymous"}
    links: list[dict] = []
    if user.operator_role:
        for label, name, roles in OPERATOR_NAV:
            if roles is None or user.operator_role == "admin" or user.operator_role in roles:
                links.append(_link(label, name))
        kind = "operator"
    elif getattr(request, "membership", None):
        membership = request.membership
        for label, name, area in MERCHANT_NAV:
            if area is None or membership.has_area(area):
                links.append(_link(label, name))
        kind = "merchant"
    else:
        links.append(_link("Supplier application", "supplier:apply"))
        kind = "supplier"
    memberships = []
    if kind == "merchant":
        memberships = list(membership_list_for_user(user=user))
    return {
        "nav_links": [link for link in links if link],
        "nav_kind": kind,
        "nav_memberships": memberships,
    }
