"""Navigation for the page frames (every app's pages, so it lives in the top-layer dashboard):
only links the current user can open, grouped for the sidebar, with counts of waiting work."""

from collections.abc import Callable
from datetime import timedelta

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_noop

from dropyard.accounts import notifications
from dropyard.accounts import selectors as accounts_selectors
from dropyard.accounts.selectors import membership_list_for_user
from dropyard.aftersales import selectors as aftersales_selectors
from dropyard.core import selectors as core_selectors
from dropyard.core.choices import JobStatus
from dropyard.fulfillment import selectors as fulfillment_selectors
from dropyard.orders import selectors as orders_selectors
from dropyard.sourcing import selectors as sourcing_selectors
from dropyard.sourcing import selectors_desk as sourcing_desk_selectors
from dropyard.wallet import selectors as wallet_selectors

# (label, url name, permission area or None for any member). Labels are marked for the
# translation catalog (gettext_noop) and translated where the frame shows them, so the data
# stays English.
MERCHANT_NAV = [
    (gettext_noop("Dashboard"), "dashboard:home", None),
    (gettext_noop("Catalog"), "catalog:search", "products"),
    (gettext_noop("My products"), "catalog:my_products", "products"),
    (gettext_noop("Sourcing"), "sourcing_requests:list", "products"),
    (gettext_noop("Price requests"), "sourcing_prices:list", "products"),
    (gettext_noop("Private stock"), "private_stock:stock", "orders"),
    (gettext_noop("Stores"), "stores:list", "stores"),
    (gettext_noop("Orders"), "orders:list", "orders"),
    (gettext_noop("After-sales"), "aftersales:center", "orders"),
    (gettext_noop("Wallet"), "wallet:home", "wallet"),
    (gettext_noop("Messages"), "sourcing:messages", None),
    (gettext_noop("Tickets"), "aftersales:tickets", None),
    (gettext_noop("Shipping"), "logistics:default_lines", "settings"),
    (gettext_noop("Team"), "accounts:team", "settings"),
    (gettext_noop("Profile"), "accounts:profile", "settings"),
    (gettext_noop("API keys"), "accounts:apikeys", "developer"),
    (gettext_noop("Webhooks"), "webhooks:settings", "developer"),
    (gettext_noop("Audit log"), "core:audit_list", "settings"),
    (gettext_noop("Jobs"), "core:job_list", None),
]

# (label, url name, operator roles besides admin, or None for every operator)
OPERATOR_NAV = [
    (gettext_noop("Back office"), "dashboard:ops_home", None),
    (gettext_noop("Merchants"), "accounts_ops:merchants", {"admin", "agent", "support"}),
    (gettext_noop("Orders"), "orders_ops:list", {"admin", "agent", "support"}),
    (gettext_noop("Messages"), "sourcing:ops_threads", {"admin", "agent"}),
    (gettext_noop("Sourcing desk"), "sourcing_desk:queue", {"admin", "agent", "support"}),
    (gettext_noop("Price requests"), "sourcing_prices:ops_list", {"admin", "agent"}),
    (gettext_noop("Disputes"), "aftersales_ops:disputes", {"admin", "agent", "support", "finance"}),
    (gettext_noop("Tickets"), "aftersales_ops:tickets", {"admin", "agent", "support", "finance"}),
    (gettext_noop("Suppliers"), "accounts_ops:supplier_list", {"admin", "support"}),
    (gettext_noop("Products"), "catalog_ops:product_list", {"admin", "support"}),
    (gettext_noop("Supplier products"), "suppliers_ops:reviews", {"admin", "support"}),
    (gettext_noop("Reports"), "catalog_ops:report_list", {"admin", "support"}),
    (gettext_noop("Warehouse work"), "fulfillment_ops:warehouses", {"admin", "warehouse"}),
    (gettext_noop("Warehouses"), "inventory_ops:warehouse_list", {"admin", "warehouse"}),
    (gettext_noop("Returns"), "aftersales_ops:returns", {"admin", "warehouse", "support"}),
    (gettext_noop("Trackings"), "logistics_ops:tracking_list", {"admin", "warehouse", "support"}),
    (gettext_noop("Shipping lines"), "logistics_ops:line_list", {"admin"}),
    (gettext_noop("Finance"), "wallet_ops:home", {"admin", "finance"}),
    (gettext_noop("Provider events"), "wallet_providers_ops:event_list", {"admin", "finance"}),
    (gettext_noop("Supplier payouts"), "suppliers_ops:payouts", {"admin", "finance"}),
    (gettext_noop("Staff"), "accounts_ops:staff", {"admin"}),
    (gettext_noop("Business calendar"), "aftersales_ops:calendar", {"admin", "support"}),
    (gettext_noop("Jobs"), "core:ops_job_list", {"admin"}),
    (gettext_noop("Audit log"), "core:ops_audit_list", {"admin"}),
]

# An approved supplier's portal (``suppliers``), in the order of its work.
SUPPLIER_NAV = [
    (gettext_noop("Supplier portal"), "suppliers_portal:home"),
    (gettext_noop("Products"), "suppliers_portal:products"),
    (gettext_noop("Stock"), "suppliers_portal:stock"),
    (gettext_noop("Orders to ship"), "suppliers_portal:parcels"),
    (gettext_noop("Earnings"), "suppliers_portal:earnings"),
]

# Sidebar place of each page: (group heading, "" for none; Tabler icon name). The groups show in
# the order their first link comes in the lists above. Every icon named here is listed in
# scripts/icons.txt, which builds the vendored sprite.
NAV_PLACES: dict[str, tuple[str, str]] = {
    "dashboard:home": ("", "home"),
    "catalog:search": (gettext_noop("Sell"), "search"),
    "catalog:my_products": (gettext_noop("Sell"), "package"),
    "sourcing_requests:list": (gettext_noop("Sell"), "world-search"),
    "sourcing_prices:list": (gettext_noop("Sell"), "discount"),
    "private_stock:stock": (gettext_noop("Sell"), "building-warehouse"),
    "stores:list": (gettext_noop("Sell"), "building-store"),
    "orders:list": (gettext_noop("Orders"), "shopping-cart"),
    "aftersales:center": (gettext_noop("Orders"), "lifebuoy"),
    "aftersales:tickets": (gettext_noop("Help"), "ticket"),
    "wallet:home": (gettext_noop("Money"), "wallet"),
    "sourcing:messages": (gettext_noop("Help"), "messages"),
    "logistics:default_lines": (gettext_noop("Settings"), "truck-delivery"),
    "accounts:team": (gettext_noop("Settings"), "users"),
    "accounts:profile": (gettext_noop("Settings"), "id"),
    "accounts:apikeys": (gettext_noop("Settings"), "key"),
    "webhooks:settings": (gettext_noop("Settings"), "webhook"),
    "core:audit_list": (gettext_noop("Settings"), "history"),
    "core:job_list": (gettext_noop("Settings"), "list-check"),
    "dashboard:ops_home": ("", "layout-dashboard"),
    "accounts_ops:merchants": (gettext_noop("Merchants"), "users-group"),
    "orders_ops:list": (gettext_noop("Merchants"), "shopping-cart"),
    "sourcing:ops_threads": (gettext_noop("Merchants"), "messages"),
    "sourcing_desk:queue": (gettext_noop("Merchants"), "world-search"),
    "sourcing_prices:ops_list": (gettext_noop("Merchants"), "discount"),
    "suppliers_ops:reviews": (gettext_noop("Catalog"), "clipboard-check"),
    "suppliers_ops:payouts": (gettext_noop("Finance"), "building-factory-2"),
    "suppliers_portal:home": ("", "building-factory-2"),
    "suppliers_portal:products": (gettext_noop("Supplier portal"), "package"),
    "suppliers_portal:stock": (gettext_noop("Supplier portal"), "building-warehouse"),
    "suppliers_portal:parcels": (gettext_noop("Supplier portal"), "truck"),
    "suppliers_portal:earnings": (gettext_noop("Supplier portal"), "cash"),
    "aftersales_ops:disputes": (gettext_noop("Merchants"), "lifebuoy"),
    "aftersales_ops:tickets": (gettext_noop("Merchants"), "ticket"),
    "aftersales_ops:returns": (gettext_noop("Warehouse"), "arrow-back-up"),
    "aftersales_ops:calendar": (gettext_noop("System"), "calendar"),
    "accounts_ops:supplier_list": (gettext_noop("Catalog"), "building-factory-2"),
    "catalog_ops:product_list": (gettext_noop("Catalog"), "package"),
    "catalog_ops:report_list": (gettext_noop("Catalog"), "flag"),
    "fulfillment_ops:warehouses": (gettext_noop("Warehouse"), "packages"),
    "inventory_ops:warehouse_list": (gettext_noop("Warehouse"), "building-warehouse"),
    "logistics_ops:tracking_list": (gettext_noop("Warehouse"), "map-pin"),
    "logistics_ops:line_list": (gettext_noop("Warehouse"), "truck"),
    "wallet_ops:home": (gettext_noop("Finance"), "cash"),
    "wallet_providers_ops:event_list": (gettext_noop("Finance"), "bolt"),
    "accounts_ops:staff": (gettext_noop("System"), "user-shield"),
    "core:ops_job_list": (gettext_noop("System"), "list-check"),
    "core:ops_audit_list": (gettext_noop("System"), "history"),
    "supplier:apply": ("", "file-text"),
}
DEFAULT_ICON = "point"

# Where the top bar's search box goes (first page the user can open), and what it says.
SEARCH_TARGETS = {
    "merchant": [
        ("catalog:search", gettext_noop("Search the catalog")),
        ("orders:list", gettext_noop("Search orders")),
    ],
    "operator": [
        ("orders_ops:list", gettext_noop("Search orders")),
        ("accounts_ops:merchants", gettext_noop("Search merchants")),
        ("logistics_ops:tracking_list", gettext_noop("Search trackings")),
    ],
}

# An admin's failed-jobs badge counts recent failures only: old ones stay listed on the jobs page
# but are not "work waiting" any more.
FAILED_JOBS_WINDOW = timedelta(days=7)


def _link(label: str, name: str) -> dict | None:
    try:
        return {"label": label, "url": reverse(name), "name": name}
    except NoReverseMatch:
        # A page not built yet is not shown (navigation shows only pages that work).
        return None


def _merchant_badges(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """Counts of work waiting for a merchant member, by url name (one indexed COUNT each)."""
    membership = request.membership  # type: ignore[attr-defined]
    merchant = membership.merchant
    return {
        "orders:list": lambda: orders_selectors.order_list(
            merchant=merchant, tab="pending", store_ids=membership.store_scope
        ).count(),
        "sourcing:messages": lambda: sourcing_selectors.unread_count_for_merchant(merchant),
    }


def _operator_badges(request: HttpRequest) -> dict[str, Callable[[], int]]:
    """Counts of work waiting for operator staff, by url name; only the links the role sees
    are shown, so only their counts run."""
    since = timezone.now() - FAILED_JOBS_WINDOW
    return {
        "fulfillment_ops:warehouses": fulfillment_selectors.parcel_open_count,
        "wallet_ops:home": lambda: wallet_selectors.wire_queue().count(),
        "core:ops_job_list": lambda: (
            core_selectors.job_list(status=JobStatus.FAILED).filter(created_at__gte=since).count()
        ),
        "sourcing:ops_threads": lambda: sourcing_selectors.unread_thread_count_for_agent(
            request.user  # type: ignore[arg-type]
        ),
        "sourcing_desk:queue": lambda: sourcing_desk_selectors.desk_unclaimed_count(
            request.user  # type: ignore[arg-type]
        ),
        "accounts_ops:supplier_list": accounts_selectors.supplier_application_pending_count,
        "aftersales_ops:disputes": lambda: aftersales_selectors.dispute_attention_count(
            user=request.user  # type: ignore[arg-type]
        ),
    }


def _current(links: list[dict], path: str) -> str | None:
    """The url name of the link the page at ``path`` belongs to: the longest link URL that
    starts the path (an order's page marks "Orders"; "/catalog/mine/" beats "/catalog/")."""
    best = max(
        (link for link in links if path == link["url"] or path.startswith(link["url"])),
        key=lambda link: len(link["url"]),
        default=None,
    )
    return best["name"] if best else None


def _groups(links: list[dict], badges: dict[str, Callable[[], int]], path: str) -> list[dict]:
    """The sidebar: links in groups (in order of first appearance), each with icon, badge and
    whether it is the current page's."""
    current = _current(links, path)
    groups: dict[str, dict] = {}
    for link in links:
        heading, icon = NAV_PLACES.get(link["name"], ("", DEFAULT_ICON))
        count = badges[link["name"]]() if link["name"] in badges else 0
        entry = {**link, "icon": icon, "badge": count, "current": link["name"] == current}
        # Links without a heading stay apart in their own untitled group, in list order.
        key = heading or f"_{len(groups)}"
        groups.setdefault(key, {"label": heading, "links": []})["links"].append(entry)
    return list(groups.values())


def _search(kind: str, links: list[dict]) -> dict | None:
    urls = {link["name"]: link["url"] for link in links}
    for name, placeholder in SEARCH_TARGETS.get(kind, []):
        if name in urls:
            return {"url": urls[name], "placeholder": placeholder}
    return None


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "nav_kind": "anonymous"}
    links: list[dict | None] = []
    badges: dict[str, Callable[[], int]] = {}
    if user.operator_role:
        for label, name, roles in OPERATOR_NAV:
            if roles is None or user.operator_role == "admin" or user.operator_role in roles:
                links.append(_link(label, name))
        kind = "operator"
        badges = _operator_badges(request)
    elif getattr(request, "membership", None):
        membership = request.membership
        for label, name, area in MERCHANT_NAV:
            if area is None or membership.has_area(area):
                links.append(_link(label, name))
        kind = "merchant"
        badges = _merchant_badges(request)
    else:
        if getattr(user, "supplier", None) is not None:
            for label, name in SUPPLIER_NAV:
                links.append(_link(label, name))
        links.append(_link(gettext_noop("Supplier application"), "supplier:apply"))
        kind = "supplier"
    shown = [link for link in links if link]
    # Lazy: the counts and the switcher's memberships are read only by pages that draw the
    # frame (base.html), not by htmx partials or views that only want the links.
    return {
        "nav_links": shown,
        "nav_kind": kind,
        "nav_groups": SimpleLazyObject(lambda: _groups(shown, badges, request.path)),
        "nav_search": _search(kind, shown),
        "nav_memberships": SimpleLazyObject(
            lambda: list(membership_list_for_user(user=user)) if kind == "merchant" else []
        ),
        # The bell's unread count: one indexed COUNT, only on pages that draw the frame.
        "nav_bell": SimpleLazyObject(lambda: {"unread": notifications.unread_count(user=user)}),
    }
